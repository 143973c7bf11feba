import { describe, expect, it } from 'vitest';
import { privilegedAccessAbuseV1 } from '../../../playbooks/privileged-access-abuse';
import { checkPlaybook } from '../../../src/engine';
import { days, hours, minutes } from '../../../src/playbook-kit';
import { actor } from '../../support/actors';
import { PlaybookDriver } from '../../support/playbook-driver';

/** C1: the threat call at 22:00 Beijing time on 1 March; the victim complains at 23:30 (15:30 UTC). */
const { openedAt, input: c1Input } = privilegedAccessAbuseV1.example;
const opened = (input: object = c1Input) => new PlaybookDriver(privilegedAccessAbuseV1, input, openedAt);

const capture = (d: PlaybookDriver, kind: string) =>
  d.send('evidence.captured', { kind, sha256: 'c'.repeat(64), location: `evidence://locker/${kind}` });

const sendMessage = (
  d: PlaybookDriver,
  messageId: string,
  audience: string,
  factsReferenced: string[],
  stance = 'factual',
) =>
  d
    .send('message.drafted', { messageId, audience, stance, summary: 'What we know', factsReferenced })
    .send('message.approved', { messageId })
    .send('message.sent', { messageId, channel: 'email' });

/** Identify, preserve the lookup log, suspend (outsourcer confirmed), preserve the rest. */
const contain = (d: PlaybookDriver) => {
  d.send('staff.identified');
  capture(d, 'support_tool_log');
  d.send('access.suspended');
  capture(d, 'telephony_log');
  capture(d, 'crm_notes');
  return d.send('records.preserved');
};

describe('PB-5 privileged-access abuse', () => {
  it('passes the static graph check', () => {
    expect(checkPlaybook(privilegedAccessAbuseV1)).toEqual([]);
  });

  it('defaults to high for a threat, critical once it is also viral', () => {
    const parse = (input: object) => privilegedAccessAbuseV1.inputSchema.parse(input);
    expect(privilegedAccessAbuseV1.defaultSeverity(parse(c1Input))).toBe('high');
    expect(privilegedAccessAbuseV1.defaultSeverity(parse({ ...c1Input, viral: true }))).toBe('critical');
    expect(privilegedAccessAbuseV1.defaultSeverity(parse({ ...c1Input, threat: undefined }))).toBe('medium');
  });

  it('runs the C1 complaint to closure: victim secured, staff suspended, factual disclosure, public statement', () => {
    const d = opened();
    expect(d.in('intake.received')).toBe(true);
    d.send('report.acknowledged').send('report.triaged', { option: 'escalate', rationale: 'Recorded call.' });
    d.send('incident.declared', { severity: 'critical', rationale: 'Staff extortion of a customer.' });

    d.send('victim.contacted', undefined, { at: '2018-03-01T15:50:00Z' });
    d.send('account.secured').send('victim.advised');
    capture(d, 'victim_recording');
    capture(d, 'victim_emails');
    d.send('victim_evidence.received');
    expect(d.in('victim.protected')).toBe(true);

    d.advanceTo('2018-03-01T16:00:00Z');
    d.send('outsourcer.notified');
    contain(d);
    expect(d.in('containment.interview')).toBe(true);
    d.send('lookups.analysed').send('logins.correlated').send('other_customers.checked');
    expect(d.in('investigation.scoped')).toBe(true);

    d.send(
      'breach.determined',
      { finding: 'confirmed', rationale: 'Lookup log shows the access.' },
      {
        at: '2018-03-02T01:00:00Z',
      },
    );
    expect(Object.keys(d.context.clocks as object)).toEqual(['pipl-art57']);
    d.send('police.engaged', undefined, { at: '2018-03-02T02:00:00Z' }).send('privacy.assessed');
    d.send('staff.interviewed', undefined, { at: '2018-03-02T03:00:00Z' }).send('staff_action.decided');
    expect(d.in('containment.terminated')).toBe(true);
    expect(d.in('review.scheduled')).toBe(true);
    d.send(
      'regulator.reported',
      { regime: 'PIPL', clockIds: ['pipl-art57'], reference: 'CAC-2018-1' },
      { at: '2018-03-02T06:00:00Z' },
    );
    expect((d.context.clocks as Record<string, { state: string }>)['pipl-art57']!.state).toBe('met');

    d.send('staff_disclosure.decided');
    sendMessage(d, 'victim-scope', 'victim', ['lookups.analysed', 'staff_action.decided']);
    expect(d.in('victim_comms.informed')).toBe(true);

    d.send('virality.crossed', undefined, { at: '2018-03-03T00:00:00Z' });
    d.advanceTo('2018-03-03T08:00:00Z');
    sendMessage(d, 'statement', 'public', ['lookups.analysed', 'staff_action.decided']);
    expect(d.in('public_comms.published')).toBe(true);

    d.send('outsourcer.audited').send('controls.remediated').send('outsourcer_contract.decided');
    d.send('review.held').send('improvements.tracked').send('incident.closed');
    expect(d.done).toBe(true);
    expect(d.context.escalations).toEqual([]);
    expect(d.context.decisions.map((x) => `${x.id}:${x.option}`)).toEqual([
      'intake:escalate',
      'declare:',
      'reportability:reportable',
      'D-S1:terminate',
      'D-S2:action_and_police_referral',
      'outsourcer_contract:enforce',
    ]);
  });

  it('escalates the victim contact at 4 h: C1\'s 3-day "being handled" is late, and a template is not contact', () => {
    const d = opened().send('report.acknowledged');
    d.advanceTo('2018-03-01T19:29:59Z');
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('victimContactDue');
    d.advanceBy(days(3)); // C1: "being handled" only after three days
    const late = d.context.escalations.find((e) => e.timer === 'victimContactDue');
    expect(late?.dueAt).toBe('2018-03-01T19:30:00.000Z');
    expect(d.in('victim.contact')).toBe(true);
    d.send('victim.contacted');
    expect(d.in('victim.secure')).toBe(true);
  });

  it('suspends only after the lookup log is preserved, at the outsourcer too, and escalates after 1 h', () => {
    const d = opened().send('staff.identified');
    expect(d.refusal('access.suspended')).toBe('event_not_allowed');
    capture(d, 'support_tool_log');
    expect(d.refusal('access.suspended', { systems: ['Support console'], outsourcerConfirmed: false })).toBe(
      'event_not_allowed',
    );
    expect(d.refusal('access.suspended', undefined, { actor: actor('agent', 'customer_support') })).toMatch(
      /^role:/,
    );
    d.advanceTo('2018-03-01T16:30:00Z');
    expect(d.context.escalations.find((e) => e.timer === 'accessSuspensionDue')?.dueAt).toBe(
      '2018-03-01T16:30:00.000Z',
    );
    d.send('access.suspended', undefined, { actor: actor('partner', 'contractor_contact') });
    expect(d.in('containment.preserve')).toBe(true);
  });

  it('needs no outsourcer confirmation for own staff, and records that vendor management does not apply', () => {
    const d = opened({ ...c1Input, staff: { reference: 'Agent 12', employer: 'own_staff' } });
    d.send('staff.identified', {
      staffRef: 'Agent 12',
      employer: 'own_staff',
      method: 'tool_logs',
    });
    capture(d, 'support_tool_log');
    d.send('access.suspended', { systems: ['Support console'] });
    expect(d.in('containment.preserve')).toBe(true);
    d.send('outsourcer.not_involved');
    expect(d.in('vendor_management.not_applicable')).toBe(true);
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'outsourcer', option: 'own_staff' });
  });

  it('D-S1: terminates only after the records and the interview, and not by the interviewer', () => {
    const d = opened().send('staff.identified');
    capture(d, 'support_tool_log');
    d.send('access.suspended');
    expect(d.refusal('staff_action.decided')).toBe('event_not_allowed'); // no records, no interview
    capture(d, 'telephony_log');
    expect(d.refusal('records.preserved')).toBe('event_not_allowed'); // CRM notes missing
    capture(d, 'crm_notes');
    d.send('records.preserved');
    expect(d.refusal('staff_action.decided')).toBe('event_not_allowed'); // not interviewed yet
    d.send('staff.interviewed');
    const interviewer = { ...actor('hr', 'hr'), id: 'person-hr' };
    expect(d.refusal('staff_action.decided', undefined, { actor: interviewer })).toBe('event_not_allowed');
    d.send('staff_action.decided', { option: 'remain_suspended', rationale: 'Police case pending.' });
    expect(d.in('containment.suspended')).toBe(true);
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'D-S1', option: 'remain_suspended' });

    const cleared = contain(opened()).send('staff.interviewed');
    cleared.send('staff_action.decided', { option: 'reinstate', rationale: 'Lookup was for a ticket.' });
    expect(cleared.in('containment.reinstated')).toBe(true);
  });

  it('D-S2, then tells the victim the factual scope: no "trust us", no denial', () => {
    const d = opened();
    d.send('staff_disclosure.decided', { option: 'nothing', rationale: 'Employment-law advice.' });
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'D-S2', option: 'nothing' });
    expect(
      d.refusal('message.drafted', {
        messageId: 'deny',
        audience: 'victim',
        stance: 'denial',
        summary: 'Accounts are strongly encrypted; staff cannot see them.',
      }),
    ).toBe('event_not_allowed');
    sendMessage(d, 'trust-us', 'victim', [], 'neutral');
    expect(d.in('victim_comms.victim_update')).toBe(true);
    sendMessage(d, 'no-scope', 'victim', ['staff_disclosure.decided']);
    expect(d.in('victim_comms.victim_update')).toBe(true);
    capture(d, 'support_tool_log');
    d.send('lookups.analysed');
    sendMessage(d, 'scope', 'victim', ['lookups.analysed']);
    expect(d.in('victim_comms.informed')).toBe(true);
  });

  it('escalates a public statement not out 24 h and 48 h after going viral; only a factual one completes it', () => {
    const d = opened().send('virality.crossed');
    d.advanceBy(hours(24) - 1);
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('publicStatementTarget');
    d.advanceBy(1);
    expect(d.context.escalations.map((e) => e.timer)).toContain('publicStatementTarget');
    d.advanceBy(hours(24));
    expect(d.context.escalations.map((e) => e.timer)).toContain('publicStatementLimit');
    sendMessage(d, 'trust-us', 'public', [], 'neutral');
    expect(d.in('public_comms.statement')).toBe(true);
    sendMessage(d, 'facts', 'public', ['virality.crossed']);
    expect(d.in('public_comms.published')).toBe(true);
  });

  it('routes an already-viral case straight to the statement, counted from the complaint', () => {
    const d = opened({ ...c1Input, viral: true });
    expect(d.in('public_comms.statement')).toBe(true);
    d.advanceTo('2018-03-02T15:30:00Z');
    expect(d.context.escalations.find((e) => e.timer === 'publicStatementTarget')?.dueAt).toBe(
      '2018-03-02T15:30:00.000Z',
    );
  });

  it('records that no public statement is needed while the case is not public', () => {
    const d = opened().send('public_statement.decided');
    expect(d.in('public_comms.not_needed')).toBe(true);
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'public_statement', option: 'not_needed' });
  });

  it('runs the PIPL Art. 57 clock from the determination; a late filing needs its delay reason', () => {
    const d = opened().send('police.engaged').send('privacy.assessed');
    d.send('breach.determined', { finding: 'confirmed', rationale: 'Confirmed.' });
    const clock = () => (d.context.clocks as Record<string, { dueAt: string; state: string }>)['pipl-art57']!;
    expect(clock().dueAt).toBe('2018-03-02T15:35:00.000Z');
    d.advanceBy(hours(24) + minutes(1));
    expect(clock().state).toBe('overdue');
    const piplFiling = { regime: 'PIPL', clockIds: ['pipl-art57'], reference: 'CAC-1' };
    expect(d.refusal('regulator.reported', piplFiling)).toBe('event_not_allowed');
    d.send('regulator.reported', { ...piplFiling, delayReason: 'Scope confirmed only this morning.' });
    expect(clock().state).toBe('met_late');
    expect(d.in('legal.contract')).toBe(true);
  });

  it('starts the GDPR 72-hour clock on awareness for an EU profile', () => {
    const d = opened({ ...c1Input, jurisdictions: ['EU'] });
    d.send('breach.aware', { rationale: 'Personal data accessed by staff.' });
    const clocks = d.context.clocks as Record<string, { dueAt: string }>;
    expect(Object.keys(clocks)).toEqual(['gdpr-art33', 'gdpr-art34']);
    expect(clocks['gdpr-art33']!.dueAt).toBe('2018-03-04T15:35:00.000Z');
  });

  it('accepts the victim evidence only once some of it is in the locker', () => {
    const d = opened().send('victim.contacted').send('account.secured').send('victim.advised');
    expect(d.refusal('victim_evidence.received')).toBe('event_not_allowed');
    d.send(
      'evidence.captured',
      {
        kind: 'victim_recording',
        sha256: 'd'.repeat(64),
        location: 'evidence://locker/call.m4a',
      },
      { actor: actor('agent', 'customer_support') },
    );
    d.send('victim_evidence.received');
    expect(d.in('victim.protected')).toBe(true);
  });
});
