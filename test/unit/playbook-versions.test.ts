import { describe, expect, it } from 'vitest';
import { ransomDemandV1, ransomDemandV2 } from '../../playbooks/ransom-demand';
import { days, hours, type PlaybookDefinition } from '../../src/playbook-kit';
import { PlaybookDriver } from '../support/playbook-driver';

/** The JJ Meds run of the PB-1 unit tests, on the driver: every track to its end except the review. */
function runToReview(definition: PlaybookDefinition): PlaybookDriver {
  const { openedAt, input } = definition.example!;
  const d = new PlaybookDriver(definition, input, openedAt);
  const at = (ms: number) => new Date(Date.parse(openedAt) + ms).toISOString();
  for (const type of [
    'triage.started',
    'incident.declared',
    'claim.assessed',
    'site.taken_offline',
    'evidence.baseline_captured',
    'credentials.revoked',
    'vendor.engaged',
    'customers.notified',
    'evidence.demand_preserved',
    'police.reported',
  ])
    d.send(type);
  d.send('payment.inputs_recorded', {
    claimVerified: true,
    canRecoverWithoutPaying: false,
    sanctionsScreen: 'not_done',
    lawEnforcementConsulted: true,
    insurerConsulted: true,
  });
  d.send('payment.decided', { option: 'refuse', rationale: 'Default recommendation (C2 refused).' });
  for (const type of [
    'actor_contact.decided',
    'jurisdictions.profiled',
    'scope.estimated',
    'regulatory.assessed',
    'breach.determined',
    'regulator.reported',
    'breach_record.created',
    'insurer.not_applicable',
    'update.published',
  ])
    d.send(type);
  // The example filing is the report to the Commissioner; PIPEDA's notices are clocks of their own, filed before
  // the filings step (and so the incident) can close.
  d.send('regulator.reported', {
    regime: 'PIPEDA',
    clockIds: ['pipeda-individuals', 'pipeda-organisations'],
    reference: 'JJ-NOTICE-1',
    recipient: 'Affected members; the payment processor',
  });
  d.send('eradication.completed', undefined, { at: at(days(1)) });
  for (const type of [
    'eradication.verified',
    'root_cause.identified',
    'rebuild.completed',
    'restore.completed',
    'credentials.reissued',
    'validation.passed',
  ])
    d.send(type);
  d.send('service.restored', undefined, { at: at(days(3)) });
  for (const type of ['customers.notified', 'statement.final_published', 'investigation.closed'])
    d.send(type);
  d.advanceTo(at(days(33) + hours(1)));
  d.send('closure.started').send('review.held').send('improvements.tracked');
  return d;
}

describe('PB-1 versions', () => {
  it('v1 closes once the improvements are tracked', () => {
    const d = runToReview(ransomDemandV1);
    expect(d.in('review.done')).toBe(true);
    d.send('incident.closed');
    expect(d.done).toBe(true);
  });

  it('v2 adds the rehearsal the review suggested: no closing before it is scheduled', () => {
    const d = runToReview(ransomDemandV2);
    expect(d.in('review.rehearsal')).toBe(true);
    expect(d.refusal('incident.closed')).toBe('event_not_allowed');
    d.send('rehearsal.scheduled').send('incident.closed');
    expect(d.done).toBe(true);
  });

  it('v1 does not know the v2 event at all', () => {
    expect(ransomDemandV1.events.some((e) => e.type === 'rehearsal.scheduled')).toBe(false);
    expect(ransomDemandV2.events.some((e) => e.type === 'rehearsal.scheduled')).toBe(true);
  });
});
