import { describe, expect, it } from 'vitest';
import { insiderDataTheftV1 } from '../../../playbooks/insider-data-theft';
import { checkPlaybook } from '../../../src/engine';
import { days, hours } from '../../../src/playbook-kit';
import { actor } from '../../support/actors';
import { PlaybookDriver } from '../../support/playbook-driver';

/** C3: exfiltration from January 2017; the departures to BayCurrent raise the alarm on 1 March 2017 (09:00 JST). */
const { openedAt, input: c3Input } = insiderDataTheftV1.example;
const opened = (input: object = c3Input) => new PlaybookDriver(insiderDataTheftV1, input, openedAt);

const capture = (d: PlaybookDriver, kind: string, options: { at?: string } = {}) =>
  d.send(
    'evidence.captured',
    { kind, sha256: 'b'.repeat(64), location: `evidence://locker/${kind}.tar.zst` },
    options,
  );

const preserveEvidence = (d: PlaybookDriver) => {
  d.send('legal_hold.issued');
  for (const kind of ['remote_access_logs', 'file_server_audit', 'email']) capture(d, kind);
  return d.send('evidence.preserved');
};

const sendMessage = (
  d: PlaybookDriver,
  messageId: string,
  audience: string,
  factsReferenced: string[],
  options: { at?: string; stance?: string } = {},
) =>
  d
    .send(
      'message.drafted',
      { messageId, audience, stance: options.stance ?? 'factual', summary: 'What we know', factsReferenced },
      { at: options.at },
    )
    .send('message.approved', { messageId })
    .send('message.sent', { messageId, channel: 'email' });

const decideSuspension = (d: PlaybookDriver) => d.send('containment.signed_off').send('containment.decided');

describe('PB-4 insider data theft', () => {
  it('passes the static graph check', () => {
    expect(checkPlaybook(insiderDataTheftV1)).toEqual([]);
  });

  it('defaults to critical for an executive taking material to a named competitor (C3)', () => {
    expect(insiderDataTheftV1.defaultSeverity(insiderDataTheftV1.inputSchema.parse(c3Input))).toBe(
      'critical',
    );
    const analyst = { ...c3Input, subject: { position: 'Analyst' }, competitor: undefined };
    expect(insiderDataTheftV1.defaultSeverity(insiderDataTheftV1.inputSchema.parse(analyst))).toBe('high');
    const quiet = { ...analyst, personalDataSuspected: false };
    expect(insiderDataTheftV1.defaultSeverity(insiderDataTheftV1.inputSchema.parse(quiet))).toBe('medium');
  });

  it('runs C3 to closure: tip → evidence → legal-approved containment → police, dismissal, civil suit, arrest; APPI 60 d', () => {
    const d = opened();
    expect(d.in('intake.not_applicable')).toBe(true);
    d.send('incident.declared', {
      severity: 'critical',
      rationale: '~30 engineers left for one competitor.',
    });
    d.send('cell.convened');
    d.send('vendor.not_needed', { option: 'in_house', rationale: 'In-house forensics with custody logs.' });
    preserveEvidence(d);
    expect(d.in('evidence.preserved')).toBe(true);
    d.send('theft.scoped').send('trade_secret.assessed');
    decideSuspension(d);
    d.send('access.suspended').send('equipment.collected').send('obligations.reaffirmed');
    expect(d.in('manage.contained')).toBe(true);
    sendMessage(d, 'staff-1', 'staff', []);
    expect(d.in('comms.external')).toBe(true);
    d.send('interview.held');

    // Privacy: the roster, taken for headhunting, is APPI category (3).
    d.send('privacy.assessed');
    d.send('breach.determined', {
      finding: 'confirmed',
      improperPurpose: true,
      affectedCount: 100,
      rationale: 'Roster on a competitor-issued PC.',
    });
    expect(Object.keys(d.context.clocks as object).sort()).toEqual([
      'appi-confirmed-improper',
      'appi-individuals',
      'appi-preliminary',
    ]);
    d.send(
      'regulator.reported',
      { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-preliminary' },
      { at: '2017-03-02T00:00:00Z' },
    );
    expect(d.in('privacy.notify_employees')).toBe(true);
    sendMessage(d, 'roster-notice', 'affected_employees', ['theft.scoped']);
    expect(d.in('privacy.confirmed')).toBe(true);

    d.send('return_demand.sent', undefined, { at: '2017-03-10T00:00:00Z' });
    capture(d, 'recipient_possession');

    // Months apart: police consultation (Apr), confirmed report, dismissal (May), civil suit (Aug), arrest (Mar 2018).
    d.send('police.consulted', undefined, { at: '2017-04-05T01:00:00Z' });
    d.send('criminal_complaint.decided');
    d.send(
      'regulator.reported',
      { regime: 'APPI', clockIds: ['appi-confirmed-improper'], reference: 'PPC-confirmed' },
      { at: '2017-04-20T00:00:00Z' },
    );
    d.send('customer_notice.decided');
    sendMessage(d, 'customer-notice', 'affected_customers', ['theft.scoped']);
    expect(d.in('privacy.done')).toBe(true);
    capture(d, 'hr_records', { at: '2017-05-01T00:00:00Z' });
    d.send('hr_action.decided', undefined, { at: '2017-05-08T00:00:00Z' });
    expect(d.in('review.scheduled')).toBe(true);
    d.send('review.held', undefined, { at: '2017-05-15T00:00:00Z' }).send('improvements.tracked');
    d.send(
      'civil_action.decided',
      {
        option: 'file',
        defendants: ['individual', 'receiving_company'],
        rationale: 'Roster on its terminal; quotes in its staff mail.',
      },
      { at: '2017-08-01T00:00:00Z' },
    );
    expect(d.in('civil.filed')).toBe(true);
    d.send('arrest.reported', undefined, { at: '2018-03-06T03:00:00Z' });
    d.send(
      'press_statement.decided',
      { option: 'publish', trigger: 'press_report', rationale: "Responding to today's reports." },
      { at: '2018-03-08T01:00:00Z' },
    );
    sendMessage(d, 'notice', 'public', ['arrest.reported']);
    d.send('incident.closed');

    expect(d.done).toBe(true);
    expect(d.context.escalations).toEqual([]);
    expect(d.context.decisions.map((x) => `${x.id}:${x.option}`)).toEqual([
      'declare:',
      'vendor:in_house',
      'trade_secret:trade_secret',
      'D-I1:immediate_suspension',
      'reportability:reportable',
      'criminal_complaint:file',
      'customer_notice:notify',
      'hr_action:dismissal',
      'civil_action:file',
      'press_statement:publish',
    ]);
  });

  it('refuses suspension before the legal hold and the evidence-first set, whatever D-I1 said', () => {
    const d = opened();
    decideSuspension(d);
    expect(d.in('manage.suspend')).toBe(true);
    expect(d.refusal('access.suspended')).toBe('event_not_allowed');
    capture(d, 'remote_access_logs');
    capture(d, 'file_server_audit');
    capture(d, 'email');
    expect(d.refusal('access.suspended')).toBe('event_not_allowed'); // no legal hold yet
    d.send('legal_hold.issued');
    expect(d.refusal('access.suspended')).toBeNull();
    expect(d.in('manage.collect')).toBe(true);
  });

  it('marks the evidence set preserved only once every evidence-first kind is captured', () => {
    const d = opened().send('legal_hold.issued');
    capture(d, 'remote_access_logs');
    capture(d, 'email');
    expect(d.refusal('evidence.preserved')).toBe('event_not_allowed');
    capture(d, 'file_server_audit');
    expect(d.refusal('evidence.preserved')).toBeNull();
    expect((d.context.evidence as unknown[]).length).toBe(3);
  });

  it('D-I1 needs legal sign-off on the same option, from someone other than the decider', () => {
    const d = opened();
    expect(d.refusal('containment.decided')).toBe('event_not_allowed'); // no sign-off yet
    expect(
      d.refusal('containment.signed_off', undefined, { actor: actor('ic', 'incident_commander') }),
    ).toMatch(/^role:/);
    expect(d.refusal('containment.signed_off', { option: 'covert_monitoring' })).toMatch(/^invalid payload/);
    d.send('containment.signed_off', { option: 'covert_monitoring', rationale: 'Watch for the recipient.' });
    expect(d.refusal('containment.decided', { option: 'immediate_suspension', rationale: 'Act now.' })).toBe(
      'event_not_allowed',
    );
    const both = { ...actor('counsel', 'legal', 'incident_commander'), id: 'person-legal' };
    expect(
      d.refusal(
        'containment.decided',
        { option: 'covert_monitoring', rationale: 'As signed.' },
        { actor: both },
      ),
    ).toBe('event_not_allowed');
    d.send('containment.decided', { option: 'covert_monitoring', rationale: 'As signed off by legal.' });
    expect(d.in('manage.monitoring')).toBe(true);
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'D-I1', option: 'covert_monitoring' });
  });

  it('covert monitoring escalates for review after 7 days, then containment proceeds', () => {
    const d = opened();
    preserveEvidence(d);
    d.send('containment.signed_off', { option: 'covert_monitoring', rationale: 'Identify the recipient.' });
    d.send('containment.decided', { option: 'covert_monitoring', rationale: 'Signed off.' });
    d.advanceBy(days(7) - 1);
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('monitoringReviewDue');
    d.advanceBy(1);
    const review = d.context.escalations.find((e) => e.timer === 'monitoringReviewDue');
    expect(review?.dueAt).toBe('2017-03-08T00:00:00.000Z');
    expect(d.in('manage.monitoring')).toBe(true); // a timer never completes the step
    d.send('monitoring.concluded').send('access.suspended');
    expect(d.in('manage.collect')).toBe(true);
  });

  it('escalates evidence preservation at 24 h and the D-I1 decision at 48 h from credible suspicion', () => {
    const d = opened({ ...c3Input, suspicionAt: '2017-02-28T21:00:00Z' });
    d.send('legal_hold.issued');
    d.advanceTo('2017-03-01T20:59:59Z');
    expect(d.context.escalations).toEqual([
      {
        timer: 'declarationDue',
        label: expect.any(String),
        dueAt: '2017-03-01T01:00:00.000Z',
        at: '2017-03-01T01:00:00.000Z',
      },
    ]);
    d.advanceTo('2017-03-01T21:00:00Z');
    expect(d.context.escalations.map((e) => e.timer)).toEqual(['declarationDue', 'evidencePreservationDue']);
    expect(d.in('evidence.capture')).toBe(true);
    d.advanceBy(hours(24));
    expect(d.context.escalations.map((e) => e.timer)).toContain('containmentDecisionDue');
  });

  it('escalates long-horizon milestones missed: police at T0 + 3 mo, dismissal at T0 + 4 mo', () => {
    const d = opened();
    d.advanceTo('2017-04-10T00:00:00Z');
    const police = d.context.escalations.find((e) => e.timer === 'policeConsultationTarget');
    expect(police?.dueAt).toBe('2017-04-10T00:00:00.000Z');
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('dismissalTarget');
    d.advanceTo('2017-05-10T00:00:00Z');
    expect(d.context.escalations.map((e) => e.timer)).toContain('dismissalTarget');
    expect(d.in('law_enforcement.consult_police')).toBe(true);
  });

  it('starts the 60-day APPI confirmed clock for an improper purpose, the 30-day one otherwise', () => {
    const improper = opened().send('breach.determined', {
      finding: 'confirmed',
      improperPurpose: true,
      rationale: 'Insider theft of the roster.',
    });
    const clocks = improper.context.clocks as Record<string, { dueAt: string }>;
    expect(Object.keys(clocks).sort()).toEqual([
      'appi-confirmed-improper',
      'appi-individuals',
      'appi-preliminary',
    ]);
    expect(clocks['appi-confirmed-improper']!.dueAt).toBe('2017-04-30T00:00:00.000Z');

    const plain = opened().send('breach.determined', { finding: 'confirmed', rationale: 'Lost laptop.' });
    expect(Object.keys(plain.context.clocks as object).sort()).toEqual([
      'appi-confirmed',
      'appi-individuals',
      'appi-preliminary',
    ]);
  });

  it('escalates a confirmed report not filed 60 days after knowing, and files only after the determination', () => {
    const d = opened().send('privacy.assessed');
    d.send('regulator.reported', {
      regime: 'APPI',
      clockIds: ['appi-preliminary'],
      reference: 'no-determination',
    });
    expect(d.in('privacy.preliminary')).toBe(true); // clocks never start silently: determination first
    d.send('breach.determined', { finding: 'confirmed', improperPurpose: true, rationale: 'Roster taken.' });
    d.send('regulator.reported', { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'prelim' });
    sendMessage(d, 'roster', 'affected_employees', ['breach.determined']);
    expect(d.in('privacy.notify_employees')).toBe(true); // must cite the scope (theft.scoped)
    d.send('theft.scoped');
    sendMessage(d, 'roster-2', 'affected_employees', ['theft.scoped']);
    expect(d.in('privacy.confirmed')).toBe(true);
    d.advanceBy(days(60) - 1);
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('appiConfirmedReportDue');
    d.advanceBy(1);
    expect(d.context.escalations.map((e) => e.timer)).toContain('appiConfirmedReportDue');
  });

  it('interviews only after suspension; dismissal needs the HR records; other HR outcomes branch', () => {
    const d = opened();
    expect(d.refusal('interview.held')).toBe('event_not_allowed');
    preserveEvidence(d);
    decideSuspension(d);
    d.send('access.suspended').send('interview.held');
    expect(d.refusal('hr_action.decided')).toBe('event_not_allowed');
    capture(d, 'hr_records');
    d.send('hr_action.decided');
    expect(d.in('hr.dismissed')).toBe(true);

    const other = opened();
    preserveEvidence(other);
    decideSuspension(other);
    other.send('access.suspended').send('interview.held');
    other.send('hr_action.decided', { option: 'already_departed', rationale: 'Resigned last week.' });
    expect(other.in('hr.actioned')).toBe(true);
  });

  it('names the receiving company in a civil claim only with evidence of its possession', () => {
    const d = opened().send('return_demand.sent');
    const both = { option: 'file', defendants: ['individual', 'receiving_company'], rationale: 'Damages.' };
    expect(d.refusal('civil_action.decided', both)).toBe('event_not_allowed');
    expect(d.refusal('civil_action.decided', { option: 'file', rationale: 'No one named.' })).toMatch(
      /^invalid payload/,
    );
    d.send('civil_action.decided');
    expect(d.in('civil.filed')).toBe(true);

    const declined = opened().send('return_demand.sent');
    declined.send('civil_action.decided', { option: 'do_not_file', rationale: 'Material returned.' });
    expect(declined.in('civil.not_filed')).toBe(true);
    expect(declined.context.decisions.at(-1)).toMatchObject({ id: 'civil_action', option: 'do_not_file' });
  });

  it('records a decision not to file a criminal complaint, and a case closed without arrest', () => {
    const none = opened().send('police.consulted');
    none.send('criminal_complaint.decided', { option: 'do_not_file', rationale: 'Insufficient intent.' });
    expect(none.in('law_enforcement.no_complaint')).toBe(true);

    const closed = opened().send('police.consulted').send('criminal_complaint.decided');
    closed.send('police_case.closed');
    expect(closed.in('law_enforcement.closed_without_arrest')).toBe(true);
  });

  it('refuses a cell without HR and legal, and a trade secret lacking one of the three requirements', () => {
    const d = opened();
    const members = [
      { function: 'security', name: 'a' },
      { function: 'executive_sponsor', name: 'b' },
      { function: 'other', name: 'c' },
      { function: 'le_liaison', name: 'd' },
    ];
    expect(d.refusal('cell.convened', { members, subjectExcluded: true })).toMatch(/^invalid payload/);
    expect(
      d.refusal('trade_secret.assessed', {
        option: 'trade_secret',
        secrecyManaged: false,
        useful: true,
        nonPublic: true,
        rationale: 'Shared on an open drive.',
      }),
    ).toMatch(/^invalid payload/);
  });

  it('holds internal comms until access is suspended, so nothing tips the subject off', () => {
    const d = opened();
    sendMessage(d, 'staff-early', 'staff', []);
    expect(d.in('comms.internal')).toBe(true);
    preserveEvidence(d);
    decideSuspension(d);
    d.send('access.suspended');
    sendMessage(d, 'staff-2', 'staff', []);
    expect(d.in('comms.external')).toBe(true);
    d.send('press_statement.decided', { option: 'no_statement', trigger: 'none', rationale: 'No coverage.' });
    expect(d.in('comms.done')).toBe(true);
  });

  it('takes an outside tip through intake with a neutral acknowledgement', () => {
    const d = opened({
      ...c3Input,
      trigger: 'tip',
      report: {
        receivedAt: openedAt,
        channel: 'email',
        reporter: 'A customer',
        claim: 'A competitor showed us your proposal for our system.',
      },
    });
    expect(d.in('intake.received')).toBe(true);
    expect(
      d.refusal('report.acknowledged', undefined, { actor: actor('agent', 'customer_support') }),
    ).toMatch(/^role:/);
    d.send('report.acknowledged').send('report.triaged');
    expect(d.in('intake.escalated')).toBe(true);
  });
});
