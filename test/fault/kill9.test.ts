import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, TEST_DATABASE_URL } from '../support/databases';
import {
  call,
  checkLog,
  Fleet,
  knob,
  openIncident,
  openSql,
  overdueTimers,
  type Sql,
  serveEnv,
  startLoad,
  timerFires,
} from '../support/fault';
import { killAll, sleep, waitFor } from '../support/processes';

/**
 * Three `holdfast serve` processes on one Postgres database, a steady load of advances spread over them
 * and timers falling due all along, while servers are killed with SIGKILL at random moments (one at a
 * time, then all at once so timers fall due with nobody running). Afterwards the log must hold every
 * answered advance exactly once, versions and hash chains must be intact and every due timer fired once.
 *
 * Knobs: FAULT_KILLS (single-server kills, default 5; the blackout adds one kill per server),
 * FAULT_WORKERS (concurrent clients, default 6), FAULT_TIMERS (incidents with a timer due during the run).
 */
const KILLS = knob('FAULT_KILLS', 5);
const WORKERS = knob('FAULT_WORKERS', 6);
const TIMERS = knob('FAULT_TIMERS', 40);
const SERVERS = 3;
const HOT_INCIDENTS = 6;
const BLACKOUT_TIMERS = 4;

if (!TEST_DATABASE_URL)
  console.warn('fault suite (kill -9 under load) skipped: TEST_DATABASE_URL is not set');

const between = (min: number, max: number) => min + Math.random() * (max - min);

describe.skipIf(!TEST_DATABASE_URL)('fault: servers killed with -9 under load (Postgres)', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let sql: Sql;
  let fleet: Fleet;

  beforeAll(async () => {
    scratch = await createScratchPostgres();
    sql = openSql(scratch.url);
    fleet = new Fleet(serveEnv(scratch.url));
    await fleet.start(SERVERS);
  });
  afterAll(async () => {
    killAll();
    await sql?.end();
    await scratch?.drop();
  });

  it('keeps every answered advance exactly once, versions and chains intact, every due timer fired once', async () => {
    const began = Date.now();
    // Timers fall due from 3 s after the start until about when the kills end.
    const span = KILLS * 2500;
    const opened = await Promise.all(
      Array.from({ length: TIMERS }, (_, i) =>
        openIncident(fleet.url(i % SERVERS), `Fault ${i}`, began + 3000 + Math.round((i * span) / TIMERS)),
      ),
    );
    const hot = opened.slice(0, HOT_INCIDENTS).map((incident) => incident.id);
    const load = startLoad({
      incidents: hot,
      servers: () => fleet.known(),
      workers: WORKERS,
      deadlineMs: 15_000,
      pauseMs: 20,
    });

    // Kills at random moments; a killed server restarts in the background (a start takes seconds on a busy
    // machine), and the next kill picks any server still running, never the last one.
    const log: string[] = [];
    const restarts: Promise<void>[] = [];
    const running = () => fleet.slots.flatMap((slot, i) => (slot ? [i] : []));
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(between(300, 2000));
      await waitFor(async () => (running().length >= 2 ? true : undefined), 60_000, 'a server to restart');
      const candidates = running();
      const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
      await fleet.kill9(victim);
      const answered = load.outcomes.filter((o) => o.seq !== null).length;
      log.push(`+${Date.now() - began} ms: kill -9 server ${victim} (${answered} advances answered so far)`);
      restarts.push(sleep(between(0, 1000)).then(() => fleet.restart(victim)));
    }
    await Promise.all(restarts);

    // Blackout: timers fall due while no server runs; they are overdue when the servers come back.
    await sleep(between(500, 1500));
    const blackoutDue = Date.now() + 4000;
    const blackout = await Promise.all(
      Array.from({ length: BLACKOUT_TIMERS }, (_, i) =>
        openIncident(fleet.url(i % SERVERS), `Blackout ${i}`, blackoutDue + i * 100),
      ),
    );
    await Promise.all(Array.from({ length: SERVERS }, (_, i) => fleet.kill9(i)));
    log.push(`+${Date.now() - began} ms: kill -9 all ${SERVERS} servers`);
    await sleep(Math.max(0, blackoutDue + BLACKOUT_TIMERS * 100 + 1500 - Date.now()));
    const backAt = Date.now();
    await Promise.all(Array.from({ length: SERVERS }, (_, i) => fleet.restart(i)));
    log.push(`+${Date.now() - began} ms: all servers back`);

    await sleep(1500);
    const outcomes = await load.stop();
    const all = [...opened, ...blackout];

    // Every timer due by now fires (the workers tick every second at the latest), then nothing fires again.
    await waitFor(
      async () => ((await overdueTimers(sql, 0)) === 0 ? true : undefined),
      30_000,
      'every due timer to fire',
    );
    await sleep(2500);

    const failures = outcomes.filter((o) => o.failure).map((o) => `${o.key}: ${o.failure}`);
    expect(failures).toEqual([]);
    expect(load.hangs).toEqual([]);
    const statuses = outcomes.flatMap((o) => o.statuses);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    const retried = outcomes.filter((o) => o.networkErrors > 0);
    expect(retried.length, 'no advance ever hit a killed server').toBeGreaterThan(0);

    const problems = await checkLog(sql, outcomes);
    expect(problems.badAdvances).toEqual([]);
    expect(problems.extraEvents).toBe(0);
    expect(problems.badVersions).toEqual([]);

    const fires = await timerFires(sql);
    expect(fires.filter((fire) => fire.n !== 1)).toEqual([]);
    for (const incident of all) {
      const fired = fires.filter(
        (fire) => fire.incidentId === incident.id && fire.timer === incident.timerId,
      );
      expect(
        fired.map((fire) => fire.dueAt),
        `declaration timer of ${incident.id}`,
      ).toEqual([incident.dueAt]);
    }
    for (const incident of blackout) {
      const fired = fires.find((fire) => fire.incidentId === incident.id && fire.timer === incident.timerId)!;
      expect(Date.parse(incident.dueAt)).toBeLessThan(backAt);
      // Servers tell the time by the database's clock, measured to within a round trip of this host's.
      expect(Date.parse(fired.recordedAt)).toBeGreaterThanOrEqual(backAt - 1000);
    }
    expect(await overdueTimers(sql, 2000)).toBe(0);

    for (const incident of all) {
      const verified = await call(fleet.url(0), 'GET', `/v1/incidents/${incident.id}/verify`);
      expect(verified.status).toBe(200);
      expect(verified.body.ok, `hash chain of ${incident.id}`).toBe(true);
    }

    const answered = outcomes.filter((o) => o.seq !== null);
    console.log(
      [
        `fault (kill -9): ${fleet.kills} kills in ${((Date.now() - began) / 1000).toFixed(1)} s`,
        ...log,
        `${answered.length} advances answered 2xx (${statuses.length} answers; ${retried.length} retried after a connection error, ` +
          `${retried.filter((o) => o.replayed).length} of them applied before it (replayed); ` +
          `${outcomes.filter((o) => o.statuses.includes(412)).length} retried after a 412)`,
        `${fires.length} timer fires (${all.length} declaration timers, ${blackout.length} overdue after the blackout)`,
      ].join('\n  '),
    );
    await fleet.stopAll();
  }, 240_000);
});
