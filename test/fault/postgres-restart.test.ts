import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases';
import {
  ADMIN,
  type Answer,
  call,
  checkLog,
  evidenceEvent,
  Fleet,
  HangError,
  knob,
  openIncident,
  openSql,
  type Sql,
  serveEnv,
  startLoad,
  timerFires,
} from '../support/fault';
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from '../support/private-postgres';
import { killAll, sleep, waitFor } from '../support/processes';
import { sseReader } from '../support/sse';

/**
 * Postgres itself goes away under load (an immediate shutdown: a crash, with recovery on restart) and comes
 * back. Our own throwaway cluster, never the shared test server. While it is gone every request must get a
 * quick 503 problem (never a hang, never a 500 with a stack), /readyz says not ready, the processes live on;
 * once it is back the same processes serve again without a restart and their change feeds reconnect.
 *
 * Knob: FAULT_OUTAGE_SECONDS (how long Postgres stays down, default 6).
 */
const OUTAGE_MS = knob('FAULT_OUTAGE_SECONDS', 6) * 1000;
/** Every request must be answered within this, outage or not. */
const DEADLINE_MS = 5000;

const unavailable = TEST_DATABASE_URL ? privatePostgresUnavailable() : 'TEST_DATABASE_URL is not set';
if (unavailable) console.warn(`fault suite (Postgres restart) skipped: ${unavailable}`);

/** A 5xx body must be a problem document and nothing else: no stack, no SQL, no driver message. */
const leaks = (text: string) => /\n\s+at |Error:|select |insert |update |ECONNREFUSED|postgres/i.test(text);

describe.skipIf(unavailable !== null)('fault: Postgres restarted under load', () => {
  let pg: PrivatePostgres;
  let fleet: Fleet;
  let sql: Sql;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    fleet = new Fleet(serveEnv(pg.url));
    await fleet.start(2);
    sql = openSql(pg.url);
  });
  afterAll(async () => {
    killAll();
    await sql?.end({ timeout: 1 });
    await pg?.dispose();
  });

  it('answers 503 quickly while Postgres is gone, and recovers by itself without a restart', async () => {
    const [a, b] = [fleet.url(0), fleet.url(1)];
    const began = Date.now();
    // A change stream on B, open across the whole outage.
    const streamResponse = await fetch(`${b}/v1/stream`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(streamResponse.status).toBe(200);
    const stream = sseReader(streamResponse);
    await stream.comment('connected');

    const hot = await Promise.all(
      [0, 1, 2].map((i) => openIncident(i % 2 ? b : a, `Hot ${i}`, Date.now() + 3_600_000)),
    );
    // Its declaration timer falls due while Postgres is down.
    const timed = await openIncident(a, 'Falls due in the outage', Date.now() + 5000);

    const refused: Answer[] = [];
    const load = startLoad({
      incidents: hot.map((incident) => incident.id),
      servers: () => fleet.urls(),
      workers: 4,
      deadlineMs: DEADLINE_MS,
      pauseMs: 50,
      giveUpMs: 120_000,
      onAnswer: (answer) => refused.push(answer),
    });
    await sleep(1500);

    await pg.stop('immediate');
    const stoppedAt = Date.now();
    const probes: { what: string; answer: Answer }[] = [];
    const hangs: string[] = [];
    const probe = async (what: string, server: string, path: string) => {
      try {
        probes.push({ what, answer: await call(server, 'GET', path, { deadlineMs: DEADLINE_MS }) });
      } catch (error) {
        if (!(error instanceof HangError)) {
          // A server that refuses connections has exited: say what each printed last.
          const last = fleet.slots.map(
            (slot, i) => `server ${i} (exit code ${slot?.child.exitCode}): ${slot?.output().slice(-3000)}`,
          );
          throw new Error(`${(error as Error).message}\n${last.join('\n')}`);
        }
        hangs.push(error.message);
      }
    };
    const outageEnds = Math.max(stoppedAt + OUTAGE_MS, Date.parse(timed.dueAt) + 1000);
    while (Date.now() < outageEnds) {
      await Promise.all(
        [a, b].flatMap((server) => [
          probe('readyz', server, '/readyz'),
          probe('healthz', server, '/healthz'),
          probe('incident', server, `/v1/incidents/${hot[0]!.id}/events`),
          probe('stream', server, '/v1/stream'),
        ]),
      );
      await sleep(250);
    }
    expect(fleet.slots.every((slot) => slot?.child.exitCode === null)).toBe(true);

    const restarting = Date.now();
    await pg.start();
    const restartedAt = Date.now();
    // Recovers by itself: every readiness probe answers within the deadline, and soon says ready.
    for (const server of [a, b]) {
      await waitFor(
        async () =>
          (await call(server, 'GET', '/readyz', { deadlineMs: DEADLINE_MS })).status === 200
            ? true
            : undefined,
        30_000,
        `${server} to be ready again`,
      );
    }
    const recoveredMs = Date.now() - restartedAt;
    await sleep(1000);
    const outcomes = await load.stop();

    // While Postgres was gone: quick 503 problems, never a hang, never a 500; liveness stays up.
    expect(hangs).toEqual([]);
    expect(load.hangs).toEqual([]);
    expect(Date.parse(timed.dueAt)).toBeGreaterThan(stoppedAt);
    const byWhat = (what: string) => probes.filter((p) => p.what === what).map((p) => p.answer);
    expect(byWhat('readyz').length).toBeGreaterThanOrEqual(4);
    for (const what of ['readyz', 'incident', 'stream']) {
      for (const answer of byWhat(what)) {
        expect({ what, status: answer.status, code: answer.body?.code }).toEqual({
          what,
          status: 503,
          code: 'unavailable',
        });
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(leaks(answer.text), answer.text).toBe(false);
      }
    }
    expect(byWhat('healthz').every((answer) => answer.status === 200)).toBe(true);
    expect(
      refused.filter((answer) => answer.status === 503).length,
      'the load never met the outage',
    ).toBeGreaterThan(0);
    for (const answer of refused) {
      expect([412, 503]).toContain(answer.status);
      if (answer.status === 503) {
        expect(answer.body?.code).toBe('unavailable');
        expect(leaks(answer.text), answer.text).toBe(false);
      }
    }
    // The timer workers logged the outage and lived on.
    expect(fleet.slots.every((slot) => slot?.child.exitCode === null)).toBe(true);
    expect(fleet.slots.some((slot) => slot!.output().includes('timer worker failed'))).toBe(true);

    // Every advance answered 2xx (503s were retried with their key once Postgres was back) is in the log once.
    expect(outcomes.filter((o) => o.failure).map((o) => o.failure)).toEqual([]);
    const problems = await checkLog(sql, outcomes);
    expect(problems.badAdvances).toEqual([]);
    expect(problems.extraEvents).toBe(0);
    expect(problems.badVersions).toEqual([]);

    // The timer that fell due during the outage fired once, after Postgres came back.
    await waitFor(
      async () => {
        const fires = await timerFires(sql);
        return fires.some((fire) => fire.incidentId === timed.id) ? fires : undefined;
      },
      15_000,
      'the overdue timer to fire',
    );
    await sleep(2000);
    const fired = (await timerFires(sql)).filter((fire) => fire.incidentId === timed.id);
    expect(fired.map((fire) => [fire.timer, fire.dueAt, fire.n])).toEqual([[timed.timerId, timed.dueAt, 1]]);
    // Servers tell the time by the database's clock, measured to within a round trip of this host's.
    expect(Date.parse(fired[0]!.recordedAt)).toBeGreaterThanOrEqual(restarting - 1000);

    // B's change feed listens again: its version cache follows a write made through A.
    const path = `/v1/incidents/${hot[0]!.id}`;
    const seen = await call(b, 'GET', path);
    const etag = seen.headers.get('etag')!;
    expect((await call(b, 'GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const written = await call(a, 'POST', `${path}/events`, { body: evidenceEvent('after-recovery') });
    expect(written.status).toBe(200);
    await waitFor(
      async () =>
        (await call(b, 'GET', path, { headers: { 'if-none-match': etag } })).status === 200
          ? true
          : undefined,
      3000,
      "B to hear of A's write (its LISTEN connection is back)",
    );

    // The stream opened on B before the outage delivered every change once, gap-free, across it.
    const final = await sql<{ id: string; version: number }[]>`select id, version from incidents`;
    const expected = final.reduce((sum, row) => sum + row.version, 0);
    const messages = await stream.next(expected, 15_000);
    expect(await stream.rest(500)).toEqual([]);
    const changes = messages.map(
      (message) => JSON.parse(message.data) as { incidentId: string; version: number },
    );
    for (const row of final) {
      const versions = changes
        .filter((change) => change.incidentId === row.id)
        .map((change) => change.version);
      expect(versions, `stream of ${row.id}`).toEqual(Array.from({ length: row.version }, (_, i) => i + 1));
    }
    await stream.close();

    const verified = await Promise.all(final.map((row) => call(b, 'GET', `/v1/incidents/${row.id}/verify`)));
    expect(verified.map((answer) => answer.body.ok)).toEqual(final.map(() => true));

    const statuses = outcomes.flatMap((o) => o.statuses);
    const readyz = byWhat('readyz');
    console.log(
      [
        `fault (Postgres restart): down ${((restarting - stoppedAt) / 1000).toFixed(1)} s, ready again ${recoveredMs} ms after it was back, total ${((Date.now() - began) / 1000).toFixed(1)} s`,
        `${probes.length} probes while down (readyz slowest ${Math.max(...readyz.map((r) => r.ms))} ms)`,
        `${outcomes.length} advances (${statuses.filter((s) => s === 503).length} answers 503, retried with their key), ${changes.length} changes streamed`,
      ].join('\n  '),
    );
    await fleet.stopAll();
  }, 180_000);
});
