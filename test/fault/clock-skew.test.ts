import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, TEST_DATABASE_URL } from '../support/databases';
import { call, evidenceEvent, openIncident, serveEnv } from '../support/fault';
import { killAll, type ServeProcess, sleep, startServe } from '../support/processes';

const THREE_HOURS = 3 * 3_600_000;

/** libfaketime preloaded into the server itself (the `faketime` wrapper would stand between it and our signals). */
function threeHoursFast(): Record<string, string> {
  const library = readdirSync('/usr/lib')
    .map((dir) => `/usr/lib/${dir}/faketime/libfaketime.so.1`)
    .find((path) => existsSync(path));
  if (!library) throw new Error('libfaketime is not installed (apt-get install faketime)');
  return { LD_PRELOAD: library, FAKETIME: '+3h', DONT_FAKE_MONOTONIC: '1' };
}

/**
 * An instance on a host whose clock runs 3 h fast (`faketime +3h`), next to one whose clock is right, on one
 * Postgres database. The fast host tells the time by the database, and fires no timers while it is off.
 */
describe.skipIf(!TEST_DATABASE_URL)('one clock: an instance on a host 3 h fast', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let right: ServeProcess;
  let fast: ServeProcess;

  beforeAll(async () => {
    scratch = await createScratchPostgres();
    right = await startServe([], serveEnv(scratch.url));
    fast = await startServe([], serveEnv(scratch.url, { LOG_LEVEL: 'info', ...threeHoursFast() }));
  });
  afterAll(async () => {
    await right?.stop().catch(() => {});
    await fast?.stop().catch(() => {});
    killAll();
    await scratch?.drop();
  });

  it('reports its measured skew at /readyz and says in its log that it fires no timers', async () => {
    const fastReady = await call(fast.url, 'GET', '/readyz', { token: null });
    expect(fastReady.status).toBe(200);
    expect(fastReady.body.clock.firesTimers).toBe(false);
    expect(Math.abs(fastReady.body.clock.skewMs - THREE_HOURS)).toBeLessThan(60_000);
    expect(fastReady.body.clock.boundMs).toBe(10_000);

    const rightReady = await call(right.url, 'GET', '/readyz', { token: null });
    expect(rightReady.body.clock.firesTimers).toBe(true);
    expect(Math.abs(rightReady.body.clock.skewMs)).toBeLessThan(10_000);

    expect(fast.stdout()).toMatch(/"skewMs":\d+.*fires no timers/);
  });

  it('opens and advances on the database time, and fires no deadline early', async () => {
    // Received ten minutes ago: the declaration is due in twenty; on the host's own clock, long past.
    const incident = await openIncident(fast.url, 'Opened on the fast host', Date.now() + 20 * 60_000);
    expect(Date.parse(incident.dueAt) - Date.now()).toBeLessThan(THREE_HOURS);
    expect(Date.parse(incident.dueAt)).toBeGreaterThan(Date.now());

    const noted = await call(fast.url, 'POST', `/v1/incidents/${incident.id}/events`, {
      body: evidenceEvent('typed on the fast host'),
    });
    expect(noted.status).toBe(200);
    // Give the fast instance's timer worker (one tick a second) several chances to misfire.
    await sleep(3000);
    const events = (await call(right.url, 'GET', `/v1/incidents/${incident.id}/events`)).body.items as {
      type: string;
      occurredAt: string;
      recordedAt: string;
    }[];
    expect(events.map((event) => event.type)).toEqual(['incident.opened', 'evidence.collected']);
    for (const event of events) {
      expect(Math.abs(Date.parse(event.occurredAt) - Date.now())).toBeLessThan(60_000);
      expect(Math.abs(Date.parse(event.recordedAt) - Date.now())).toBeLessThan(60_000);
    }
    expect(events[1]!.occurredAt >= events[0]!.occurredAt).toBe(true);
  });
});
