import { describe, expect, it } from 'vitest';
import { jjMedsInput } from '../fixtures/jj-meds';
import { actor } from '../support/actors';
import { type Body, testClock, useTestApp } from '../support/http';

const now = '2026-11-24T09:00:00.000Z';
const clock = testClock(now);
const app = useTestApp({}, clock.now);

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

const listOverdue = async (mode: string) =>
  (await app.admin.request('GET', `/v1/incidents?mode=${mode}&overdue=true`)).body.items.map(
    (i: { id: string }) => i.id,
  );
const labels = (incident: Body) => incident.overdueItems.map((item: { label: string }) => item.label);

describe('missed deadlines are overdue, visibly', () => {
  it('opens a demand received three days ago with its passed deadlines overdue, each timer event at its due time', async () => {
    const received = '2026-11-21T09:00:00.000Z';
    const created = await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'JJ Meds', input: jjMedsInput(received) },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Deadlines keep their real due times although they passed before the incident was opened.
    const dueOf = (label: RegExp) =>
      created.body.timers.find((t: { label: string }) => label.test(t.label))?.dueAt as string;
    expect(dueOf(/^Ransom deadline/)).toBe('2026-11-23T09:00:00.000Z');
    expect(dueOf(/^Police report due/)).toBe('2026-11-22T09:00:00.000Z');
    expect(await listOverdue('live')).toEqual([]);
    // What a board needs beside the deadlines: which timers are routine, the incident's zone, clock and opener.
    const routineOf = (label: RegExp) =>
      created.body.timers.find((t: { label: string }) => label.test(t.label))?.routine as boolean;
    expect(routineOf(/^Ransom deadline/)).toBe(false);
    expect(routineOf(/^Police report due/)).toBe(false);
    expect(created.body.timers.find((t: Body) => /^Police report due/.test(t.label))?.step).toBe(
      'legal.work.law_enforcement.not_reported',
    );
    expect(created.body).toMatchObject({
      clock: now,
      openedAt: now,
      openedBy: expect.stringMatching(/^admin/),
    });
    expect(created.body.timeZone).toEqual(expect.any(String));

    expect(await app.services.engine.fireDueTimers()).toBe(1);
    const incident = (await app.admin.request('GET', `/v1/incidents/${id}`)).body;
    expect(incident.overdue).toBe(true);
    expect(labels(incident)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Ransom deadline/),
        expect.stringMatching(/^Police report due/),
      ]),
    );
    const police = incident.overdueItems.find((item: { label: string }) => /^Police/.test(item.label));
    expect(police).toMatchObject({
      kind: 'deadline',
      dueAt: '2026-11-22T09:00:00.000Z',
      since: '2026-11-22T09:00:00.000Z',
      step: 'legal.work.law_enforcement.not_reported',
    });
    expect(await listOverdue('live')).toEqual([id]);

    const timeline = (await app.admin.request('GET', `/v1/incidents/${id}/events`)).body.items;
    const fired = timeline.filter((event: Body) => event.source === 'timer');
    expect(fired.length).toBeGreaterThan(3);
    // They passed before the incident was opened: the log, which never goes back in time, has them happen
    // at its opening; each keeps its real due time in its payload.
    const openedAt = timeline[0].occurredAt;
    for (const event of fired) {
      expect(event.type).not.toMatch(/^xstate\./);
      expect(event.payload.dueAt < openedAt).toBe(true);
      expect(event.occurredAt).toBe(openedAt);
      expect(event.recordedAt).toBe(now);
      expect(event.payload.label).toEqual(expect.any(String));
    }
    expect(fired.map((event: Body) => event.payload.label)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Ransom deadline/),
        expect.stringMatching(/^Police report due/),
      ]),
    );
    const stream = JSON.stringify(fired);
    expect(stream).not.toContain('xstate.');

    // Reporting to the police is the step done: its item goes, the ransom deadline stays.
    const reported = await app.admin.request('POST', `/v1/incidents/${id}/events`, {
      body: { type: 'police.reported', payload: { agency: 'RCMP', summary: 'Extortion email' } },
    });
    expect(reported.status).toBe(200);
    expect(labels(reported.body.incident)).not.toContainEqual(expect.stringMatching(/^Police/));
    expect(labels(reported.body.incident)).toContainEqual(expect.stringMatching(/^Ransom deadline/));

    // The 4-hourly situation report, armed by the declaration, is routine: not a deadline to chase.
    const declared = await app.admin.request('POST', `/v1/incidents/${id}/events`, {
      body: { type: 'incident.declared', payload: { rationale: 'Extortion naming customer data' } },
    });
    expect(declared.status).toBe(200);
    const sitrep = declared.body.incident.timers.find((t: Body) => /^Situation report/.test(t.label));
    expect(sitrep).toMatchObject({ routine: true });
  });

  it('flags a PIPEDA clock passed unfiled as an item of its own, and clears it once filed late', async () => {
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
    expect(determined.incident.overdueItems).toEqual([]);
    expect(await listOverdue('exercise')).toEqual([]);

    const moved = await engine.advanceClock(incident.id, '2026-11-24T00:00:00Z');
    expect(moved.overdue).toBe(true);
    expect(moved.overdueItems).toContainEqual({
      kind: 'clock',
      id: 'pipeda-opc',
      label: expect.stringMatching(/PIPEDA/),
      dueAt: '2026-11-23T15:00:00.000Z',
      step: 'clocks',
      since: '2026-11-23T15:00:00.000Z',
    });
    expect(await listOverdue('exercise')).toEqual([incident.id]);

    // The regimes profiled and PIPEDA assessed as requiring a report; filed late, with its delay reason.
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
    const filing = { regime: 'PIPEDA', clockIds: ['pipeda-opc'], reference: 'OPC-2026-1' };
    const unexplained = await engine
      .advanceIncident({
        incidentId: incident.id,
        type: 'regulator.reported',
        payload: filing,
        actor: counsel,
      })
      .catch((error: unknown) => error);
    expect(unexplained).toMatchObject({
      code: 'event_not_allowed',
      message: expect.stringMatching(/delayReason/),
    });
    const filed = await engine.advanceIncident({
      incidentId: incident.id,
      type: 'regulator.reported',
      payload: { ...filing, delayReason: 'The scope took four days' },
      actor: counsel,
    });
    // The report to the Commissioner meets only its own clock: PIPEDA's notices to individuals and to the
    // organisations that can reduce the harm are obligations of their own, still overdue until sent.
    const clockStates = (incident: { context: unknown }) =>
      Object.fromEntries(
        Object.entries((incident.context as { clocks: Record<string, { state: string }> }).clocks).map(
          ([id, clock]) => [id, clock.state],
        ),
      );
    expect(
      filed.incident.overdueItems.filter((item) => item.kind === 'clock').map((item) => item.id),
    ).toEqual(['pipeda-individuals', 'pipeda-organisations']);
    expect(clockStates(filed.incident)).toMatchObject({
      'pipeda-opc': 'met_late',
      'pipeda-individuals': 'overdue',
      'pipeda-organisations': 'overdue',
    });
    const notified = await engine.advanceIncident({
      incidentId: incident.id,
      type: 'regulator.reported',
      payload: {
        regime: 'PIPEDA',
        clockIds: ['pipeda-individuals', 'pipeda-organisations'],
        reference: 'NOTICE-2026-1',
        delayReason: 'The scope took four days',
      },
      actor: counsel,
    });
    expect(notified.incident.overdueItems.filter((item) => item.kind === 'clock')).toEqual([]);
    expect(clockStates(notified.incident)).toMatchObject({
      'pipeda-opc': 'met_late',
      'pipeda-individuals': 'met_late',
      'pipeda-organisations': 'met_late',
    });
  });

  it('refuses a bad overdue filter', async () => {
    const response = await app.admin.request('GET', '/v1/incidents?overdue=maybe');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_request');
  });
});

describe('events that happened before they were typed in', () => {
  it('counts clocks and deadlines from occurredAt, within the incident life and a minute of skew', async () => {
    const opened = '2026-11-24T08:00:00.000Z';
    clock.set(opened);
    const { body: incident } = await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'JJ Meds', input: jjMedsInput('2026-11-24T07:50:00Z') },
    });
    clock.set(now); // an hour later
    const offline = (occurredAt: string) => ({
      type: 'site.taken_offline',
      payload: { scope: 'full', rationale: 'Stop further access to the image files' },
      occurredAt,
    });
    const send = (body: object) => app.admin.request('POST', `/v1/incidents/${incident.id}/events`, { body });

    const before = await send(offline('2026-11-24T07:59:59Z'));
    expect(before.status).toBe(400);
    expect(before.body.detail).toMatch(/before the incident was opened/);
    const ahead = await send(offline('2026-11-24T09:01:01Z'));
    expect(ahead.status).toBe(400);
    expect(ahead.body.detail).toMatch(/in the future/);
    expect(await send({ ...offline('yesterday'), occurredAt: 'yesterday' })).toMatchObject({ status: 400 });
    expect((await app.admin.request('GET', `/v1/incidents/${incident.id}`)).body.version).toBe(
      incident.version,
    );

    const earlier = await send(offline('2026-11-24T08:20:00+00:00'));
    expect(earlier.status).toBe(200);
    expect(earlier.body.event).toMatchObject({ occurredAt: '2026-11-24T08:20:00.000Z', recordedAt: now });
    // The customer notice is due 12 h after the site went offline: when it did, not when it was typed in.
    const notice = earlier.body.incident.timers.find((t: { id: string }) =>
      t.id.includes('customerNoticeDue'),
    );
    expect(notice.dueAt).toBe('2026-11-24T20:20:00.000Z');

    // Within the skew, a time a little ahead is taken as now.
    clock.set('2026-11-24T09:00:00.000Z');
    const slightly = await send({
      type: 'evidence.baseline_captured',
      payload: {
        items: [
          { kind: 'account_export', sha256: 'a'.repeat(64), location: 'vault://ids.csv' },
          { kind: 'system_image', sha256: 'b'.repeat(64), location: 'vault://web01.img' },
        ],
      },
      occurredAt: '2026-11-24T09:00:30Z',
    });
    expect(slightly.status).toBe(200);
    expect(slightly.body.event.occurredAt).toBe(now);

    // The history is in the order things happened: nothing is logged as happening before the latest event.
    const version = slightly.body.incident.version;
    const backwards = await send(offline('2026-11-24T08:30:00Z'));
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ latestOccurredAt: now, latestSeq: version });
    expect(backwards.body.detail).toMatch(/before the latest event/);
    // A host whose clock is behind the latest event (now 08:59) logs at that event's time, never before it.
    clock.set('2026-11-24T08:59:00.000Z');
    const behind = await send({
      type: 'evidence.collected',
      payload: { kind: 'logs', sha256: 'c'.repeat(64), location: 'vault://auth.log' },
    });
    expect(behind.status).toBe(200);
    expect(behind.body.event).toMatchObject({ seq: version + 1, occurredAt: now });
    const occurred = (await app.admin.request('GET', `/v1/incidents/${incident.id}/events`)).body.items.map(
      (event: { occurredAt: string }) => event.occurredAt,
    );
    expect(occurred).toEqual([...occurred].sort());
  });
});
