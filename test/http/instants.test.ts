import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { credentialStuffingV1 } from '../../playbooks/credential-stuffing';
import { jjMedsInput } from '../fixtures/jj-meds';
import { testClock, useTestApp } from '../support/http';

const now = '2026-06-01T00:00:00.000Z';
const clock = testClock(now);
const app = useTestApp({}, clock.now);

async function tableCounts() {
  const result = await app.test.database.db.execute(
    sql`select (select count(*) from incidents)::int as incidents, (select count(*) from incident_events)::int as events,
               (select count(*) from timers)::int as timers`,
  );
  return (result as unknown as { rows: unknown[] }).rows[0];
}

const openDemand = (receivedAt: string) =>
  app.admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'ransom-demand', title: 'JJ Meds', input: jjMedsInput(receivedAt) },
  });

describe('times outside the accepted window are 400s that change nothing', () => {
  it('refuses an input time past ten years from the clock, or before 1970, naming the field and the bound', async () => {
    clock.set(now);
    const late = await openDemand('9999-12-31T23:59:59Z');
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('invalid_request');
    expect(late.body.detail).toContain('input.demand.receivedAt');
    expect(late.body.detail).toContain('the latest time accepted is 2036-06-01T00:00:00.000Z');
    expect(late.body.errors).toEqual([{ path: 'input.demand.receivedAt', message: expect.any(String) }]);

    const early = await openDemand('1969-12-31T23:59:59Z');
    expect(early.status).toBe(400);
    expect(early.body.detail).toContain('input.demand.receivedAt');
    expect(early.body.detail).toContain('1970-01-01T00:00:00.000Z');
    expect(await tableCounts()).toEqual({ incidents: 0, events: 0, timers: 0 });

    // The edges themselves are inside.
    expect((await openDemand('1970-01-01T00:00:00Z')).status).toBe(201);
    expect((await openDemand('2036-06-01T00:00:00Z')).status).toBe(201);
    expect((await openDemand('2036-06-01T00:00:00.001Z')).status).toBe(400);
  });

  it('counts the bound from the injected clock, not the wall clock', async () => {
    clock.set('2040-01-01T00:00:00Z');
    expect((await openDemand('2049-12-31T00:00:00Z')).status).toBe(201);
    clock.set('2030-01-01T00:00:00Z');
    expect((await openDemand('2049-12-31T00:00:00Z')).status).toBe(400);
    clock.set(now);
  });

  it('refuses a payload time outside the window, on events and on simulations alike', async () => {
    clock.set(now);
    const opened = await app.admin.request('POST', '/v1/incidents', {
      body: {
        playbookId: 'credential-stuffing',
        title: 'Docomo',
        input: credentialStuffingV1.example!.input,
      },
    });
    expect(opened.status).toBe(201);
    const before = await tableCounts();
    const body = {
      type: 'auth.anomaly_detected',
      payload: { indicators: ['failure_spike'], firstSeen: '9999-12-31T00:00:00Z' },
    };
    for (const path of ['events', 'simulate']) {
      const refused = await app.admin.request('POST', `/v1/incidents/${opened.body.id}/${path}`, { body });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toContain('payload.firstSeen');
      expect(refused.body.detail).toContain('2036-06-01T00:00:00.000Z');
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses an occurredAt outside the incident clock, naming the field and the bound', async () => {
    clock.set(now);
    const opened = await openDemand('2026-05-31T12:00:00Z');
    const send = (occurredAt: string) =>
      app.admin.request('POST', `/v1/incidents/${opened.body.id}/events`, {
        body: { type: 'incident.declared', payload: { rationale: 'Real demand.' }, occurredAt },
      });
    const future = await send('9999-12-31T23:59:59Z');
    expect(future.status).toBe(400);
    expect(future.body.detail).toMatch(
      /^occurredAt .* is in the future: the incident's clock is at 2026-06-01T00:00:00.000Z/,
    );
    const past = await send('1900-01-01T00:00:00Z');
    expect(past.status).toBe(400);
    expect(past.body.detail).toMatch(/^occurredAt .* is before the incident was opened/);
  });
});
