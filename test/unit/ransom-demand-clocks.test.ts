import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { ransomDemandV1 } from '../../playbooks/ransom-demand';
import type { RansomDemandContext } from '../../playbooks/ransom-demand/context';
import { jurisdiction } from '../../playbooks/ransom-demand/input';
import { type Actor, notificationClocks } from '../../src/playbook-kit';

const machine = ransomDemandV1.machine;
const legal: Actor = { id: 'counsel', name: 'counsel', roles: ['legal', 'incident_commander'] };
const T0 = '2026-11-20T15:00:00.000Z'; // a Friday, 10:00 in Toronto

type Action = { type: string; params?: { id?: string; delay?: number; sendId?: string } };

function open(jurisdictions: string[]) {
  const input = ransomDemandV1.inputSchema.parse({
    demand: {
      receivedAt: T0,
      channel: 'email',
      claimedAssets: ['image files'],
      proofOfAccess: false,
      threatenedActions: [],
      amount: 1000,
      currency: 'USD',
    },
    organisation: { name: 'JJ Meds', country: 'CA' },
    timeZone: 'America/Toronto',
    jurisdictions,
  });
  const [snapshot] = initialTransition(machine, {
    input,
    at: T0,
    actor: legal,
    title: 'JJ',
    severity: 'critical',
  });
  return snapshot as AnyMachineSnapshot;
}

function send(snapshot: AnyMachineSnapshot, type: string, payload: object, at: string) {
  const [next, actions] = transition(machine, snapshot, { type, payload, at, actor: legal } as never);
  return { snapshot: next as AnyMachineSnapshot, actions: actions as Action[] };
}

const clocksOf = (snapshot: AnyMachineSnapshot) => (snapshot.context as RansomDemandContext).clocks;

const example = (type: string) => ransomDemandV1.events.find((e) => e.type === type)!.examples[0] as object;

/** Investigation at its determination step, which owns `breach.determined` (the demand preserved, scope estimated). */
function atDetermination(snapshot: AnyMachineSnapshot, at = T0): AnyMachineSnapshot {
  const preserved = send(snapshot, 'evidence.demand_preserved', example('evidence.demand_preserved'), at);
  return send(preserved.snapshot, 'scope.estimated', example('scope.estimated'), at).snapshot;
}

/** Determined, and legal at its filings step, which owns `regulator.reported` (PIPEDA assessed as required). */
function determinedAndFiling(finding: string, at = T0, jurisdictions = ['CA']): AnyMachineSnapshot {
  const determined = send(
    atDetermination(open(jurisdictions)),
    'breach.determined',
    { finding, rationale: 'Seen' },
    at,
  );
  const profiled = send(determined.snapshot, 'jurisdictions.profiled', example('jurisdictions.profiled'), at);
  return send(profiled.snapshot, 'regulatory.assessed', example('regulatory.assessed'), at).snapshot;
}

describe('ransom-demand: notification clocks (SM-CLOCKS)', () => {
  it('accepts every jurisdiction code the clock library uses', () => {
    for (const code of notificationClocks.flatMap((clock) => clock.jurisdictions)) {
      expect(jurisdiction.safeParse(code).success, code).toBe(true);
    }
  });

  it('starts PIPEDA for a Canadian business when the breach is determined, with a labelled timer', () => {
    const { snapshot, actions } = send(
      atDetermination(open(['CA'])),
      'breach.determined',
      { finding: 'likely', rationale: 'Actor holds proof' },
      T0,
    );
    expect(clocksOf(snapshot)['pipeda-opc']).toMatchObject({
      state: 'running',
      dueAt: '2026-11-23T15:00:00.000Z',
      policyDefault: true,
    });
    const raise = actions.find((a) => a.type === 'xstate.raise' && a.params?.id === 'clock:pipeda-opc');
    expect(raise?.params?.delay).toBe(72 * 3_600_000);
    expect((ransomDemandV1.timerLabels as Record<string, string>)['clock:pipeda-opc']).toMatch(/PIPEDA/);
  });

  it('starts no clock when the determination finds no evidence', () => {
    const { snapshot } = send(
      atDetermination(open(['CA'])),
      'breach.determined',
      { finding: 'no_evidence', rationale: 'Logs complete, nothing found' },
      T0,
    );
    expect(clocksOf(snapshot)).toEqual({});
  });

  it('starts GDPR Art. 33 on awareness only when EU data subjects are involved', () => {
    expect(
      clocksOf(send(open(['CA']), 'breach.aware', { rationale: 'Vendor confirms access' }, T0).snapshot),
    ).toEqual({});
    const eu = send(open(['CA', 'EU']), 'breach.aware', { rationale: 'Vendor confirms access' }, T0).snapshot;
    expect(clocksOf(eu)['gdpr-art33']).toMatchObject({ state: 'running', dueAt: '2026-11-23T15:00:00.000Z' });
  });

  it('starts the SEC 8-K clock on the materiality determination for a registrant: Thursday → end of next Wednesday', () => {
    const thursday = '2026-11-12T20:00:00.000Z'; // 15:00 in New York
    const opened = open(['US-SEC']);
    const ny = {
      ...opened,
      context: { ...(opened.context as RansomDemandContext), timeZone: 'America/New_York' },
    } as AnyMachineSnapshot;
    const { snapshot } = send(ny, 'materiality.determined', { rationale: 'Material to investors' }, thursday);
    expect(clocksOf(snapshot)['sec-8k-105']).toMatchObject({
      state: 'running',
      dueAt: '2026-11-18T22:30:00.000Z',
    });
  });

  it('starts no clock while the investigation has not reached its determination step', () => {
    const early = send(open(['CA']), 'breach.determined', { finding: 'confirmed', rationale: 'Seen' }, T0);
    expect(clocksOf(early.snapshot)).toEqual({});
  });

  it('marks a clock met when its regime is reported in time, and cancels its timer', () => {
    const determined = determinedAndFiling('confirmed');
    const { snapshot, actions } = send(
      determined,
      'regulator.reported',
      { regime: 'PIPEDA', clockIds: ['pipeda-opc'], reference: 'OPC-1', recipient: 'OPC' },
      '2026-11-21T15:00:00.000Z',
    );
    expect(clocksOf(snapshot)['pipeda-opc']).toMatchObject({
      state: 'met',
      metAt: '2026-11-21T15:00:00.000Z',
    });
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'xstate.cancel', params: { sendId: 'clock:pipeda-opc' } }),
    );
  });

  it('marks a clock overdue when its due time passes unfiled, and met late when filed after', () => {
    const determined = determinedAndFiling('confirmed');
    const [overdue] = transition(machine, determined, {
      type: 'clock.due',
      clockId: 'pipeda-opc',
      at: '2026-11-23T15:00:00.000Z',
    } as never);
    expect(clocksOf(overdue as AnyMachineSnapshot)['pipeda-opc']?.state).toBe('overdue');
    const filing = { regime: 'PIPEDA', clockIds: ['pipeda-opc'], reference: 'OPC-2', recipient: 'OPC' };
    const unexplained = send(
      overdue as AnyMachineSnapshot,
      'regulator.reported',
      filing,
      '2026-11-24T15:00:00.000Z',
    );
    // Late without a reason: no transition takes it (the engine refuses it), so nothing changes.
    expect(unexplained.snapshot.context).toEqual((overdue as AnyMachineSnapshot).context);
    expect(clocksOf(unexplained.snapshot)['pipeda-opc']?.state).toBe('overdue');
    const late = send(
      overdue as AnyMachineSnapshot,
      'regulator.reported',
      { ...filing, delayReason: 'The harm assessment took a day longer.' },
      '2026-11-24T15:00:00.000Z',
    );
    expect(clocksOf(late.snapshot)['pipeda-opc']?.state).toBe('met_late');
  });

  it('an APPI preliminary report meets only the preliminary clock: the confirmed report and the notice to individuals keep running', () => {
    const determined = determinedAndFiling('confirmed', T0, ['CA', 'JP']);
    const { snapshot, actions } = send(
      determined,
      'regulator.reported',
      { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-1', recipient: 'PPC' },
      '2026-11-21T15:00:00.000Z',
    );
    expect(clocksOf(snapshot)).toMatchObject({
      'appi-preliminary': { state: 'met' },
      'appi-confirmed': { state: 'running' },
      'appi-individuals': { state: 'running' },
    });
    // PB-1's determination records no improper purpose, so the 30-day confirmed report applies, not the 60-day one.
    expect(clocksOf(snapshot)).not.toHaveProperty('appi-confirmed-improper');
    const cancelled = actions.filter((a) => a.type === 'xstate.cancel').map((a) => a.params?.sendId);
    expect(cancelled).toEqual(['clock:appi-preliminary']);
  });
});
