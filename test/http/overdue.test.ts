import { describe, expect, it } from 'vitest';
import { actor } from '../support/actors';
import { useTestApp } from '../support/http';

const app = useTestApp();

const counsel = actor('counsel', 'legal', 'incident_commander');
const tech = actor('tech', 'technical_lead');
const input = {
  demand: {
    receivedAt: '2026-11-20T15:00:00Z',
    channel: 'email',
    claimedAssets: ['image files'],
    proofOfAccess: true,
    threatenedActions: ['publish_internet'],
    amount: 1000,
    currency: 'USD',
  },
  organisation: { name: 'JJ Meds', country: 'CA' },
  timeZone: 'America/Toronto',
  jurisdictions: ['CA'],
};

describe('missed notification deadlines', () => {
  it('flags an incident whose PIPEDA clock passed unfiled, lists it with overdue=true, and clears it once filed late', async () => {
    const { engine } = app.services;
    const incident = await engine.startIncident(
      {
        playbookId: 'ransom-demand',
        title: 'Exercise',
        input,
        actor: counsel,
        mode: 'exercise',
        clockStart: '2026-11-20T15:00:00Z',
      },
      counsel.roles,
    );
    // The investigation owns the determination: the demand is preserved and the scope estimated first.
    await engine.advanceIncident({
      incidentId: incident.id,
      type: 'evidence.demand_preserved',
      payload: { sha256: 'f'.repeat(64), location: 'evidence://locker/demand.eml', headersCaptured: true },
      actor: tech,
    });
    await engine.advanceIncident({
      incidentId: incident.id,
      type: 'scope.estimated',
      payload: { dataCategories: ['health'], jurisdictions: ['CA'], summary: 'Member ID images' },
      actor: tech,
    });
    const determined = await engine.advanceIncident({
      incidentId: incident.id,
      type: 'breach.determined',
      payload: { finding: 'confirmed', rationale: 'Vendor saw exfiltration' },
      actor: counsel,
    });
    expect(determined.incident.timers).toContainEqual(
      expect.objectContaining({
        id: 'clock:pipeda-opc',
        dueAt: '2026-11-23T15:00:00.000Z',
        label: expect.stringMatching(/PIPEDA/),
      }),
    );
    const listOverdue = async () =>
      (await app.admin.request('GET', '/v1/incidents?mode=exercise&overdue=true')).body.items.map(
        (i: { id: string }) => i.id,
      );
    expect(await listOverdue()).toEqual([]);

    const moved = await engine.advanceClock(incident.id, '2026-11-24T00:00:00Z');
    expect(moved.overdue).toBe(true);
    expect((moved.context as { clocks: Record<string, { state: string }> }).clocks['pipeda-opc']?.state).toBe(
      'overdue',
    );
    expect(await listOverdue()).toEqual([incident.id]);
    expect((await app.admin.request('GET', '/v1/incidents?mode=exercise&overdue=false')).body.items).toEqual(
      [],
    );

    // Legal owns the filing: the regimes profiled and PIPEDA assessed as requiring a report.
    await engine.advanceIncident({
      incidentId: incident.id,
      type: 'jurisdictions.profiled',
      payload: { jurisdictions: ['CA'], regimes: ['PIPEDA'], rationale: 'Canadian members only' },
      actor: counsel,
    });
    await engine.advanceIncident({
      incidentId: incident.id,
      type: 'regulatory.assessed',
      payload: { assessments: [{ regime: 'PIPEDA', required: true, rationale: 'RROSH: health data' }] },
      actor: counsel,
    });
    const filed = await engine.advanceIncident({
      incidentId: incident.id,
      type: 'regulator.reported',
      payload: { regime: 'PIPEDA', reference: 'OPC-2026-1', recipient: 'Office of the Privacy Commissioner' },
      actor: counsel,
    });
    expect(filed.incident.overdue).toBe(false);
    expect(
      (filed.incident.context as { clocks: Record<string, { state: string }> }).clocks['pipeda-opc']?.state,
    ).toBe('met_late');
    expect(await listOverdue()).toEqual([]);
  });

  it('refuses a bad overdue filter', async () => {
    const response = await app.admin.request('GET', '/v1/incidents?overdue=maybe');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_request');
  });
});
