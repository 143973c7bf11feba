import { describe, expect, it } from 'vitest';
import { thirdPartySiteCompromiseV1 } from '../../../playbooks/third-party-site-compromise';
import { checkPlaybook } from '../../../src/engine';
import { days, hours, minutes, type TrackedClocks } from '../../../src/playbook-kit';
import { PlaybookDriver } from '../../support/playbook-driver';

/** C4: the prefectural police point out the defaced mail-magazine site on 17 March (D0). */
const { openedAt, input: c4Input } = thirdPartySiteCompromiseV1.example;
const opened = (input: Record<string, unknown> = c4Input) =>
  new PlaybookDriver(thirdPartySiteCompromiseV1, input, openedAt);

const capture = (d: PlaybookDriver, ...kinds: string[]) => {
  for (const kind of kinds)
    d.send('evidence.captured', { kind, sha256: 'b'.repeat(64), location: `evidence://c4/${kind}` });
  return d;
};
const allEvidence = [
  'defaced_page_capture',
  'server_image',
  'web_logs',
  'platform_inventory',
  'db_access_logs',
];

const sendMessage = (d: PlaybookDriver, id: string, audience: string, facts: string[]) =>
  d
    .send('message.drafted', {
      messageId: id,
      audience,
      stance: 'factual',
      summary: '12,424 present-campaign entries (May 2008 – Jan 2018) were accessed without authorisation.',
      factsReferenced: facts,
    })
    .send('message.approved', { messageId: id })
    .send('message.sent', { messageId: id, channel: id === 'public-report' ? 'website' : 'email' });

const clocks = (d: PlaybookDriver) => d.context.clocks as TrackedClocks;
const determined = {
  finding: 'confirmed',
  improperPurpose: true,
  affectedCount: 12_424,
  rationale: 'DB logs.',
};

describe('PB-6 third-party-hosted site compromise', () => {
  it('passes the static graph check', () => {
    expect(checkPlaybook(thirdPartySiteCompromiseV1)).toEqual([]);
  });

  it('defaults severity from whether personal data sits on the host', () => {
    expect(opened().snapshot.context.severity).toBe('high');
    expect(opened({ ...c4Input, personalDataOnHost: false }).snapshot.context.severity).toBe('medium');
  });

  it('runs the C4 as-performed path to closure without a single escalation', () => {
    const d = opened();
    expect(d.active()).toEqual(
      expect.arrayContaining(['intake.received', 'contractor.notify_controller', 'containment.take_offline']),
    );
    // The police notice: neutral acknowledgement, triage, declaration (all within the hour).
    d.send('report.acknowledged', undefined, { at: '2018-03-17T01:30:00.000Z' });
    d.send('report.triaged', { option: 'escalate', rationale: 'Defacement confirmed on the live site.' });
    d.send('incident.declared', { severity: 'high', rationale: 'Police notice of a defaced site we own.' });
    d.send('vendor.requested').send('vendor.authorised');
    // Capture first, then the pages go offline.
    capture(d, 'defaced_page_capture', 'police_notice');
    d.send('site.taken_offline', undefined, { at: '2018-03-17T02:30:00.000Z' });
    // The contractor's notice to the prefecture, then the contract is invoked.
    d.send('controller.notified', undefined, { at: '2018-03-17T05:00:00.000Z' });
    d.send('contractor.activated').send('vendor.onboarded');
    capture(d, 'server_image', 'web_logs', 'platform_inventory', 'db_access_logs');
    d.send('evidence.preserved').send('component.removed');
    expect(d.in('containment.contained')).toBe(true);
    // Scope: 12,424 present-campaign entries, May 2008 – Jan 2018; determined with improper purpose.
    d.send('data_stores.identified', undefined, { at: '2018-03-19T09:00:00.000Z' }).send('scope.quantified');
    d.send('breach.determined', determined);
    d.send('appi.preliminary_reported', undefined, { at: '2018-03-19T12:00:00.000Z' });
    sendMessage(d, 'individual-notice', 'individuals', ['scope.quantified']);
    sendMessage(d, 'public-report', 'public', ['scope.quantified']);
    d.send('vendor.report_received').send('vendor.released');
    // Minimise: retention decided, the ten years of entries purged.
    d.send('retention.decided').send('data.purged');
    // Recover, then the contract.
    d.send('site.rebuilt').send('integrity_monitoring.enabled').send('site.restored');
    expect(d.in('review.scheduled')).toBe(true);
    d.send('contract_requirements.decided').send('contract.amended');
    d.send('appi.confirmed_reported', undefined, { at: '2018-03-30T00:00:00.000Z' });
    expect(d.in('notify.done')).toBe(true);
    d.send('review.held').send('improvements.tracked');
    d.send('incident.closed');

    expect(d.done).toBe(true);
    expect(d.context.escalations).toEqual([]);
    expect(d.context.decisions.map((x) => [x.id, x.option])).toEqual([
      ['intake', 'escalate'],
      ['declare', ''],
      ['retention', 'delete_after_campaign'],
      ['contract_requirements', 'amend_contract'],
    ]);
    expect(clocks(d)['appi-preliminary']?.state).toBe('met');
    expect(clocks(d)['appi-confirmed-improper']?.state).toBe('met');
  });

  it('refuses to close while a track is open', () => {
    const d = opened().send('incident.declared');
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
  });

  it('captures the defaced page before taking it offline, and preserves the host before removing the blog', () => {
    const d = opened();
    expect(d.refusal('site.taken_offline')).toBe('event_not_allowed');
    capture(d, 'defaced_page_capture');
    expect(d.refusal('site.taken_offline')).toBeNull();
    expect(d.refusal('component.removed')).toBe('event_not_allowed');
    capture(d, 'server_image', 'web_logs');
    expect(d.refusal('component.removed')).toBe('event_not_allowed');
    capture(d, 'platform_inventory');
    expect(d.refusal('component.removed')).toBeNull();
    expect(d.in('containment.contained')).toBe(true);
  });

  it('needs the police notice in the evidence set when the police reported it', () => {
    const d = capture(opened(), ...allEvidence);
    expect(d.refusal('evidence.preserved')).toBe('event_not_allowed');
    capture(d, 'police_notice');
    expect(d.refusal('evidence.preserved')).toBeNull();

    const contractorReport = { ...c4Input, report: { ...c4Input.report, channel: 'contractor' } };
    const e = capture(opened(contractorReport), ...allEvidence);
    expect(e.refusal('evidence.preserved')).toBeNull();
  });

  it('escalates a contractor notice not given within 24 h of the police notice', () => {
    const d = opened();
    d.advanceTo('2018-03-18T00:59:00.000Z');
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('controllerNoticeDue');
    d.advanceTo('2018-03-18T01:00:00.000Z');
    const due = d.context.escalations.find((e) => e.timer === 'controllerNoticeDue');
    expect(due?.dueAt).toBe('2018-03-18T01:00:00.000Z');
    expect(d.in('contractor.notify_controller')).toBe(true);
    expect(d.effects.some((e) => e.type === 'escalate')).toBe(true);
  });

  it("uses the contract's shorter notice period, and a timely notice never escalates", () => {
    const d = opened({ ...c4Input, contractNoticeHours: 4 });
    d.advanceTo('2018-03-17T05:00:00.000Z');
    expect(d.context.escalations.find((e) => e.timer === 'controllerNoticeDue')?.dueAt).toBe(
      '2018-03-17T05:00:00.000Z',
    );
    const e = opened();
    e.send('controller.notified', undefined, { at: '2018-03-17T20:00:00.000Z' });
    e.advanceBy(days(2));
    expect(e.context.escalations.map((x) => x.timer)).not.toContain('controllerNoticeDue');
  });

  it('escalates pages still online 2 h after opening', () => {
    const d = opened();
    d.advanceBy(hours(2) - minutes(1));
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('siteOfflineDue');
    d.advanceBy(minutes(1));
    expect(d.context.escalations.map((e) => e.timer)).toContain('siteOfflineDue');
  });

  it('runs APPI category 3 clocks: preliminary 72 h, confirmed 60 days; each filing meets only its own clock', () => {
    const d = opened();
    d.send('breach.determined', determined, { at: '2018-03-20T00:00:00.000Z' });
    expect(Object.keys(clocks(d)).sort()).toEqual([
      'appi-confirmed-improper',
      'appi-individuals',
      'appi-preliminary',
    ]);
    expect(clocks(d)['appi-preliminary']?.dueAt).toBe('2018-03-23T00:00:00.000Z');
    expect(clocks(d)['appi-confirmed-improper']?.dueAt).toBe('2018-05-19T00:00:00.000Z');
    d.send('appi.preliminary_reported', undefined, { at: '2018-03-22T00:00:00.000Z' });
    expect(clocks(d)['appi-preliminary']?.state).toBe('met');
    expect(clocks(d)['appi-confirmed-improper']?.state).toBe('running');
    d.advanceTo('2018-05-19T00:00:00.000Z');
    expect(clocks(d)['appi-confirmed-improper']?.state).toBe('overdue');
    d.advanceBy(minutes(1));
    expect(d.refusal('appi.confirmed_reported')).toBe('event_not_allowed');
    d.send('appi.confirmed_reported', { reference: 'PPC-late', delayReason: 'Forensics report late.' });
    expect(clocks(d)['appi-confirmed-improper']?.state).toBe('met_late');
    expect(d.in('notify.work.regulator.filed')).toBe(true);
  });

  it('files the APPI preliminary report only once the determination started the clocks', () => {
    const d = opened();
    expect(d.refusal('appi.preliminary_reported')).toBe('event_not_allowed');
    d.send('regulator.not_required', {
      regime: 'APPI',
      option: 'not_reportable',
      rationale: 'No personal data on the host.',
    });
    expect(d.in('notify.work.regulator.not_required')).toBe(true);
    expect(d.context.decisions.map((x) => x.id)).toEqual(['reportability']);
  });

  it('sends notices only when they cite the scope, and never a denial', () => {
    const d = opened().send('data_stores.identified').send('scope.quantified');
    sendMessage(d, 'vague', 'individuals', []);
    expect(d.in('notify.work.individuals.notify')).toBe(true);
    sendMessage(d, 'scoped', 'individuals', ['scope.quantified']);
    expect(d.in('notify.work.individuals.notified')).toBe(true);
    expect(
      d.refusal('message.drafted', {
        messageId: 'deny',
        audience: 'public',
        stance: 'denial',
        summary: 'No personal data was leaked.',
      }),
    ).toBe('event_not_allowed');
  });

  it('branches the retention decision; purges only after evidence and scope', () => {
    const d = opened();
    expect(d.refusal('retention.decided', { option: 'fixed_period', rationale: 'Keep a while.' })).toBe(
      'event_not_allowed',
    );
    expect(d.refusal('retention.decided', undefined, { actor: d.actorFor('data.purged') })).toMatch(/^role/);
    d.send('retention.decided', {
      option: 'collect_off_site',
      rationale: 'No entries on the contractor host.',
    });
    expect(d.in('minimise.relocate')).toBe(true);
    d.send('entry_form.relocated');
    expect(d.refusal('data.purged')).toBe('event_not_allowed');
    capture(d, ...allEvidence, 'police_notice').send('evidence.preserved');
    expect(d.refusal('data.purged')).toBe('event_not_allowed');
    d.send('data_stores.identified').send('scope.quantified');
    expect(d.refusal('data.purged')).toBeNull();
    expect(d.context.decisions[0]).toMatchObject({ id: 'retention', option: 'collect_off_site' });

    const f = opened();
    f.send('retention.decided', { option: 'fixed_period', retentionMonths: 6, rationale: 'Six months.' });
    expect(f.in('minimise.purge')).toBe(true);
  });

  it('restores the site only after containment, signed off by someone other than the rebuilder', () => {
    const d = opened();
    expect(d.refusal('site.rebuilt')).toBe('event_not_allowed');
    capture(d, 'defaced_page_capture', 'server_image', 'web_logs', 'platform_inventory');
    d.send('site.taken_offline').send('component.removed').send('site.rebuilt');
    d.send('integrity_monitoring.enabled');
    const rebuilder = d.actorFor('site.rebuilt');
    expect(d.refusal('site.restored', undefined, { actor: rebuilder })).toBe('event_not_allowed');
    expect(d.refusal('site.restored')).toBeNull();
    expect(d.in('recover.recovered')).toBe(true);
  });

  it('writes every decided requirement into the contract, two people; or replaces the contractor', () => {
    const d = opened().send('contract_requirements.decided');
    expect(
      d.refusal('contract.amended', { contractRef: 'A1', clauses: ['security_requirements_in_order'] }),
    ).toBe('event_not_allowed');
    const both = { id: 'director', name: 'director', roles: ['executive', 'legal'] };
    const e = opened().send('contract_requirements.decided', undefined, { actor: both });
    expect(e.refusal('contract.amended', undefined, { actor: both })).toBe('event_not_allowed');
    expect(d.refusal('contract.amended')).toBeNull();
    expect(d.in('contract.remediated')).toBe(true);

    const r = opened().send('contract_requirements.decided', {
      option: 'replace_contractor',
      requirements: ['right_to_audit'],
      rationale: 'No patching capability at the contractor.',
    });
    expect(r.in('contract.replace')).toBe(true);
    r.send('contractor.replaced');
    expect(r.in('contract.remediated')).toBe(true);
    expect(r.context.decisions[0]).toMatchObject({
      id: 'contract_requirements',
      option: 'replace_contractor',
    });
  });
});
