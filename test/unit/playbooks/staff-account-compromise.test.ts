import { describe, expect, it } from 'vitest';
import { defaultSeverity, staffAccountCompromiseV1 } from '../../../playbooks/staff-account-compromise';
import { checkPlaybook } from '../../../src/engine';
import { days, hours, minutes } from '../../../src/playbook-kit';
import { PlaybookDriver } from '../../support/playbook-driver';

/**
 * C5: the day after the DOJ announced the Mabna charges (23 Mar 2018), a Japanese university hears from law
 * enforcement that its professors' accounts were among those targeted. The seed does not describe any victim's
 * own response: the counts in the playbook's example are exercise values at the campaign's ratio (≈8,000 of >100,000 compromised).
 */
const { openedAt, input: c5Input } = staffAccountCompromiseV1.example;
const c5 = (input: Record<string, unknown> = c5Input) =>
  new PlaybookDriver(staffAccountCompromiseV1, input, openedAt);
/** A phishing report with no law enforcement involved. */
const phishing = () =>
  c5({ ...c5Input, trigger: 'phishing_report', leInvestigationActive: false, report: undefined });

const authLogs = { kind: 'auth_logs', sha256: 'c'.repeat(64), location: 'evidence://locker/auth.tar.zst' };
const mailboxLogs = {
  kind: 'mailbox_audit_logs',
  sha256: 'd'.repeat(64),
  location: 'evidence://locker/mbx.tar.zst',
};
const reset = (accounts: number) => ({ accounts, sessionsRevoked: true, appPasswordsRevoked: true });

const sendMessage = (d: PlaybookDriver, id: string, audience: string, facts: string[] = []) =>
  d
    .send('message.drafted', {
      messageId: id,
      audience,
      stance: 'factual',
      summary: 'What happened',
      factsReferenced: facts,
    })
    .send('message.approved', { messageId: id })
    .send('message.sent', { messageId: id, channel: 'email' });

/** Mapped, hunted and classified (1,200 targeted, 96 compromised): contain is at the reset step. */
const classified = (d: PlaybookDriver) =>
  d
    .send('evidence.captured', authLogs)
    .send('accounts.mapped')
    .send('ioc_hunt.completed')
    .send('accounts.classified');

/** Through the reset (D-S1 compromised), mailbox clean-up and IOC blocks: contain is at D-S2. */
const toMandate = (d: PlaybookDriver) =>
  classified(d)
    .send('reset_scope.decided')
    .send('accounts.reset', reset(96))
    .send('mailbox_rules.removed')
    .send('iocs.blocked');

describe('PB-3 staff account compromise', () => {
  it('passes the static graph check', () => {
    expect(checkPlaybook(staffAccountCompromiseV1)).toEqual([]);
  });

  it('sets severity from the trigger: law enforcement or CERT high, otherwise medium', () => {
    const parse = (input: unknown) => staffAccountCompromiseV1.inputSchema.parse(input);
    expect(defaultSeverity(parse(c5Input))).toBe('high');
    expect(defaultSeverity(parse({ ...c5Input, trigger: 'mailbox_login_anomaly' }))).toBe('medium');
  });

  it('runs the C5 law-enforcement-notice path to closure, handled confidentially while the FBI investigates', () => {
    const d = c5();
    expect(d.active()).toEqual(expect.arrayContaining(['intake.received', 'identify.map_accounts']));
    d.send('report.acknowledged').send('report.triaged', {
      option: 'escalate',
      rationale: 'LE notice names our accounts.',
    });
    d.send('incident.declared', {
      severity: 'high',
      rationale: 'Law-enforcement notice of a credential-theft campaign.',
    });
    d.send('vendor.requested').send('vendor.authorised').send('vendor.onboarded');

    // Identify: targeted vs compromised, verified by a second person.
    classified(d).send('classification.verified');
    expect(d.in('identify.identified')).toBe(true);

    // LE: contact, an information request, D-S3 confidential (C5: details unlikely to be published).
    d.send('le.contacted').send('le_request.received');
    d.send('disclosure.decided');
    expect(d.in('le.handover')).toBe(true);

    // Contain.
    d.send('reset_scope.decided').send('accounts.reset', reset(96));
    d.send('mailbox_rules.removed').send('iocs.blocked').send('mfa_mandate.decided');
    d.send('mfa.enforced'); // high-value roles (professors) first
    expect(d.in('contain.contained')).toBe(true);
    expect(d.in('harden.mfa_all_staff')).toBe(true);

    // Investigate.
    d.send('evidence.captured', mailboxLogs);
    d.send('mailbox_audit.completed').send('exposure.scoped').send('licensed_content.assessed');
    d.send('vendor.report_received').send('vendor.released');

    // Notify: staff, partners and licensors, the regulator (APPI: unauthorised access, category 3).
    sendMessage(d, 'staff-notice', 'affected_staff', ['classification.verified']);
    d.send('partners.notified');
    d.send('breach.determined', {
      finding: 'confirmed',
      improperPurpose: true,
      affectedCount: 400,
      rationale: 'Student records read from compromised mailboxes.',
    });
    expect(Object.keys(d.context.clocks as object).sort()).toEqual([
      'appi-confirmed-improper',
      'appi-individuals',
      'appi-preliminary',
    ]);
    d.send('reportability.assessed');
    d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1' });
    expect(d.in('notify.notified')).toBe(false); // the confirmed report's clock still runs
    d.send('regulator.reported', {
      regime: 'APPI',
      clockIds: ['appi-confirmed-improper'],
      reference: 'PPC-2',
    });
    expect(d.in('notify.notified')).toBe(false); // APPI Art. 26(2): the notice to the individuals still runs
    d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-individuals'], reference: 'NOTICE-1' });
    expect(d.in('notify.notified')).toBe(true);

    // LE hand-over only once the information request is answered.
    expect(d.refusal('le.handed_over')).toBe('event_not_allowed');
    d.send('le_request.answered').send('le.handed_over');
    expect(d.in('le.coordinated')).toBe(true);

    // Harden: all staff by the D-S2 date (30 days), then conditional access and training.
    d.advanceBy(days(20));
    d.send('mfa.enforced', { population: 'all_staff', methods: ['fido2', 'totp'] });
    d.send('conditional_access.enabled').send('training.delivered');
    expect(d.in('review.scheduled')).toBe(true);
    d.send('review.held', {
      summary: 'Password-only external mailbox access let the campaign read mail at will.',
      findings: ['MFA for external access came only after the notice'],
    });
    d.send('improvements.tracked').send('incident.closed');

    expect(d.done).toBe(true);
    expect(d.context.decisions.map((x) => `${x.id}:${x.option}`)).toEqual([
      'intake:escalate',
      'declare:',
      'D-S3:confidential',
      'D-S1:compromised',
      'D-S2:high_value_first',
      'reportability:reportable',
    ]);
    expect(d.context.escalations).toEqual([]);
  });

  it('decides the reset scope only after targeted and compromised accounts are separated, and only once', () => {
    const d = c5().send('evidence.captured', authLogs).send('accounts.mapped').send('ioc_hunt.completed');
    expect(d.refusal('reset_scope.decided')).toBe('event_not_allowed');
    expect(d.refusal('accounts.reset', reset(96))).toBe('event_not_allowed');
    d.send('accounts.classified');
    expect(d.refusal('accounts.reset', reset(96))).toBe('event_not_allowed'); // D-S1 first
    d.send('reset_scope.decided');
    expect(d.refusal('reset_scope.decided', { option: 'all_staff', rationale: 'Changed mind.' })).toBe(
      'event_not_allowed',
    );
    expect(d.context.decisions.filter((x) => x.id === 'D-S1')).toHaveLength(1);
  });

  it('hunts only with the auth logs preserved, and verifies the split with a second person', () => {
    const d = c5().send('accounts.mapped');
    expect(d.refusal('ioc_hunt.completed')).toBe('event_not_allowed');
    d.send('evidence.captured', authLogs).send('ioc_hunt.completed').send('accounts.classified');
    expect(
      d.refusal('accounts.classified', {
        targeted: 10,
        compromised: 11,
        highValueCompromised: 0,
        basis: 'x',
      }),
    ).toMatch(/^invalid payload/);
    const classifier = d.actorFor('accounts.classified');
    expect(
      d.refusal('classification.verified', {}, { actor: { ...classifier, roles: ['incident_commander'] } }),
    ).toBe('event_not_allowed');
    expect(d.refusal('classification.verified')).toBeNull();
  });

  it.each([
    ['compromised', [96], 'contain.mailbox_cleanup'],
    ['targeted', [96], 'contain.extend_reset'],
    ['targeted', [96, 1200], 'contain.mailbox_cleanup'],
    ['all_staff', [96, 1200], 'contain.extend_reset'],
    ['all_staff', [96, 4000], 'contain.mailbox_cleanup'],
  ])('D-S1 %s with resets %j ends in %s', (option, resets, state) => {
    const d = classified(c5()).send('reset_scope.decided', { option, rationale: 'See the classification.' });
    expect(d.refusal('accounts.reset', reset(95))).toBe('event_not_allowed'); // the compromised come first
    for (const accounts of resets) d.refusal('accounts.reset', reset(accounts));
    expect(d.in(state)).toBe(true);
    expect(d.context.decisions.find((x) => x.id === 'D-S1')?.option).toBe(option);
  });

  it('refuses a reset that does not revoke sessions and app passwords', () => {
    const d = classified(c5()).send('reset_scope.decided');
    expect(
      d.refusal('accounts.reset', { accounts: 96, sessionsRevoked: false, appPasswordsRevoked: true }),
    ).toMatch(/^invalid payload/);
  });

  it('escalates a reset not done 24 h after the compromised accounts are known, not 24 h after opening', () => {
    const d = c5();
    d.advanceBy(hours(2));
    classified(d); // at 12:00 JST
    d.advanceTo('2018-03-25T02:59:00.000Z');
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('resetDue');
    d.advanceTo('2018-03-25T03:01:00.000Z');
    expect(d.context.escalations.find((e) => e.timer === 'resetDue')?.dueAt).toBe('2018-03-25T03:00:00.000Z');
    expect(d.in('contain.reset')).toBe(true);

    const prompt = classified(c5()).send('reset_scope.decided').send('accounts.reset', reset(96));
    prompt.advanceBy(hours(25));
    expect(prompt.context.escalations.map((e) => e.timer)).not.toContain('resetDue');
  });

  it('escalates a declaration not made 4 h after the notice', () => {
    const d = c5();
    d.advanceTo('2018-03-24T04:29:00.000Z');
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('declarationDue');
    d.advanceTo('2018-03-24T04:31:00.000Z');
    expect(d.context.escalations.find((e) => e.timer === 'declarationDue')?.dueAt).toBe(
      '2018-03-24T04:30:00.000Z',
    );
  });

  it('cleans every compromised mailbox before moving on', () => {
    const d = classified(c5()).send('reset_scope.decided').send('accounts.reset', reset(96));
    expect(
      d.refusal('mailbox_rules.removed', { mailboxesChecked: 90, rulesRemoved: 1, forwardingRemoved: 1 }),
    ).toBe('event_not_allowed');
    d.send('mailbox_rules.removed');
    expect(d.in('contain.block_iocs')).toBe(true);
  });

  it('D-S2 all staff now: contained only when every account has MFA on external access', () => {
    const d = toMandate(c5());
    d.send('mfa_mandate.decided', {
      option: 'all_staff_now',
      allStaffWithinDays: 7,
      rationale: 'Campaign ongoing.',
    });
    d.send('mfa.enforced', { population: 'high_value_roles', methods: ['fido2'] });
    expect(d.in('contain.mfa_rollout')).toBe(true);
    d.send('mfa.enforced', { population: 'all_staff', methods: ['fido2', 'totp'] });
    expect(d.in('contain.contained')).toBe(true);
    expect(d.in('harden.conditional_access')).toBe(true);
  });

  it('D-S2 high-value roles first: contained at once, and the all-staff date escalates when missed', () => {
    const d = toMandate(c5());
    expect(d.in('harden.await_mandate')).toBe(true);
    d.send('mfa_mandate.decided'); // high-value first, all staff within 30 days
    d.send('mfa.enforced', { population: 'high_value_roles', methods: ['fido2'] });
    expect(d.in('contain.contained')).toBe(true);
    expect(d.in('harden.mfa_all_staff')).toBe(true);
    d.advanceBy(days(30) - minutes(1));
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('mfaAllStaffDue');
    d.advanceBy(minutes(2));
    expect(d.context.escalations.find((e) => e.timer === 'mfaAllStaffDue')?.dueAt).toBe(
      '2018-04-23T01:00:00.000Z',
    );
  });

  it('takes the MFA mandate only when containment reaches it', () => {
    const d = classified(c5());
    expect(d.refusal('mfa_mandate.decided')).toBe('event_not_allowed');
  });

  it('D-S3: a public statement while the investigation is active needs the agency clearance', () => {
    const d = c5().send('le.contacted');
    const statement = { option: 'public_statement', rationale: 'Staff and partners expect to hear from us.' };
    expect(d.refusal('disclosure.decided', statement)).toBe('event_not_allowed');
    d.send('le.cleared');
    expect(d.refusal('disclosure.decided', statement)).toBeNull();
    expect(d.in('le.statement')).toBe(true);
    sendMessage(d, 'statement', 'public', ['le.cleared']);
    expect(d.in('le.handover')).toBe(true);
  });

  it('D-S3: statement after clearance waits for the agency', () => {
    const d = c5().send('le.contacted');
    d.send('disclosure.decided', {
      option: 'statement_after_le_clearance',
      rationale: 'Agency asked for time.',
    });
    expect(d.in('le.await_clearance')).toBe(true);
    expect(
      d.refusal('message.drafted', {
        messageId: 's1',
        audience: 'public',
        stance: 'factual',
        summary: 'x',
        factsReferenced: ['le.cleared'],
      }),
    ).toBe('event_not_allowed'); // cites a fact not yet on record
    d.send('le.cleared');
    expect(d.in('le.statement')).toBe(true);
  });

  it('lets a phishing-report incident skip law enforcement and speak publicly; an LE notice cannot', () => {
    expect(c5().refusal('le.not_contacted')).toBe('event_not_allowed');
    const d = phishing().send('le.not_contacted');
    expect(d.in('le.disclosure')).toBe(true);
    d.send('disclosure.decided', { option: 'public_statement', rationale: 'No investigation to protect.' });
    expect(d.in('le.statement')).toBe(true);
  });

  it('tracks LE information requests: none answered before one arrives', () => {
    const d = c5().send('le.contacted');
    expect(d.refusal('le_request.answered')).toBe('event_not_allowed');
    d.send('le_request.received').send('le_request.received', {
      requestId: 'LE-REQ-2',
      summary: 'Phishing samples',
    });
    d.send('disclosure.decided');
    d.send('le_request.answered');
    expect(d.refusal('le.handed_over')).toBe('event_not_allowed');
    d.send('le_request.answered', { requestId: 'LE-REQ-2', summary: 'Samples sent' }).send('le.handed_over');
    expect(d.in('le.coordinated')).toBe(true);
  });

  it('requires partner and licensor notices when research data or licensed content left', () => {
    const d = classified(c5()).send('classification.verified').send('evidence.captured', mailboxLogs);
    d.send('mailbox_audit.completed').send('exposure.scoped').send('licensed_content.assessed');
    sendMessage(d, 'staff', 'affected_staff', ['classification.verified']);
    expect(d.refusal('partners.not_required')).toBe('event_not_allowed');
    expect(d.refusal('partners.notified', { partners: ['Partner University'] })).toBe('event_not_allowed');
    d.send('partners.notified');
    expect(d.in('notify.regulators')).toBe(true);

    const clean = classified(c5()).send('classification.verified').send('evidence.captured', mailboxLogs);
    clean.send('mailbox_audit.completed').send('exposure.scoped', {
      researchData: false,
      intellectualProperty: false,
      personalData: false,
      summary: 'Administrative mail only.',
    });
    clean.send('licensed_content.assessed', { abused: false });
    sendMessage(clean, 'staff', 'affected_staff', ['classification.verified']);
    clean.send('partners.not_required');
    expect(clean.in('notify.regulators')).toBe(true);
  });

  it('notifies staff only once the compromised accounts are verified', () => {
    const d = classified(c5());
    d.send('message.drafted', {
      messageId: 'staff',
      audience: 'affected_staff',
      stance: 'factual',
      summary: 'x',
      factsReferenced: [],
    }).send('message.approved', { messageId: 'staff' });
    expect(d.refusal('message.sent', { messageId: 'staff', channel: 'email' })).toBeNull(); // SM-COMMS sends it…
    expect(d.in('notify.affected_staff')).toBe(true); // …but it does not count as the verified notice
  });

  it('runs the GDPR 72 h clock from awareness for an EU university; reportable needs the anchor', () => {
    const d = c5({
      ...c5Input,
      organisation: { name: 'EU University', country: 'DE' },
      jurisdictions: ['EU'],
    });
    classified(d).send('classification.verified');
    sendMessage(d, 'staff', 'affected_staff', ['classification.verified']);
    d.send('evidence.captured', mailboxLogs).send('mailbox_audit.completed').send('exposure.scoped');
    d.send('licensed_content.assessed').send('partners.notified');
    expect(d.refusal('reportability.assessed')).toBe('event_not_allowed');
    d.send('breach.aware', { rationale: 'Personal data in compromised mailboxes.' });
    expect(Object.keys(d.context.clocks as object)).toEqual(['gdpr-art33', 'gdpr-art34']);
    d.send('reportability.assessed');
    expect(d.in('notify.file')).toBe(true);
    d.advanceBy(hours(71));
    d.send('regulator.reported', { regime: 'GDPR', clockIds: ['gdpr-art33'], reference: 'DPA-1' });
    expect((d.context.clocks as Record<string, { state: string }>)['gdpr-art33']?.state).toBe('met');
    expect(d.in('notify.notified')).toBe(false); // Art. 34: the notice to the data subjects is a clock of its own
    d.send('regulator.reported', { regime: 'GDPR', clockIds: ['gdpr-art34'], reference: 'NOTICE-1' });
    expect((d.context.clocks as Record<string, { state: string }>)['gdpr-art34']?.state).toBe('met');
    expect(d.in('notify.notified')).toBe(true);
  });

  it('refuses closure while a track is open', () => {
    const d = toMandate(c5().send('incident.declared'));
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
  });
});
