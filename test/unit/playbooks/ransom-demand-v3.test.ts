import { describe, expect, it } from 'vitest';
import { ransomDemandV3 } from '../../../playbooks/ransom-demand';
import { checkPlaybook } from '../../../src/engine';
import { type Actor, days, hours, type TrackedClock } from '../../../src/playbook-kit';
import { PlaybookDriver } from '../../support/playbook-driver';

/** JJ Meds (C2): the demand arrived at 10:00 Toronto time (15:00Z), the incident opened five minutes later. */
const opened = () =>
  new PlaybookDriver(ransomDemandV3, ransomDemandV3.example.input, ransomDemandV3.example.openedAt);
const ransomDeadline = '2018-03-10T15:00:00.000Z';

const person = (id: string, ...roles: string[]): Actor => ({ id, name: id, roles });
const ic = person('ic', 'incident_commander');
const exec = person('exec', 'executive');
const otherExec = person('exec-2', 'executive');
const legal = person('legal', 'legal');

const clocksOf = (d: PlaybookDriver) => d.context.clocks as Record<string, TrackedClock>;
const escalated = (d: PlaybookDriver) => d.context.escalations.map((e) => e.timer);
const evidence = (kind: string) => ({ kind, sha256: 'c'.repeat(64), location: `evidence://locker/${kind}` });

const clearInputs = {
  claimVerified: true,
  canRecoverWithoutPaying: false,
  sanctionsScreen: 'clear',
  lawEnforcementConsulted: true,
  insurerConsulted: true,
};
const pay = { option: 'pay', rationale: 'No other way to protect members; all gate items recorded.' };
const refuse = { option: 'refuse', rationale: 'Default recommendation: paying does not stop a leak.' };

/** Declared, with the payment options being weighed (PAY-2). */
const deciding = (inputs: Record<string, unknown> = clearInputs) =>
  opened().send('incident.declared').send('payment.inputs_recorded', inputs);

describe('PB-1 ransom demand, version 3 (playbook kit)', () => {
  it('passes the static graph check', () => {
    expect(checkPlaybook(ransomDemandV3)).toEqual([]);
  });

  it('runs the JJ Meds response to closure: offline, evidence first, refuse, police, PIPEDA, recover, review', () => {
    const d = opened();
    d.send('incident.declared').send('claim.assessed').send('site.taken_offline');
    d.send('evidence.demand_preserved').send('evidence.baseline_captured').send('credentials.revoked');
    d.send('vendor.engaged').send('statement.approved').send('customers.notified');
    d.send('police.reported').send('jurisdictions.profiled');
    d.send('payment.decided', refuse, { actor: exec }).send('actor_contact.decided');
    d.send('scope.estimated', {
      dataCategories: ['health', 'id_images'],
      jurisdictions: ['CA'],
      summary: 'ID images.',
    });
    d.send('breach.determined', { finding: 'confirmed', rationale: 'The posted sample matches.' });
    d.send('regulatory.assessed');
    expect(d.in('regulatory.filings')).toBe(true);
    d.send('regulator.reported', { regime: 'PIPEDA', clockIds: ['pipeda-opc'], reference: 'OPC-2018-0001' });
    expect(d.in('regulatory.filings')).toBe(true); // PIPEDA's notices to individuals and organisations still run
    d.send('regulator.reported', {
      regime: 'PIPEDA',
      clockIds: ['pipeda-individuals', 'pipeda-organisations'],
      reference: 'MOM-NOTICE-1',
    });
    expect(d.in('regulatory.done')).toBe(true);
    d.send('breach_record.created').send('insurer.not_applicable');
    expect(d.in('legal.done')).toBe(true);
    d.send('eradication.completed').send('eradication.verified');
    expect(d.in('containment.verified') && d.in('recovery.rebuild')).toBe(true);
    d.send('root_cause.identified').send('rebuild.completed').send('restore.completed');
    d.send('credentials.reissued').send('validation.passed').send('service.restored');
    expect(d.in('recovery.monitoring') && d.in('communications.return_notice')).toBe(true);
    d.send('customers.notified', {
      audience: 'customers',
      channel: 'MOM community forum',
      message: 'Service restored; set a new password; beware of phishing.',
    });
    d.send('statement.final_published').send('investigation.closed');
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
    d.advanceBy(days(30));
    expect(d.in('recovery.complete') && d.in('review.scheduled')).toBe(true);
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
    d.advanceTo('2018-04-09T15:00:00.000Z'); // the leak watch ends 30 d after the ransom deadline
    expect(d.in('payment.watch_ended')).toBe(true);
    d.send('review.held').send('improvements.tracked').send('rehearsal.scheduled').send('incident.closed');
    expect(d.done).toBe(true);
    expect(d.context.decisions.map((x) => `${x.id}:${x.option}`)).toEqual([
      'declare:',
      'D0:confirmed',
      'D1:offline',
      'D2:disable_and_reset',
      'D3:engage',
      'D4:refuse',
      'D5:no_response',
      'D7:required',
      'D8:return',
    ]);
    expect(clocksOf(d)['pipeda-opc']?.state).toBe('met');
    expect(d.context.evidence as unknown[]).toHaveLength(5);
  });

  describe('the evidence gate', () => {
    it('refuses revocation before a system image and an account export are in the locker', () => {
      const d = opened().send('incident.declared');
      expect(d.refusal('credentials.revoked')).toBe('event_not_allowed');
      d.send('evidence.captured', evidence('account_export'));
      expect(d.refusal('credentials.revoked')).toBe('event_not_allowed');
      d.send('evidence.captured', evidence('system_image'));
      d.send('credentials.revoked', { scope: 'targeted', method: 'delete', rationale: 'Exported first.' });
      expect(d.in('containment.immediate.credentials.revoked')).toBe(true);
    });

    it('lets only the incident commander override it, and never for deleting IDs without an export', () => {
      const d = opened().send('incident.declared');
      expect(
        d.refusal('evidence.gate_overridden', undefined, { actor: person('tech', 'technical_lead') }),
      ).toMatch(/^role/);
      d.send('evidence.gate_overridden', undefined, { actor: ic });
      expect(d.context.decisions.map((x) => x.id)).toContain('gate_override');
      const deleteAll = { scope: 'all_users_and_privileged', method: 'delete', rationale: 'Lock them out.' };
      expect(d.refusal('credentials.revoked', deleteAll)).toBe('event_not_allowed');
      d.send('credentials.revoked');
      expect(d.in('containment.immediate.credentials.revoked')).toBe(true);
    });
  });

  describe('the payment gate', () => {
    const ready = () => {
      const d = deciding();
      d.send('payment.pay_requested', undefined, { actor: ic });
      d.send('payment.legal_signed_off', undefined, { actor: legal });
      return d;
    };

    it('pays with a pay request, legal sign-off, a clear sanctions screen and a different executive', () => {
      const d = ready().send('payment.decided', pay, { actor: exec });
      expect(d.in('payment.pay_path.awaiting_execution')).toBe(true);
      expect(d.context.decisions.at(-1)).toMatchObject({ id: 'D4', option: 'pay' });
    });

    it('refuses to pay without a pay request', () => {
      const d = deciding().send('payment.legal_signed_off', undefined, { actor: legal });
      expect(d.refusal('payment.decided', pay, { actor: exec })).toBe('event_not_allowed');
    });

    it('refuses to pay without legal sign-off, or on a sign-off older than the inputs', () => {
      const d = deciding().send('payment.pay_requested', undefined, { actor: ic });
      expect(d.refusal('payment.decided', pay, { actor: exec })).toBe('event_not_allowed');
      d.send('payment.legal_signed_off', undefined, { actor: legal });
      d.advanceBy(hours(1)).send('payment.inputs_recorded', clearInputs);
      expect(d.refusal('payment.decided', pay, { actor: exec })).toBe('event_not_allowed');
      d.advanceBy(hours(1)).send('payment.legal_signed_off', undefined, { actor: legal });
      expect(d.refusal('payment.decided', pay, { actor: exec })).toBeNull();
    });

    it('refuses to pay unless the sanctions screen is clear', () => {
      for (const sanctionsScreen of ['not_done', 'match']) {
        const d = deciding({ ...clearInputs, sanctionsScreen });
        d.send('payment.pay_requested', undefined, { actor: ic });
        d.send('payment.legal_signed_off', undefined, { actor: legal });
        expect(d.refusal('payment.decided', pay, { actor: exec })).toBe('event_not_allowed');
      }
    });

    it('refuses the same person requesting and deciding', () => {
      const d = deciding();
      d.send('payment.pay_requested', undefined, { actor: exec });
      d.send('payment.legal_signed_off', undefined, { actor: legal });
      expect(d.refusal('payment.decided', pay, { actor: exec })).toBe('event_not_allowed');
      expect(d.refusal('payment.decided', pay, { actor: otherExec })).toBeNull();
    });

    it('starts the NYDFS extortion-payment notice when paying, for a jurisdiction the legal profile added', () => {
      const d = ready();
      expect(d.refusal('payment.executed')).toBe('event_not_allowed');
      d.send('jurisdictions.profiled', {
        jurisdictions: ['CA', 'US-NY-DFS'],
        regimes: ['PIPEDA', 'NYDFS'],
        rationale: 'A New York affiliate is covered.',
      });
      d.send('payment.decided', pay, { actor: exec }).send('payment.executed');
      expect(clocksOf(d)['nydfs-extortion-payment']?.state).toBe('running');
      d.advanceBy(hours(24));
      expect(escalated(d)).toContain('paymentReportDue');
      expect(clocksOf(d)['nydfs-extortion-payment']?.state).toBe('overdue');
      d.send('payment.reported');
      expect(d.in('payment.post_payment_watch')).toBe(true);
    });
  });

  it('refuses by default: a refusal needs no inputs, and a refused incident cannot pay', () => {
    const d = opened().send('incident.declared');
    d.send('payment.decided', refuse, { actor: exec });
    expect(d.in('payment.refused')).toBe(true);
    expect(d.context.decisions.at(-1)).toMatchObject({ id: 'D4', option: 'refuse' });
    expect(d.refusal('payment.pay_requested')).toBe('event_not_allowed');
    expect(d.refusal('payment.executed')).toBe('event_not_allowed');
  });

  it('starts the PIPEDA clock with the determination and files it with the report', () => {
    const none = opened().send('incident.declared');
    none.send('breach.determined', { finding: 'no_evidence', rationale: 'Nothing found yet.' });
    expect(clocksOf(none)).toEqual({});
    // The determination is the investigation's: once it moved on, SM-CLOCKS alone takes no second one.
    expect(none.refusal('breach.determined', { finding: 'likely', rationale: 'Proof posted.' })).toBe(
      'event_not_allowed',
    );
    const d = opened().send('incident.declared');
    d.send('breach.determined', { finding: 'likely', rationale: 'The actor holds plausible proof.' });
    expect(clocksOf(d)['pipeda-opc']).toMatchObject({ state: 'running', dueAt: '2018-03-11T15:05:00.000Z' });
    d.send('jurisdictions.profiled').send('regulatory.assessed');
    d.advanceBy(hours(10)).send('regulator.reported', {
      regime: 'PIPEDA',
      clockIds: ['pipeda-opc'],
      reference: 'OPC-2018-0001',
    });
    expect(clocksOf(d)['pipeda-opc']).toMatchObject({ state: 'met', metAt: '2018-03-09T01:05:00.000Z' });
    expect(clocksOf(d)['pipeda-individuals']).toMatchObject({ state: 'running' });
    expect(d.in('regulatory.filings')).toBe(true);
    d.send('regulator.reported', {
      regime: 'PIPEDA',
      clockIds: ['pipeda-individuals', 'pipeda-organisations'],
      reference: 'MOM-NOTICE-1',
    });
    expect(d.in('regulatory.done')).toBe(true);
  });

  it('warns 24, 12 and 1 h before the ransom deadline, and escalates it when no decision came', () => {
    const d = opened().send('incident.declared');
    d.advanceTo(ransomDeadline);
    const warnings = d.context.escalations.filter((e) => e.timer.startsWith('ransom'));
    expect(warnings.map((e) => [e.timer, e.dueAt])).toEqual([
      ['ransomWarning24h', '2018-03-09T15:00:00.000Z'],
      ['ransomWarning12h', '2018-03-10T03:00:00.000Z'],
      ['ransomWarning1h', '2018-03-10T14:00:00.000Z'],
      ['ransomDeadline', ransomDeadline],
    ]);
    expect(d.in('payment.open.options_analysis')).toBe(true);
  });

  it('stops the ransom warnings once the payment is refused', () => {
    const d = opened().send('incident.declared').send('payment.decided', refuse, { actor: exec });
    d.advanceTo(ransomDeadline);
    expect(escalated(d).filter((timer) => timer.startsWith('ransom'))).toEqual([]);
  });

  it('escalates a late declaration (30 min after the demand) and a late police report (24 h)', () => {
    const d = opened();
    d.advanceBy(hours(1));
    expect(d.context.escalations.find((e) => e.timer === 'declarationOverdue')?.dueAt).toBe(
      '2018-03-08T15:30:00.000Z',
    );
    d.send('incident.declared').advanceTo('2018-03-09T15:00:00.000Z');
    expect(escalated(d)).toContain('lawEnforcementReportDue');
    expect(escalated(d)).toContain('sitrepDue');
    d.send('police.reported');
    expect(d.in('legal.work.law_enforcement.reported')).toBe(true);
  });

  it('escalates the customer notice 12 h after the site went offline', () => {
    const d = opened().send('incident.declared');
    d.advanceBy(hours(2)).send('site.taken_offline');
    d.advanceBy(hours(11));
    expect(escalated(d)).not.toContain('customerNoticeDue');
    d.advanceBy(hours(1));
    expect(d.context.escalations.find((e) => e.timer === 'customerNoticeDue')?.dueAt).toBe(
      '2018-03-09T05:05:00.000Z',
    );
    d.send('customers.notified');
    expect(d.in('communications.updates')).toBe(true);
  });

  it('re-opens the harm assessment on a leak after the filings', () => {
    const d = opened().send('incident.declared').send('payment.decided', refuse, { actor: exec });
    d.send('jurisdictions.profiled').send('regulatory.assessed', {
      assessments: [{ regime: 'PIPEDA', required: false, rationale: 'No personal data involved.' }],
    });
    expect(d.in('regulatory.done')).toBe(true);
    d.send('leak.detected');
    expect(d.in('regulatory.harm_assessment')).toBe(true);
  });
});
