import { describe, expect, it } from 'vitest';
import { ddosExtortionV1 } from '../../../playbooks/ddos-extortion';
import { PlaybookDriver } from '../../support/playbook-driver';

const opened = () =>
  new PlaybookDriver(ddosExtortionV1, ddosExtortionV1.example.input, ddosExtortionV1.example.openedAt);
const executive = (id: string) => ({ actor: { id, name: id, roles: ['executive'] } });
const pay = { option: 'pay', rationale: 'The busiest week; mitigation unproven.' };
const inputs = (sanctionsScreen: string) => ({
  threatVerified: true,
  canMitigateWithoutPaying: false,
  sanctionsScreen,
  lawEnforcementConsulted: true,
});

describe('DDoS extortion (a playbook written only as a file)', () => {
  it('refuses by default from the options analysis on', () => {
    const d = opened().send('payment.decided', { option: 'refuse', rationale: 'Mitigation holds.' });
    expect(d.in('payment.refused')).toBe(true);
    expect(d.context.decisions.map((x) => x.id)).toEqual(['payment']);
  });

  it('pays only through the two-person gate: requested, signed off since the inputs, screen clear, another executive', () => {
    const d = opened().send('payment.inputs_recorded', inputs('clear'));
    d.send('payment.pay_requested', { rationale: 'Cheaper than the risk.' }, executive('cfo'));
    // The requester may not decide, and nothing passes without legal's sign-off.
    expect(d.refusal('payment.decided', pay, executive('md'))).toBe('event_not_allowed');
    d.send('payment.legal_signed_off', { rationale: 'Screen clear.' });
    expect(d.refusal('payment.decided', pay, executive('cfo'))).toBe('event_not_allowed');
    // New inputs (a minute later) withdraw the sign-off; a match on the sanctions screen closes the gate.
    d.advanceBy(60_000);
    d.send('payment.inputs_recorded', inputs('match'));
    d.advanceBy(60_000);
    d.send('payment.legal_signed_off', { rationale: 'Signed off again.' });
    expect(d.refusal('payment.decided', pay, executive('md'))).toBe('event_not_allowed');
    d.advanceBy(60_000);
    d.send('payment.inputs_recorded', inputs('clear'));
    expect(d.refusal('payment.decided', pay, executive('md'))).toBe('event_not_allowed');
    d.advanceBy(60_000);
    d.send('payment.legal_signed_off', { rationale: 'Inputs as they stand now.' });
    d.send('payment.decided', pay, executive('md'));
    expect(d.in('payment.awaiting_execution')).toBe(true);
  });

  it('stands the mitigation down only once the threat is assessed, and escalates an unengaged provider after 2 h', () => {
    const d = opened().send('upstream.engaged').send('mitigation.active');
    expect(d.refusal('mitigation.stood_down')).toBe('event_not_allowed');
    d.send('demand.recorded').send('threat.assessed', {
      option: 'not_credible',
      demonstrationSeen: false,
      rationale: 'A copycat note.',
    });
    d.send('mitigation.stood_down');
    expect(d.in('mitigation.stood_down')).toBe(true);
    const late = opened();
    late.advanceBy(3 * 3_600_000);
    expect(late.context.escalations.map((e) => e.timer)).toContain('upstreamDue');
  });
});
