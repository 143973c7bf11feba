import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, TEST_DATABASE_URL } from '../support/databases';
import {
  ADMIN,
  type Answer,
  call,
  checkLog,
  evidenceEvent,
  Fleet,
  openIncident,
  openSql,
  overdueTimers,
  type Sql,
  serveEnv,
  startLoad,
  timerFires,
} from '../support/fault';
import { killAll, sleep, waitFor } from '../support/processes';
import { sseReader } from '../support/sse';

/**
 * Three `holdfast serve` processes on one Postgres database and no proxy: clients spread their requests
 * over all three, as they would behind DNS round robin.
 */
if (!TEST_DATABASE_URL) console.warn('scale-out suite skipped: TEST_DATABASE_URL is not set');

describe.skipIf(!TEST_DATABASE_URL)('scale-out: three instances on one Postgres, no proxy', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let sql: Sql;
  let fleet: Fleet;
  const server = (i: number) => fleet.url(i % 3);

  beforeAll(async () => {
    scratch = await createScratchPostgres();
    sql = openSql(scratch.url);
    fleet = new Fleet(serveEnv(scratch.url));
    await fleet.start(3);
  });
  afterAll(async () => {
    await fleet?.stopAll().catch(() => {});
    killAll();
    await sql?.end();
    await scratch?.drop();
  });

  it('hot incident: 50 writers over three instances; each 200 is one event, seqs gap-free, losers get 412', async () => {
    const incident = await openIncident(server(0), 'Hot', Date.now() + 3_600_000);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(server(i), 'POST', `/v1/incidents/${incident.id}/events`, {
          body: evidenceEvent(`hot-${i}`),
          // Half say which version they saw; the others let the server re-read and retry.
          headers: i % 2 === 0 ? { 'if-match': '"1"' } : {},
        }).then((answer) => ({ i, answer })),
      ),
    );
    const won = answers.filter(({ answer }) => answer.status === 200);
    const lost = answers.filter(({ answer }) => answer.status !== 200);
    for (const { answer } of lost) {
      expect({ status: answer.status, code: answer.body?.code }).toEqual({
        status: 412,
        code: 'version_mismatch',
      });
    }
    expect(won.length).toBeGreaterThan(1);
    expect(
      won.filter(({ i }) => i % 2 === 0).length,
      'two writers won with If-Match "1"',
    ).toBeLessThanOrEqual(1);
    const seqs = won.map(({ answer }) => answer.body.event.seq as number).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: won.length }, (_, i) => i + 2));

    const events = await sql<{ seq: number; location: string | null }[]>`
      select seq, payload->>'location' as location from incident_events
      where incident_id = ${incident.id} order by seq`;
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: won.length + 1 }, (_, i) => i + 1));
    const bySeq = new Map(events.map((event) => [event.seq, event.location]));
    for (const { i, answer } of won) {
      expect(bySeq.get(answer.body.event.seq)).toBe(evidenceEvent(`hot-${i}`).payload.location);
    }
    const read = await call(server(2), 'GET', `/v1/incidents/${incident.id}`);
    expect(read.body.version).toBe(won.length + 1);
    expect((await call(server(1), 'GET', `/v1/incidents/${incident.id}/verify`)).body.ok).toBe(true);
  });

  it('concurrent repeats of one Idempotency-Key on three instances produce exactly one event', async () => {
    const incident = await openIncident(server(1), 'Repeats', Date.now() + 3_600_000);
    const answers = await Promise.all(
      Array.from({ length: 18 }, (_, i) =>
        call(server(i), 'POST', `/v1/incidents/${incident.id}/events`, {
          body: evidenceEvent('repeated'),
          headers: { 'idempotency-key': 'one-key-three-instances' },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((answer) => answer.body.event.seq))).toEqual(new Set([2]));
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from incident_events where incident_id = ${incident.id}`;
    expect(row!.n).toBe(2);
  });

  it('timers due at one instant fire exactly once although three workers compete, amid writes', async () => {
    const dueAt = Math.ceil(Date.now() / 1000) * 1000 + 8000;
    const opened = await Promise.all(
      Array.from({ length: 30 }, (_, i) => openIncident(server(i), `Timer ${i}`, dueAt)),
    );
    expect(Date.now(), 'opening took longer than planned').toBeLessThan(dueAt - 1000);
    // Writers on the same incidents around the due instant: the API and the timer workers take the same locks.
    await sleep(Math.max(0, dueAt - 1500 - Date.now()));
    const load = startLoad({
      incidents: opened.map((incident) => incident.id),
      servers: () => fleet.urls(),
      workers: 6,
      deadlineMs: 15_000,
    });
    await sleep(Math.max(0, dueAt + 2000 - Date.now()));
    const outcomes = await load.stop();
    await waitFor(
      async () => ((await overdueTimers(sql, 0)) === 0 ? true : undefined),
      30_000,
      'every due timer to fire',
    );
    await sleep(2500);

    const fires = await timerFires(sql);
    expect(fires.filter((fire) => fire.n !== 1)).toEqual([]);
    const due = new Date(dueAt).toISOString();
    for (const incident of opened) {
      expect(incident.dueAt).toBe(due);
      const fired = fires.filter((fire) => fire.incidentId === incident.id);
      expect(fired.map((fire) => [fire.timer, fire.dueAt])).toEqual([[incident.timerId, due]]);
      // Logged at its due time, or at a write that the API logged first, a moment later: never earlier.
      expect(Date.parse(fired[0]!.occurredAt) - dueAt).toBeGreaterThanOrEqual(0);
      expect(Date.parse(fired[0]!.occurredAt) - dueAt).toBeLessThan(5000);
    }
    expect(outcomes.filter((o) => o.failure).map((o) => o.failure)).toEqual([]);
    expect(load.hangs).toEqual([]);
    const problems = await checkLog(
      sql,
      outcomes,
      opened.map((incident) => incident.id),
    );
    expect(problems.badAdvances).toEqual([]);
    expect(problems.extraEvents).toBe(0);
    expect(problems.badVersions).toEqual([]);
    console.log(
      `scale-out timers: 30 fired once each; ${outcomes.length} writes on the same incidents meanwhile`,
    );
  });

  it('SSE fan-out: a stream on each instance gets every change written through any instance, in one order', async () => {
    const streams = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const response = await fetch(`${server(i)}/v1/stream`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        expect(response.status).toBe(200);
        const stream = sseReader(response);
        await stream.comment('connected');
        return stream;
      }),
    );
    const incidents = await Promise.all(
      [0, 1, 2].map((i) => openIncident(server(i), `Fan-out ${i}`, Date.now() + 3_600_000)),
    );
    // 6 clients, 10 writes each, every write through a random instance to a random incident.
    const write = async (client: number, n: number): Promise<void> => {
      const incident = incidents[Math.floor(Math.random() * incidents.length)]!;
      for (let attempt = 0; attempt < 20; attempt++) {
        const answer: Answer = await call(
          server(Math.floor(Math.random() * 3)),
          'POST',
          `/v1/incidents/${incident.id}/events`,
          {
            body: evidenceEvent(`fan-${client}-${n}`),
            headers: { 'idempotency-key': `fan-${client}-${n}` },
          },
        );
        if (answer.status === 200) return;
        expect(answer.status).toBe(412);
      }
      throw new Error(`fan-${client}-${n} never got a 200`);
    };
    await Promise.all(
      Array.from({ length: 6 }, async (_, client) => {
        for (let n = 0; n < 10; n++) await write(client, n);
      }),
    );
    const ids = incidents.map((incident) => incident.id);
    const final = await sql<{ id: string; version: number }[]>`
      select id, version from incidents where id in ${sql(ids)}`;
    const expected = final.reduce((sum, row) => sum + row.version, 0);
    expect(expected).toBe(3 + 60);

    const received = await Promise.all(streams.map((stream) => stream.next(expected, 15_000)));
    const extra = await Promise.all(streams.map((stream) => stream.rest(500)));
    expect(extra.map((messages) => messages.length)).toEqual([0, 0, 0]);
    const orders = received.map((messages) =>
      messages.map((message) => {
        const change = JSON.parse(message.data) as { incidentId: string; version: number };
        return `${message.id} ${change.incidentId} v${change.version}`;
      }),
    );
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    for (const row of final) {
      const versions = received[0]!
        .map((message) => JSON.parse(message.data) as { incidentId: string; version: number })
        .filter((change) => change.incidentId === row.id)
        .map((change) => change.version);
      expect(versions, `stream of ${row.id}`).toEqual(Array.from({ length: row.version }, (_, i) => i + 1));
    }
    const cursors = received[0]!.map((message) => message.id!.split('.').map(Number) as [number, number]);
    for (let i = 1; i < cursors.length; i++) {
      const [x0, s0] = cursors[i - 1]!;
      const [x1, s1] = cursors[i]!;
      expect(x1 > x0 || (x1 === x0 && s1 > s0), `cursor order at ${i}`).toBe(true);
    }
    await Promise.all(streams.map((stream) => stream.close()));
  });
});
