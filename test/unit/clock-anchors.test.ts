import { describe, expect, it } from 'vitest';
import { ransomDemandV1, ransomDemandV3 } from '../../playbooks/ransom-demand';
import {
  anchorsOf,
  clocksToStart,
  type RecordedAnchors,
  recordAnchors,
  type TrackedClock,
  unstartedClocks,
} from '../../src/playbook-kit';
import { PlaybookDriver } from '../support/playbook-driver';

/** JJ Meds (C2), opened at 10:05 Toronto time; here with more of the regimes a ransomware victim meets. */
const T0 = '2018-03-08T15:05:00.000Z';
const at = (hoursAfter: number) => new Date(Date.parse(T0) + hoursAfter * 3_600_000).toISOString();
const input = (jurisdictions: string[]) => ({ ...(ransomDemandV3.example.input as object), jurisdictions });
const clocksOf = (d: PlaybookDriver) => d.context.clocks as Record<string, TrackedClock>;
const anchorsOfIncident = (d: PlaybookDriver) => d.context.anchors as RecordedAnchors;

/** Declared, the demand preserved and the scope estimated: the investigation may determine the breach. */
const investigating = (jurisdictions: string[]) =>
  new PlaybookDriver(ransomDemandV3, input(jurisdictions), T0)
    .send('incident.declared')
    .send('evidence.demand_preserved')
    .send('scope.estimated', { dataCategories: ['health'], jurisdictions, summary: 'Member records.' });

describe('clock anchors are facts, each clock counts from its own', () => {
  it('maps each SM-CLOCKS event to the anchors it records, and nothing for a negative finding', () => {
    expect(anchorsOf('breach.aware')).toEqual(['aware']);
    expect(anchorsOf('breach.determined', { finding: 'likely' })).toEqual(['determined']);
    expect(anchorsOf('breach.determined', { finding: 'no_evidence' })).toEqual([]);
    expect(anchorsOf('materiality.determined', { option: 'not_material' })).toEqual([]);
    expect(anchorsOf('anchor.recorded', { anchor: 'classified' })).toEqual(['classified']);
    expect(anchorsOf('anchor.recorded', { anchor: 'someday' })).toEqual([]);
  });

  it('keeps the first record of an anchor, and records what a determination implies only where missing', () => {
    const knew = recordAnchors({}, ['knew'], at(1), 'anchor.recorded');
    const determined = recordAnchors(knew, ['determined'], at(5), 'breach.determined');
    expect(determined).toEqual({
      knew: { at: at(1), by: 'anchor.recorded', implied: false },
      determined: { at: at(5), by: 'breach.determined', implied: false },
      discovered: { at: at(5), by: 'breach.determined', implied: true },
      notifiable: { at: at(5), by: 'breach.determined', implied: true },
    });
    expect(recordAnchors(determined, ['determined'], at(9), 'breach.determined').determined?.at).toBe(at(5));
  });

  it('PB-1 starts HIPAA, Visa and PIPL on discovery, APPI on knowing, PIPEDA and NYDFS on their determinations', () => {
    const d = investigating(['CA', 'US-HIPAA', 'PCI', 'CN', 'JP', 'US-NY-DFS']);
    d.send('anchor.recorded', { anchor: 'knew', rationale: 'A possible leak was reported.' }, { at: at(1) });
    d.send('anchor.recorded', { anchor: 'discovered', rationale: 'Logs confirm access.' }, { at: at(2) });
    d.send('breach.determined', { finding: 'confirmed', rationale: 'The sample matches.' }, { at: at(6) });
    const clocks = clocksOf(d);
    const anchorOf = (id: string) => [clocks[id]?.anchor, clocks[id]?.anchorAt];
    for (const id of ['hipaa-individuals', 'visa-initial-report', 'card-brands-immediate', 'pipl-art57']) {
      expect(anchorOf(id), id).toEqual(['discovered', at(2)]);
    }
    expect(anchorOf('appi-preliminary')).toEqual(['knew', at(1)]);
    expect(anchorOf('appi-confirmed')).toEqual(['knew', at(1)]);
    expect(clocks['appi-confirmed-improper']).toBeUndefined();
    expect(anchorOf('pipeda-opc')).toEqual(['determined', at(6)]);
    expect(anchorOf('nydfs-incident')).toEqual(['notifiable', at(6)]);
    expect(clocks['hipaa-individuals']?.dueAt).toBe('2018-05-07T16:05:00.000Z'); // 60 days at 12:05 Toronto time, DST in between
    expect(anchorsOfIncident(d).notifiable).toMatchObject({ at: at(6), implied: true });
  });

  it('an anchor recorded with an earlier time starts its clocks from then, never from a time after the event', () => {
    const d = investigating(['EU']);
    d.send(
      'anchor.recorded',
      {
        anchor: 'aware',
        anchorAt: at(-2),
        rationale: 'The SOC was sure of the leak before the incident opened.',
      },
      { at: at(1) },
    );
    expect(clocksOf(d)['gdpr-art33']).toMatchObject({ anchorAt: at(-2), dueAt: at(70) });
    const later = investigating(['EU']);
    expect(
      later.refusal(
        'anchor.recorded',
        { anchor: 'aware', anchorAt: at(5), rationale: 'Not yet.' },
        { at: at(1) },
      ),
    ).not.toBeNull();
    expect(clocksOf(later)['gdpr-art33']).toBeUndefined();
  });

  it('version 1 (its own context) starts the same clocks from the same anchors through the kit', () => {
    const d = new PlaybookDriver(ransomDemandV1, input(['US-HIPAA', 'PCI', 'CN', 'CA']), T0)
      .send('evidence.demand_preserved')
      .send('scope.estimated');
    d.send('breach.determined', { finding: 'likely', rationale: 'Actor holds proof' }, { at: at(3) });
    const started = Object.values(clocksOf(d)).map((clock) => [clock.id, clock.anchor, clock.anchorAt]);
    expect(started).toEqual(
      expect.arrayContaining([
        ['pipeda-opc', 'determined', at(3)],
        ['hipaa-individuals', 'discovered', at(3)],
        ['visa-initial-report', 'discovered', at(3)],
        ['pipl-art57', 'discovered', at(3)],
      ]),
    );
  });
});

describe('a jurisdiction profiled after the anchor', () => {
  it("starts its clocks from the anchor's recorded time, overdue at once when already due", () => {
    const d = investigating(['CA']);
    d.send('breach.aware', { rationale: 'Reasonable certainty records were read.' }, { at: at(0) });
    expect(clocksOf(d)['gdpr-art33']).toBeUndefined();
    d.send('breach.determined', { finding: 'confirmed', rationale: 'The sample matches.' }, { at: at(1) });
    d.advanceTo(at(80));
    d.send(
      'jurisdictions.profiled',
      { jurisdictions: ['EU'], regimes: ['GDPR'], rationale: 'Members in France.' },
      { at: at(80) },
    );
    expect(clocksOf(d)['gdpr-art33']).toMatchObject({ anchorAt: at(0), dueAt: at(72) });
    d.advanceTo(at(80));
    expect(clocksOf(d)['gdpr-art33']?.state).toBe('overdue');
  });

  it('an hour after breach.aware, GDPR runs from breach.aware (the pure rule)', () => {
    const anchors = recordAnchors({}, ['aware'], at(0), 'breach.aware');
    const started = clocksToStart({}, ['EU'], anchors, { timeZone: 'Europe/Paris' });
    expect(started.map((clock) => [clock.id, clock.anchorAt, clock.dueAt])).toContainEqual([
      'gdpr-art33',
      at(0),
      at(72),
    ]);
  });

  it('names every clock whose regime applies but whose anchor was never recorded', () => {
    const anchors = recordAnchors({}, ['aware'], at(0), 'breach.aware');
    const unstarted = unstartedClocks({}, ['EU', 'US-SEC'], anchors);
    expect(unstarted.map((clock) => clock.id)).toContain('sec-8k-105');
    expect(unstarted.map((clock) => clock.id)).not.toContain('gdpr-art33');
    expect(unstarted.find((clock) => clock.id === 'sec-8k-105')?.reason).toMatch(/never recorded/);
  });
});
