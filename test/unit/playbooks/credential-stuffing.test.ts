import { describe, expect, it } from 'vitest';
import { credentialStuffingV1, credentialStuffingV2 } from '../../../playbooks/credential-stuffing';
import { checkPlaybook, releaseSnapshot } from '../../../src/engine';
import { allStates, days, hours, minutes, type PlaybookDefinition } from '../../../src/playbook-kit';
import { PlaybookDriver } from '../../support/playbook-driver';

/** C9: customer inquiries about iPhone X orders they did not place bring the attack to light on 5 Aug 2018. */
const { openedAt: c9OpenedAt, input: c9Input } = credentialStuffingV1.example;

/** C6: ≈150 National Lottery accounts taken over, <10 with activity, 10.5 M online account holders. */
const c6Input = {
  organisation: { name: 'Camelot UK Lotteries', country: 'GB' },
  jurisdictions: ['UK'],
  timeZone: 'Europe/London',
  service: 'National Lottery online accounts',
  accountHolders: 10_500_000,
  highValueEvent: { name: '£14 M EuroMillions draw', at: '2018-03-16T19:00:00+00:00' },
};

const authLogs = {
  kind: 'auth_logs',
  sha256: 'b'.repeat(64),
  location: 'evidence://locker/auth-logs.tar.zst',
};
const c6Scope = {
  successfulLogins: 150,
  accountsWithActivity: 9, // "fewer than 10" (C6)
  fraudulentOrders: 0,
  method: 'Login logs: success after single attempts from shared IP ranges',
};

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

/** Declared, throttled, attack confirmed from an auth anomaly, scope quantified and validated. */
function scoped(d: PlaybookDriver, scope: Record<string, unknown> = c6Scope) {
  return d
    .send('incident.declared')
    .send('throttling.applied')
    .send('auth.anomaly_detected')
    .send('evidence.captured', authLogs)
    .send('attack.confirmed')
    .send('scope.quantified', scope)
    .send('scope.validated');
}

/** Through D-P2 (keep open) and D-P1 with the given option, up to account remediation. */
const toRemediation = (d: PlaybookDriver, option: string) =>
  scoped(d)
    .send('functions.decided', {
      option: 'keep_open',
      rationale: 'No transactions possible without a draw entry.',
    })
    .send('reset_scope.decided', { option, rationale: 'See the scope.' });

// Version 2 is version 1 written as a playbook file: every test runs on both.
describe.each([
  ['v1 (TypeScript)', credentialStuffingV1],
  ['v2 (playbook file)', credentialStuffingV2],
] as [string, PlaybookDefinition][])('PB-2 credential stuffing %s', (_version, playbook) => {
  const c9 = () => new PlaybookDriver(playbook, c9Input, c9OpenedAt);
  const c6 = () => new PlaybookDriver(playbook, c6Input, '2018-03-13T09:00:00.000Z');

  it('passes the static graph check', () => {
    expect(checkPlaybook(playbook)).toEqual([]);
  });

  it('sets severity from the input: transactional high, a high-value event one level up (D-P5)', () => {
    const severity = (input: unknown) => playbook.defaultSeverity(playbook.inputSchema.parse(input));
    expect(severity(c9Input)).toBe('high');
    expect(severity(c6Input)).toBe('high');
    expect(severity({ ...c6Input, highValueEvent: undefined })).toBe('medium');
    expect(severity({ ...c6Input, transactional: true })).toBe('critical');
  });

  it('runs the C9 as-performed path to closure: complaints → logs → ~1,000 fraudulent orders → notice', () => {
    const d = c9();
    expect(d.active()).toEqual(expect.arrayContaining(['intake.received', 'detection.signal']));
    d.send('report.acknowledged').send('report.triaged', {
      option: 'escalate',
      rationale: 'Several customers report unrecognised iPhone X orders.',
    });
    d.send('complaint.cluster_detected', {
      complaints: 5,
      windowHours: 24,
      pattern: 'iPhone X orders the account holder did not place',
    });
    expect(d.in('detection.retrospective_analysis')).toBe(true);
    d.send('incident.declared', { severity: 'high', rationale: 'Complaint cluster of fraudulent orders.' });
    d.send('throttling.applied');

    // C9: the list-based attack is found afterwards in the logs ("detected at the end of July").
    d.send('evidence.captured', authLogs);
    d.send('auth.anomaly_detected', {
      indicators: ['many_accounts_per_ip', 'success_after_failure'],
      retrospective: true,
      firstSeen: '2018-07-25T00:00:00+09:00',
    });
    d.send('attack.confirmed');
    d.send('scope.quantified', {
      successfulLogins: 1800,
      accountsWithActivity: 1000,
      fraudulentOrders: 1000,
      method: 'Retrospective analysis of login and order logs',
    });
    d.send('scope.validated');

    d.send('functions.decided'); // suspend high-value purchases and delivery-address changes
    expect(d.in('contain.apply_protection')).toBe(true);
    d.send('functions.protected');
    d.send('reset_scope.decided', { option: 'targeted', rationale: 'Force resets on the 1,800 accounts.' });
    d.send('accounts.reset', { forcedResets: 1800, sessionsRevoked: 1800, usersNotified: true });
    expect(d.in('contain.contained')).toBe(true);

    // Fraud ops: ≈1,000 fraudulent orders (C9). The held/shipped split is an exercise value, not a case fact.
    d.send('shipments.held', {
      fraudulentOrders: 1000,
      held: 40,
      alreadyShipped: 960,
      carriers: ['Carrier A'],
    });
    d.send('orders.cancelled', { cancelled: 40, outstanding: 0 });
    d.send('reimbursement.decided');
    d.send('restitution.completed', { customers: 960 });
    expect(d.in('fraud.fraud_closed')).toBe(true);

    // Comms: affected users first, then D-P3: defer, and publish without the method once contained (C9).
    sendMessage(d, 'affected-notice', 'affected_users', ['scope.validated']);
    d.send('disclosure.decided', {
      option: 'defer_until_contained',
      rationale: 'Understand the situation fully first.',
    });
    expect(d.in('comms.deferred')).toBe(true);

    // Legal / LE.
    d.send('police.reported');
    d.send('breach.determined', {
      finding: 'confirmed',
      improperPurpose: true,
      affectedCount: 1800,
      rationale: 'Unauthorised logins confirmed in the logs.',
    });
    expect(Object.keys(d.context.clocks as object).sort()).toEqual([
      'appi-confirmed-improper',
      'appi-individuals',
      'appi-preliminary',
    ]);
    d.send('reportability.assessed');
    expect(d.in('legal.file')).toBe(true);
    d.send('regulator.reported', {
      regime: 'APPI',
      clockIds: ['appi-preliminary'],
      reference: 'PPC-2018-0001',
    });
    expect(d.in('legal.file')).toBe(true); // the preliminary report leaves the confirmed report's clock running
    d.send('regulator.reported', {
      regime: 'APPI',
      clockIds: ['appi-confirmed-improper'],
      reference: 'PPC-2018-0001-final',
    });
    expect(d.in('legal.file')).toBe(true); // APPI Art. 26(2): the notice to the individuals is a clock of its own
    d.send('regulator.reported', {
      regime: 'APPI',
      clockIds: ['appi-individuals'],
      reference: 'NOTICE-2018-0001',
    });
    expect(d.in('legal.assessed')).toBe(true);

    d.advanceTo('2018-08-14T01:00:00.000Z'); // D0 + 9 d: Docomo's notice asking users to use 2SV
    d.send('disclosure.decided', {
      option: 'publish_without_method',
      rationale: 'Method withheld to prevent copycats; users asked to enable 2SV.',
    });
    sendMessage(d, 'public-notice', 'public', ['attack.confirmed']);
    d.send('campaign.launched');
    expect(d.in('comms.notified')).toBe(true);

    d.send('mfa.rolled_out').send('auth_controls.enabled').send('monitoring.started');
    d.advanceBy(days(30));
    d.send('monitoring.completed');
    expect(d.in('review.scheduled')).toBe(true);
    d.send('review.held', {
      summary: 'Detection came from customers, 1–2 weeks after the attack.',
      findings: ['No real-time credential-stuffing alerting'],
    });
    d.send('improvements.tracked').send('incident.closed');

    expect(d.done).toBe(true);
    expect(d.context.decisions.map((x) => `${x.id}:${x.option}`)).toEqual([
      'intake:escalate',
      'declare:',
      'D-P2:suspend',
      'D-P1:targeted',
      'D-P4:full',
      'D-P3:defer_until_contained',
      'reportability:reportable',
      'D-P3:publish_without_method',
    ]);
    expect(d.context.escalations.map((e) => e.timer)).toEqual([]);
  });

  it('treats a complaint cluster only at the policy threshold (≥3 within 24 h) and then needs the logs', () => {
    const d = c9();
    const cluster = { pattern: 'Unrecognised orders' };
    expect(d.refusal('complaint.cluster_detected', { ...cluster, complaints: 2, windowHours: 24 })).toBe(
      'event_not_allowed',
    );
    expect(d.refusal('complaint.cluster_detected', { ...cluster, complaints: 3, windowHours: 48 })).toBe(
      'event_not_allowed',
    );
    expect(
      d.refusal('complaint.cluster_detected', { ...cluster, complaints: 3, windowHours: 24 }),
    ).toBeNull();
    // The attack cannot be confirmed from complaints alone: the logs, preserved, must show it.
    d.send('evidence.captured', authLogs);
    expect(d.refusal('attack.confirmed')).toBe('event_not_allowed');
    d.send('auth.anomaly_detected', { indicators: ['success_after_failure'], retrospective: true });
    expect(d.in('detection.recorded')).toBe(true);
    expect(d.refusal('attack.confirmed')).toBeNull();
  });

  it('confirms an alert-driven attack only with the auth logs in the locker', () => {
    const d = c6().send('auth.anomaly_detected');
    expect(d.refusal('attack.confirmed')).toBe('event_not_allowed');
    d.send('evidence.captured', authLogs);
    expect(d.refusal('attack.confirmed')).toBeNull();
  });

  it('escalates a declaration not made 1 h after the complaint cluster, and throttling not applied 1 h after it', () => {
    const d = c9();
    d.advanceTo('2018-08-05T01:44:00.000Z');
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('declarationDue');
    d.advanceTo('2018-08-05T01:46:00.000Z');
    const declaration = d.context.escalations.find((e) => e.timer === 'declarationDue');
    expect(declaration?.dueAt).toBe('2018-08-05T01:45:00.000Z'); // 10:45 JST, 1 h after the cluster
    expect(d.in('command.triage')).toBe(true);

    d.send('incident.declared');
    d.advanceBy(minutes(59));
    expect(d.context.escalations.map((e) => e.timer)).not.toContain('throttlingDue');
    d.advanceBy(minutes(2));
    const throttling = d.context.escalations.find((e) => e.timer === 'throttlingDue');
    expect(throttling?.dueAt).toBe('2018-08-05T02:46:00.000Z');
    expect(d.in('contain.throttle')).toBe(true);
  });

  it('escalates an affected-user notice not sent 72 h after declaration, and not once it is sent', () => {
    const late = c6().send('incident.declared');
    late.advanceBy(hours(71));
    expect(late.context.escalations.map((e) => e.timer)).not.toContain('affectedNoticeDue');
    late.advanceBy(hours(1));
    expect(late.context.escalations.map((e) => e.timer)).toContain('affectedNoticeDue');

    const prompt = scoped(c6());
    sendMessage(prompt, 'n1', 'affected_users', ['scope.validated']);
    prompt.advanceBy(hours(73));
    expect(prompt.context.escalations.map((e) => e.timer)).not.toContain('affectedNoticeDue');
    expect(prompt.in('comms.disclosure_decision')).toBe(true);
  });

  it('remediates accounts only after throttling, and only covering every compromised account (NIST)', () => {
    const d = c6().send('incident.declared');
    expect(
      d.refusal('accounts.reset', { forcedResets: 150, sessionsRevoked: 150, usersNotified: true }),
    ).toBe('event_not_allowed');
    expect(
      d.refusal('throttling.applied', { controls: ['rate_limit'], maxFailedAttemptsPerAccount: 101 }),
    ).toMatch(/^invalid payload/);
    d.send('throttling.applied')
      .send('auth.anomaly_detected')
      .send('evidence.captured', authLogs)
      .send('attack.confirmed');
    d.send('functions.decided', { option: 'keep_open', rationale: 'No cash-out function.' });
    expect(d.in('contain.reset_scope')).toBe(true);
    // D-P1 needs the counts.
    expect(d.refusal('reset_scope.decided', { option: 'targeted', rationale: 'x'.repeat(5) })).toBe(
      'event_not_allowed',
    );
    d.send('scope.quantified', c6Scope);
    d.send('reset_scope.decided', { option: 'targeted', rationale: 'Only the 150 accounts.' });
    expect(
      d.refusal('accounts.reset', { forcedResets: 149, sessionsRevoked: 150, usersNotified: true }),
    ).toBe('event_not_allowed');
    expect(
      d.refusal('accounts.reset', { forcedResets: 150, sessionsRevoked: 100, usersNotified: true }),
    ).toBe('event_not_allowed');
    d.send('accounts.reset', { forcedResets: 150, sessionsRevoked: 150, usersNotified: true });
    expect(d.in('contain.contained')).toBe(true);
  });

  it.each([
    ['targeted', 'contain.contained'],
    ['global_advisory', 'contain.population_advisory'],
    ['global_forced_reset', 'contain.population_reset'],
  ])('D-P1 %s leads to %s', (option, state) => {
    const d = toRemediation(c6(), option);
    d.send('accounts.reset', { forcedResets: 150, sessionsRevoked: 150, usersNotified: true });
    expect(d.in(state)).toBe(true);
    expect(d.context.decisions.find((x) => x.id === 'D-P1')?.option).toBe(option);
  });

  it('D-P1 global advisory (C6): contained only once the advisory reaches all 10.5 M account holders', () => {
    const d = toRemediation(c6(), 'global_advisory');
    d.send('accounts.reset', { forcedResets: 150, sessionsRevoked: 150, usersNotified: true });
    sendMessage(d, 'affected', 'affected_users', ['scope.validated']);
    expect(d.in('contain.population_advisory')).toBe(true);
    sendMessage(d, 'advisory', 'all_account_holders', ['attack.confirmed']);
    expect(d.in('contain.contained')).toBe(true);
  });

  it('D-P1 global forced reset: the reset must cover the whole population', () => {
    const d = toRemediation(c6(), 'global_forced_reset');
    d.send('accounts.reset', { forcedResets: 150, sessionsRevoked: 150, usersNotified: true });
    expect(d.refusal('population.reset_forced', { accounts: 150 })).toBe('event_not_allowed');
    d.send('population.reset_forced', { accounts: 10_500_000 });
    expect(d.in('contain.contained')).toBe(true);
  });

  it.each([
    ['suspend', 'contain.apply_protection'],
    ['step_up', 'contain.apply_protection'],
    ['keep_open', 'contain.reset_scope'],
  ])('D-P2 %s leads to %s', (option, state) => {
    const d = scoped(c6());
    d.send('functions.decided', { option, functions: ['high_value_purchase'], rationale: 'See scope.' });
    expect(d.in(state)).toBe(true);
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'D-P2', option });
  });

  it('validates the scope with a second person (two-person rule)', () => {
    const d = c6()
      .send('auth.anomaly_detected')
      .send('evidence.captured', authLogs)
      .send('attack.confirmed')
      .send('scope.quantified', c6Scope);
    const quantifier = d.actorFor('scope.quantified');
    expect(
      d.refusal('scope.validated', {}, { actor: { ...quantifier, roles: ['incident_commander'] } }),
    ).toBe('event_not_allowed');
    expect(d.refusal('scope.validated', {}, { actor: { ...quantifier, roles: ['le_liaison'] } })).toMatch(
      /^role/,
    );
    expect(d.refusal('scope.validated')).toBeNull();
    expect(d.in('scope.validated')).toBe(true);
  });

  it('D-P3: a deferred disclosure is published only once contained; affected users are told first', () => {
    const d = scoped(c6());
    expect(d.refusal('disclosure.decided')).toBe('event_not_allowed');
    sendMessage(d, 'affected', 'affected_users', ['scope.validated']);
    d.send('disclosure.decided', { option: 'defer_until_contained', rationale: 'Copycat risk while open.' });
    const publish = { option: 'publish_with_method', rationale: 'Contained; explain the reuse attack.' };
    expect(d.refusal('disclosure.decided', publish)).toBe('event_not_allowed');
    d.send('functions.decided', { option: 'keep_open', rationale: 'No transactions.' })
      .send('reset_scope.decided', { option: 'targeted', rationale: 'Only the 150.' })
      .send('accounts.reset', { forcedResets: 150, sessionsRevoked: 150, usersNotified: true });
    expect(d.refusal('disclosure.decided', publish)).toBeNull();
    expect(d.in('comms.public_notice')).toBe(true);
    expect(d.context.decisions.filter((x) => x.id === 'D-P3').map((x) => x.option)).toEqual([
      'defer_until_contained',
      'publish_with_method',
    ]);
  });

  it('D-P4: "not needed" only when no fraudulent order shipped; otherwise a reimbursement policy', () => {
    const shipped = c9().send('shipments.held').send('orders.cancelled');
    expect(shipped.refusal('reimbursement.decided', { option: 'not_needed', rationale: 'None lost.' })).toBe(
      'event_not_allowed',
    );
    shipped.send('reimbursement.decided', { option: 'case_by_case', rationale: 'Verify each claim.' });
    expect(shipped.in('fraud.reimburse')).toBe(true);

    const stopped = c9()
      .send('shipments.held', { fraudulentOrders: 12, held: 12, alreadyShipped: 0 })
      .send('orders.cancelled', { cancelled: 5, outstanding: 7 });
    expect(stopped.in('fraud.cancel_orders')).toBe(true);
    stopped.send('orders.cancelled', { cancelled: 7, outstanding: 0 });
    stopped.send('reimbursement.decided', {
      option: 'not_needed',
      rationale: 'Every order stopped before dispatch.',
    });
    expect(stopped.in('fraud.fraud_closed')).toBe(true);
  });

  it('rules fraud out only when the scope counts no fraudulent order (C6), and then needs no police report', () => {
    const c9d = scoped(c9(), {
      successfulLogins: 1800,
      accountsWithActivity: 1000,
      fraudulentOrders: 1000,
      method: 'logs',
    });
    expect(c9d.refusal('fraud.ruled_out')).toBe('event_not_allowed');
    c9d.send('shipments.held');
    expect(c9d.refusal('police.not_reported')).toBe('event_not_allowed');

    const c6d = scoped(c6());
    c6d.send('fraud.ruled_out');
    expect(c6d.in('fraud.no_fraud')).toBe(true);
    c6d.send('police.not_reported');
    expect(c6d.in('legal.assess')).toBe(true);
  });

  it('runs the UK GDPR 72 h clock from awareness (C6) and files late only with a reason', () => {
    const d = scoped(c6()).send('police.not_reported');
    expect(d.refusal('reportability.assessed')).toBe('event_not_allowed'); // no anchor on record yet
    d.send('breach.aware', { rationale: 'About 150 accounts accessed with reused credentials.' });
    const clock = (d.context.clocks as Record<string, { dueAt: string; state: string }>)['uk-gdpr-art33'];
    expect(clock?.dueAt).toBe('2018-03-16T09:00:00.000Z');
    d.send('reportability.assessed', {
      option: 'reportable',
      rationale: 'Risk to individuals: account takeover.',
    });
    d.advanceBy(hours(72) + minutes(1));
    expect((d.context.clocks as Record<string, { state: string }>)['uk-gdpr-art33']?.state).toBe('overdue');
    const ukFiling = { regime: 'UK GDPR', clockIds: ['uk-gdpr-art33'], reference: 'ICO-1' };
    expect(d.refusal('regulator.reported', ukFiling)).toBe('event_not_allowed');
    expect(d.in('legal.file')).toBe(true);
    d.send('regulator.reported', { ...ukFiling, delayReason: 'Scope took four days to confirm.' });
    expect((d.context.clocks as Record<string, { state: string }>)['uk-gdpr-art33']?.state).toBe('met_late');
    // Art. 34: telling the people at high risk is an obligation of its own, late too by now.
    expect(d.in('legal.file')).toBe(true);
    const noticeFiling = { regime: 'UK GDPR', clockIds: ['uk-gdpr-art34'], reference: 'NOTICE-1' };
    expect(d.refusal('regulator.reported', noticeFiling)).toBe('event_not_allowed');
    d.send('regulator.reported', { ...noticeFiling, delayReason: 'Scope took four days to confirm.' });
    expect((d.context.clocks as Record<string, { state: string }>)['uk-gdpr-art34']?.state).toBe('met_late');
    expect(d.in('legal.assessed')).toBe(true);
  });

  it('refuses counts that contradict each other, with the rule in words', () => {
    const d = c9().send('auth.anomaly_detected').send('evidence.captured', authLogs).send('attack.confirmed');
    const scope = { successfulLogins: 150, accountsWithActivity: 9, method: 'logs' };
    expect(d.refusal('scope.quantified', { ...scope, accountsWithActivity: 151 })).toMatch(
      /^invalid payload.*accounts with activity cannot exceed successful logins/,
    );
    expect(d.refusal('scope.quantified', { ...scope, attemptedAccounts: 149 })).toMatch(
      /^invalid payload.*successful logins cannot exceed attempted accounts/,
    );
    expect(
      d.refusal('shipments.held', { fraudulentOrders: 10, held: 6, alreadyShipped: 5, carriers: [] }),
    ).toMatch(/^invalid payload.*held and shipped orders cannot exceed the fraudulent orders/);
    d.send('mfa.rolled_out');
    expect(d.refusal('auth_controls.enabled', { controls: ['session_list'] })).toMatch(
      /^invalid payload.*controls include breached_password_screening, a NIST 800-63B SHALL/,
    );
    expect(d.refusal('scope.quantified', { ...scope, attemptedAccounts: 150 })).toBeNull();
    const facts = d.context.facts as Record<string, { payload: unknown }>;
    expect(facts['scope.quantified']?.payload).toMatchObject({ fraudulentOrders: 0 });
  });

  it('refuses closure while a track is open, and monitoring before containment', () => {
    const d = scoped(c6());
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
    d.send('mfa.rolled_out');
    expect(d.refusal('auth_controls.enabled', { controls: ['login_notifications', 'session_list'] })).toMatch(
      /^invalid payload/,
    );
    d.send('auth_controls.enabled');
    expect(d.refusal('monitoring.started')).toBe('event_not_allowed');
  });
});

describe('PB-2 v2, the playbook file', () => {
  const promise = (playbook: PlaybookDefinition) => {
    const { version: _v, releasedAt: _r, ...rest } = JSON.parse(JSON.stringify(releaseSnapshot(playbook)));
    return rest;
  };

  it("promises what v1 promises, but for its version, its release date and v1's inline guards now named", () => {
    const [v1, v2] = [promise(credentialStuffingV1), promise(credentialStuffingV2)];
    const compromised = 'scope.quantified.successfulLogins';
    const covers = `payloadAtLeast(forcedResets ≥ ${compromised}, sessionsRevoked ≥ ${compromised})`;
    const named: [[string, string, string, number], string, string][] = [
      [
        ['detection', 'signal', 'complaint.cluster_detected', 0],
        'inline',
        'and(payloadAtLeast(complaints ≥ 3), payloadAtMost(windowHours ≤ 24))',
      ],
      [
        ['contain', 'account_remediation', 'accounts.reset', 0],
        'and(inline, decidedAs(D-P1: global_advisory))',
        `and(${covers}, decidedAs(D-P1: global_advisory))`,
      ],
      [
        ['contain', 'account_remediation', 'accounts.reset', 1],
        'and(inline, decidedAs(D-P1: global_forced_reset))',
        `and(${covers}, decidedAs(D-P1: global_forced_reset))`,
      ],
      [['contain', 'account_remediation', 'accounts.reset', 2], 'inline', covers],
      [
        ['contain', 'population_reset', 'population.reset_forced', 0],
        'inline',
        'payloadAtLeast(accounts ≥ input.accountHolders)',
      ],
      [
        ['fraud', 'hold_shipments', 'fraud.ruled_out', 0],
        'inline',
        'factIs(scope.quantified.fraudulentOrders: 0)',
      ],
      [
        ['fraud', 'restitution', 'reimbursement.decided', 0],
        'and(optionIs(not_needed), inline)',
        'and(optionIs(not_needed), factIs(shipments.held.alreadyShipped: 0))',
      ],
      [['legal', 'police_report', 'police.not_reported', 0], 'inline', 'not(factRecorded(shipments.held))'],
    ];
    for (const [[track, step, type, index], before, after] of named) {
      const transition = (snapshot: typeof v1) => snapshot.machine.states[track].states[step].on[type][index];
      expect(transition(v1).guard).toBe(before);
      expect(transition(v2).guard).toBe(after);
      transition(v1).guard = after;
    }
    // A one-option enum where v1 has a literal: JSON Schema's `const` and a one-value `enum` accept the same.
    const option = (snapshot: typeof v1) =>
      snapshot.events.find((e: { type: string }) => e.type === 'police.not_reported').payloadSchema.properties
        .option;
    expect(option(v1)).toEqual({ type: 'string', const: 'not_reported' });
    expect(option(v2)).toEqual({ type: 'string', enum: ['not_reported'] });
    option(v1).enum = option(v2).enum;
    delete option(v1).const;
    expect(v2).toEqual(v1);
  });

  it('says what v1 says: titles, descriptions, owners, checklists, evidence, sources, example', () => {
    const said = (playbook: PlaybookDefinition) => ({
      title: playbook.title,
      summary: playbook.summary,
      source: playbook.source,
      roles: playbook.roles,
      example: playbook.example,
      timerLabels: playbook.timerLabels,
      routineTimers: playbook.routineTimers,
      events: playbook.events.map(({ payload: _, ...event }) => event),
      // The root's description and meta are the playbook's; each step's are its own.
      states: allStates(playbook.machine.root).map((node) => [
        node.path.join('.'),
        node.description,
        node.meta,
      ]),
    });
    const v1 = said(credentialStuffingV1);
    expect(v1.states[0]).toEqual(['', expect.stringMatching(/^PB-2 as a statechart/), expect.anything()]);
    expect(v1.states.length).toBeGreaterThan(40);
    expect(said(credentialStuffingV2)).toEqual(v1);
  });
});
