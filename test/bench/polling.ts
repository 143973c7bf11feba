import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { playbooks } from '../../playbooks';
import { PlaybookRegistry } from '../../src/engine';
import { startServer } from '../../src/main';
import { median, round } from './load';
import { adminApi, type BenchApi, type BenchTarget } from './target';

export interface PollingBenchResult {
  connections: number;
  seconds: number;
  bareHonoRequestsPerSecond: number;
  notModifiedPollsPerSecond: number;
  /** 304 polls per second ÷ the bare Hono route: the median over alternating rounds of one run. Goal ≥ 0.5. */
  notModifiedRatio: number;
  sinceP50MsWith10: number;
  sinceP50MsWith10000: number;
  /** `?since` poll cost with 10,000 open incidents ÷ with 10. Goal ≤ 1.5. */
  sinceRatio: number;
}

async function load(url: string, headers: Record<string, string>, connections: number, seconds: number) {
  // The load runs in a worker thread, so the server under test has this thread to itself.
  const result = await autocannon({ url, headers, connections, duration: seconds, workers: 1 });
  if (result.non2xx > 0 && result['3xx'] === 0) throw new Error(`${url}: ${result.non2xx} failed requests`);
  return result.requests.average;
}

/** The floor: a bare Hono route on the same HTTP server library, answering 304 to the same request. */
async function bareHono() {
  const app = new Hono();
  app.get('/v1/incidents/:id', (c) => {
    c.header('ETag', '"1"');
    return c.body(null, 304);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/incidents/x`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Dashboards polling: 304 answers to `If-None-Match` against the bare route, and the cost of a `?since`
 * poll (one changed incident each time) with 10 and with 10,000 open incidents, on an empty database with one
 * holdfast instance.
 */
export async function benchPolling(
  target: BenchTarget,
  log: (line: string) => void,
): Promise<PollingBenchResult> {
  const connections = 50;
  const seconds = Number(process.env.BENCH_POLL_SECONDS ?? 10);
  const floor = await bareHono();

  const server = await startServer(target.config, target.database);
  const api = adminApi(server.url);
  const playbook = new PlaybookRegistry(playbooks).get('credential-stuffing');
  const open = async () => {
    const opened = await api('POST', '/v1/incidents', {
      playbookId: playbook.id,
      title: 'Bench',
      input: playbook.example?.input,
    });
    const id = opened.id as string;
    await api('POST', `/v1/incidents/${id}/events`, {
      type: 'incident.declared',
      payload: { rationale: 'Declaration criteria met.' },
    });
    return settled(id);
  };
  /** The example's deadlines are long past: wait until the timers they set have fired. */
  const settled = async (id: string) => {
    for (let last = -1; ; ) {
      const incident = (await api('GET', `/v1/incidents/${id}`)) as { id: string; version: number };
      if (incident.version === last) return incident;
      last = incident.version;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  try {
    const first = await open();
    // A wall screen's token, as dashboards poll with: read-only, looked up in the database once, then cached.
    const screen = (await api('POST', '/v1/tokens', { name: 'wall-screen', roles: ['observer'] }))
      .token as string;
    // Alternating rounds, so that whatever else the machine is doing falls on the floor and holdfast alike.
    const rounds = 5;
    const bares: number[] = [];
    const ratios: number[] = [];
    let polls = 0;
    for (let turn = 0; turn < rounds; turn++) {
      const bare = await load(floor.url, { 'if-none-match': '"1"' }, connections, seconds / rounds);
      const ours = await load(
        `${server.url}/v1/incidents/${first.id}`,
        { authorization: `Bearer ${screen}`, 'if-none-match': `"${first.version}"` },
        connections,
        seconds / rounds,
      );
      log(`304 polls, round ${turn + 1}: bare Hono ${Math.round(bare)}/s, holdfast ${Math.round(ours)}/s`);
      bares.push(bare);
      ratios.push(ours / bare);
      polls += ours / rounds;
    }
    const bare = bares.reduce((a, b) => a + b, 0) / rounds;

    for (let i = 1; i < 10; i++) await open();
    const ids = ((await api('GET', '/v1/incidents?limit=10')).items as { id: string }[]).map((i) => i.id);
    const sinceWith10 = await sincePollMs(api, ids);
    log(`?since poll with 10 open incidents: p50 ${sinceWith10.toFixed(2)} ms`);

    await cloneIncidents(target, first.id, 9_990);
    const sinceWith10000 = await sincePollMs(api, ids);
    log(`?since poll with 10,000 open incidents: p50 ${sinceWith10000.toFixed(2)} ms`);
    return {
      connections,
      seconds,
      bareHonoRequestsPerSecond: Math.round(bare),
      notModifiedPollsPerSecond: Math.round(polls),
      notModifiedRatio: round(median(ratios)),
      sinceP50MsWith10: round(sinceWith10),
      sinceP50MsWith10000: round(sinceWith10000),
      sinceRatio: round(sinceWith10000 / sinceWith10),
    };
  } finally {
    await floor.close();
    await server.close();
  }
}

/** Median time of a `?since` poll that finds the one incident changed since the previous poll. */
async function sincePollMs(api: BenchApi, ids: string[]): Promise<number> {
  let cursor = (await api('GET', '/v1/incidents?limit=1')).cursor as string;
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const id = ids[i % ids.length]!;
    await api('POST', `/v1/incidents/${id}/events`, {
      type: 'sitrep.published',
      payload: { summary: `poll ${i}` },
    });
    const started = performance.now();
    const answer = await api('GET', `/v1/incidents?since=${cursor}`);
    times.push(performance.now() - started);
    const items = answer.items as { id: string }[];
    if (!items.some((item) => item.id === id)) throw new Error('?since missed the changed incident');
    cursor = answer.cursor as string;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Copies one open incident `count` times in SQL (with fresh ids): many open incidents, quickly. */
async function cloneIncidents(target: BenchTarget, sourceId: string, count: number): Promise<void> {
  await target.database.db.execute(sql`
    insert into incidents (id, playbook_id, playbook_version, title, severity, mode, exercise_id, status,
      overdue, state, snapshot, version, head_hash, clock_now, created_at, updated_at, closed_at)
    select gen_random_uuid(), playbook_id, playbook_version, title || ' ' || g, severity, mode, exercise_id,
      status, overdue, state, snapshot, version, head_hash, clock_now, created_at, updated_at, closed_at
    from incidents, generate_series(1, ${count}) g
    where id = ${sourceId}`);
  await target.database.db.execute(sql`analyze incidents`);
}
