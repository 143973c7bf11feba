import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLogger, createServices, startServer } from '../../src/main';
import { median, round, runLoad } from './load';
import { ADMIN, adminApi, type BenchTarget } from './target';

export interface AdvanceBenchResult {
  connections: number;
  seconds: number;
  /** Floor 1: a bare Hono route reading a small JSON body and answering JSON. */
  bareHonoPerSecond: number;
  /** Floor 2: the same route doing one single-row versioned UPDATE (postgres.js, pool of 20; or PGlite). */
  updateFloorPerSecond: number;
  /** `POST /v1/incidents/:id/events` on distinct incidents (pool of 20). */
  advancesPerSecond: number;
  /** advances per second ÷ the UPDATE floor. Goal ≥ 0.6. */
  advanceRatio: number;
  latencyP50MsNoHistory: number;
  latencyP50MsWith10000Events: number;
  /** Advance latency with 10,000 prior events ÷ with none. Goal ≤ 1.15. */
  latencyRatio: number;
  /** 50 writers racing on one incident without If-Match: committed events per second, and the refusals. */
  hotIncidentPerSecond: number;
  hotIncidentStatuses: Record<string, number>;
}

const PLAYBOOK = 'credential-stuffing';
/** A situation report: accepted again and again once declared, and it does not grow the incident's context. */
const sitrep = (summary: string) => ({ type: 'sitrep.published', payload: { summary } });

/**
 * Responders advancing incidents on an empty database: throughput on distinct incidents against the floors,
 * latency with a long history against none, and one hot incident.
 */
export async function benchAdvance(
  target: BenchTarget,
  log: (line: string) => void,
): Promise<AdvanceBenchResult> {
  const connections = 50;
  const seconds = Number(process.env.BENCH_ADVANCE_SECONDS ?? 10);
  const floors = await measureFloors(target, connections, seconds);
  log(`bare Hono: ${floors.bare}/s; bare Hono + one versioned UPDATE: ${floors.update}/s`);

  const server = await startServer(target.config, target.database);
  const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const api = adminApi(server.url);
  const open = async () => {
    const now = new Date().toISOString();
    const { id } = (await api('POST', '/v1/incidents', {
      playbookId: PLAYBOOK,
      title: 'Bench',
      input: {
        organisation: { name: 'Bench', country: 'JP' },
        jurisdictions: ['JP'],
        timeZone: 'Asia/Tokyo',
        service: 'online shop',
        detectedAt: now,
        transactional: true,
        report: {
          receivedAt: now,
          channel: 'phone',
          reporter: 'customer',
          claim: 'An order I did not place.',
        },
      },
    })) as { id: string };
    await api('POST', `/v1/incidents/${id}/events`, {
      type: 'incident.declared',
      payload: { rationale: 'Declaration criteria met.' },
    });
    return id;
  };
  try {
    const ids: string[] = [];
    for (let i = 0; i < 500; i += 10) ids.push(...(await Promise.all(Array.from({ length: 10 }, open))));
    const body = JSON.stringify(sitrep('Scope unchanged; next update in 4 h.'));
    const distinct = await runLoad({
      baseUrl: server.url,
      method: 'POST',
      paths: ids.map((id) => `/v1/incidents/${id}/events`),
      headers,
      body,
      connections,
      seconds,
    });
    if (distinct.errors > 0 || Object.keys(distinct.statuses).some((s) => s !== '200')) {
      throw new Error(`advances on distinct incidents failed: ${JSON.stringify(distinct.statuses)}`);
    }
    log(`holdfast advances on distinct incidents: ${distinct.okPerSecond}/s (p50 ${distinct.p50Ms} ms)`);

    const hot = await runLoad({
      baseUrl: server.url,
      method: 'POST',
      paths: [`/v1/incidents/${ids[0]}/events`],
      headers,
      body,
      connections,
      seconds,
    });
    log(`hot incident, 50 racing writers: ${hot.okPerSecond}/s ${JSON.stringify(hot.statuses)}`);

    const fresh = await open();
    const long = await open();
    log('writing 10,000 events to one incident…');
    await writeHistory(target, long, 10_000);
    const latency = await alternatingLatency(server.url, headers, body, fresh, long);
    log(`advance p50: ${latency.none} ms with no history, ${latency.long} ms with 10,000 prior events`);

    return {
      connections,
      seconds,
      bareHonoPerSecond: floors.bare,
      updateFloorPerSecond: floors.update,
      advancesPerSecond: distinct.okPerSecond,
      advanceRatio: round(distinct.okPerSecond / floors.update),
      latencyP50MsNoHistory: latency.none,
      latencyP50MsWith10000Events: latency.long,
      latencyRatio: round(latency.long / latency.none),
      hotIncidentPerSecond: hot.okPerSecond,
      hotIncidentStatuses: hot.statuses,
    };
  } finally {
    await server.close();
  }
}

/** The two floors, on the same HTTP server library and the same load as holdfast's figure. */
async function measureFloors(target: BenchTarget, connections: number, seconds: number) {
  const rowCount = 500;
  const updates = await target.versionedUpdates(rowCount);
  const versions = new Map<number, number>();
  const app = new Hono();
  app.post('/bare/:id', async (c) => c.json({ id: c.req.param('id'), body: await c.req.json() }));
  app.post('/update/:id', async (c) => {
    const id = Number(c.req.param('id'));
    const body = await c.req.json();
    const version = await updates.update(id, versions.get(id) ?? 1);
    if (version === null) return c.json({ error: 'conflict' }, 409);
    versions.set(id, version);
    return c.json({ id, version, body });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const rows = Array.from({ length: rowCount }, (_, i) => i + 1);
  const load = (prefix: string) =>
    runLoad({
      baseUrl,
      method: 'POST',
      paths: rows.map((id) => `${prefix}/${id}`),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sitrep('Scope unchanged; next update in 4 h.')),
      connections,
      seconds,
    });
  try {
    const bare = await load('/bare');
    const update = await load('/update');
    if (update.statuses['409']) throw new Error('the UPDATE floor collided: its rows must stay distinct');
    return { bare: bare.okPerSecond, update: update.okPerSecond };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await updates.close();
  }
}

/** `count` situation reports on one incident, through the engine of a second instance (quicker than HTTP). */
async function writeHistory(target: BenchTarget, id: string, count: number) {
  const { engine } = createServices(target.database, target.config, createLogger('silent'));
  const actor = { id: 'bench', name: 'bench', roles: ['admin'] };
  for (let i = 0; i < count; i++) {
    await engine.applyEvent({ incidentId: id, actor, ...sitrep(`history ${i}`), source: 'api' });
  }
}

/** Sequential advances, alternating between the two incidents so that noise falls on both alike. */
async function alternatingLatency(
  baseUrl: string,
  headers: Record<string, string>,
  body: string,
  none: string,
  long: string,
) {
  const times: Record<string, number[]> = { [none]: [], [long]: [] };
  const advance = (id: string, key: string) =>
    fetch(`${baseUrl}/v1/incidents/${id}/events`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': key },
      body,
    });
  for (let turn = 0; turn < 40; turn++) {
    for (const id of [none, long]) {
      for (let i = 0; i < 10; i++) {
        const key = randomUUID();
        const started = performance.now();
        // A kept-alive socket the server closed while the history was written fails once; the key makes
        // the retry safe. Only the first turn (a warm-up, not counted) can meet one.
        const response = await advance(id, key).catch(() => advance(id, key));
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`advance answered ${response.status}`);
        if (turn > 0) times[id]!.push(performance.now() - started);
      }
    }
  }
  return { none: round(median(times[none]!)), long: round(median(times[long]!)) };
}
