import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PgIncidentStore } from '../../db/store';
import { loadConfig } from '../../src/config';
import { createEngine } from '../../src/engine';
import { createServices } from '../../src/main';
import { actor } from '../support/actors';
import { ADMIN_TOKEN, client, tokenFor, useTestApp } from '../support/http';
import { testKeyring } from '../support/keys';

const app = useTestApp();

/** The value of the one sample of `name` whose labels are exactly `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .sort()
    .map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    if (!match || match[1] !== name) continue;
    const got = (match[2] ?? '').match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [];
    if (got.sort().join(',') === wanted.join(',')) return Number(match[3]);
  }
  return undefined;
}

async function scrape(): Promise<string> {
  const response = await app.services.app.request('/metrics', {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

async function openDrill() {
  const response = await app.admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string };
}

describe('GET /metrics', () => {
  it('needs a token that may see live incidents: none is a 401, facilitator-only a 403', async () => {
    const observer = await tokenFor(app.services, app.admin, 'prometheus', 'observer');
    const facilitator = await tokenFor(app.services, app.admin, 'facilitator', 'facilitator');
    await openDrill();
    const scrapeAs = (token: string | null) => app.admin.request('GET', '/metrics', { token });
    expect((await scrapeAs(null)).status).toBe(401);
    const refused = await scrapeAs(facilitator.token);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain('holdfast_open_incidents');
    const allowed = await scrapeAs(observer.token);
    expect(allowed.status).toBe(200);
    expect(sample(allowed.body, 'holdfast_open_incidents', { playbook: 'drill', mode: 'live' })).toBe(1);
  });

  it('counts requests by route pattern, never by raw path', async () => {
    const incident = await openDrill();
    expect((await app.admin.request('GET', `/v1/incidents/${incident.id}`)).status).toBe(200);
    expect((await app.admin.request('GET', `/v1/incidents/${incident.id}`)).status).toBe(200);
    expect((await app.admin.request('GET', `/v1/incidents/${incident.id}`, { token: null })).status).toBe(
      401,
    );
    expect((await app.admin.request('GET', `/v1/no-such-thing/${incident.id}`)).status).toBe(404);
    // a POST passes the body-limit middleware (registered for POST on every path): still no route of its own
    expect((await app.admin.request('POST', '/v1/no-such-thing', { body: {} })).status).toBe(404);

    const text = await scrape();
    const route = '/v1/incidents/:id';
    expect(sample(text, 'holdfast_http_requests_total', { method: 'GET', route, status: '200' })).toBe(2);
    // refused by the auth middleware, still labelled with the endpoint it aimed at
    expect(sample(text, 'holdfast_http_requests_total', { method: 'GET', route, status: '401' })).toBe(1);
    expect(
      sample(text, 'holdfast_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(
      sample(text, 'holdfast_http_requests_total', { method: 'POST', route: '/v1/incidents', status: '201' }),
    ).toBe(1);
    expect(
      sample(text, 'holdfast_http_requests_total', { method: 'POST', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(sample(text, 'holdfast_http_request_duration_seconds_count', { method: 'GET', route })).toBe(3);
    expect(text).not.toContain(incident.id);
    // prom-client's default process metrics are there too
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts advances by playbook, event and source, and open incidents by playbook and mode', async () => {
    const first = await openDrill();
    await openDrill();
    const note = await app.admin.request('POST', `/v1/incidents/${first.id}/events`, {
      body: { type: 'note.added', payload: { text: 'vendor engaged' } },
    });
    expect(note.status).toBe(200);

    const text = await scrape();
    expect(
      sample(text, 'holdfast_advances_total', { playbook: 'drill', event: 'note.added', source: 'api' }),
    ).toBe(1);
    expect(sample(text, 'holdfast_open_incidents', { playbook: 'drill', mode: 'live' })).toBe(2);
    expect(
      sample(text, 'holdfast_open_incidents', { playbook: 'ransom-demand', mode: 'live' }),
    ).toBeUndefined();
  });

  it('observes timer lag when a due timer fires late', async () => {
    const t0 = Date.parse('2026-03-08T10:00:00.000Z');
    let clock = t0;
    // A second engine on the same database, with a clock the test moves, reporting to the app's metrics.
    const engine = createEngine({
      store: new PgIncidentStore(app.test.database.db),
      registry: app.services.registry,
      now: () => new Date(clock),
      newId: randomUUID,
      keyring: testKeyring(),
      onCommitted: app.services.metrics.observeCommitted,
    });
    const responder = actor('rita', 'responder');
    await engine.startIncident(
      { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 1 }, actor: responder },
      [],
    );
    expect(sample(await scrape(), 'holdfast_timer_lag_seconds_count')).toBe(0);

    clock = t0 + 3_600_000 + 90_000; // the 1 h deadline fires 90 s late
    expect(await engine.fireDueTimers()).toBe(1);

    const text = await scrape();
    expect(sample(text, 'holdfast_timer_lag_seconds_count')).toBe(1);
    expect(sample(text, 'holdfast_timer_lag_seconds_sum')).toBe(90);
    expect(sample(text, 'holdfast_timer_lag_seconds_bucket', { le: '60' })).toBe(0);
    expect(sample(text, 'holdfast_timer_lag_seconds_bucket', { le: '300' })).toBe(1);
    expect(
      sample(text, 'holdfast_advances_total', {
        playbook: 'drill',
        event: 'deadline.passed',
        source: 'timer',
      }),
    ).toBe(1);
  });
});

describe('access log', () => {
  /** The app on the test database with a pino logger writing JSON lines into `lines`. */
  function loggedApp(level: pino.Level = 'info') {
    const lines: string[] = [];
    const logger = pino(
      { level, base: { service: 'holdfast' } },
      { write: (line: string) => lines.push(line) },
    );
    const services = createServices(
      app.test.database,
      loadConfig({ HOLDFAST_ADMIN_TOKEN: ADMIN_TOKEN }, {}),
      logger,
      app.services.registry,
    );
    const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { services, lines, records };
  }

  it('writes one JSON line per request with request id, route, status and token name, never the token', async () => {
    const logged = loggedApp();
    const admin = client(logged.services);
    const alice = await tokenFor(logged.services, admin, 'alice', 'observer');
    const bobSecret = (
      (await admin.request('POST', '/v1/tokens', { body: { name: 'bob', roles: ['observer'] } })).body as {
        token: string;
      }
    ).token;
    const bob = client(logged.services, bobSecret);

    const listed = await alice.request('GET', '/v1/incidents', { headers: { 'X-Request-Id': 'obs-req-1' } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-request-id')).toBe('obs-req-1');
    const missing = await bob.request('GET', `/v1/incidents/${randomUUID()}`);
    expect(missing.status).toBe(404);
    const refused = await admin.request('GET', '/v1/incidents', { token: 'hf_not-a-real-token-0123456789' });
    expect(refused.status).toBe(401);

    const records = logged.records();
    expect(records).toHaveLength(5); // two token creations, then one line for each request above
    expect(records[2]).toMatchObject({
      level: 30,
      service: 'holdfast',
      msg: 'request',
      requestId: 'obs-req-1',
      method: 'GET',
      route: '/v1/incidents',
      status: 200,
      actor: 'alice',
    });
    expect(typeof records[2]!.durationMs).toBe('number');
    expect(records[3]).toMatchObject({
      requestId: missing.headers.get('x-request-id'),
      route: '/v1/incidents/:id',
      status: 404,
      actor: 'bob',
    });
    expect(records[4]).toMatchObject({ route: '/v1/incidents', status: 401 });
    expect(records[4]).not.toHaveProperty('actor');
    expect(records[0]).toMatchObject({ method: 'POST', route: '/v1/tokens', status: 201 });

    const everything = logged.lines.join('');
    expect(everything).not.toContain(ADMIN_TOKEN);
    expect(everything).not.toContain(bobSecret);
    expect(everything).not.toContain('hf_not-a-real-token-0123456789');
    expect(everything).not.toMatch(/authorization|bearer/i);
  });

  it('logs nothing per request below its level (LOG_LEVEL=warn)', async () => {
    const logged = loggedApp('warn');
    expect((await client(logged.services).request('GET', '/v1/incidents')).status).toBe(200);
    expect(logged.lines).toEqual([]);
  });

  it('logs a 5xx at error level, once, with its request id', async () => {
    const down = { ...app.test.database, ping: () => Promise.reject(new Error('database down')) };
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const broken = createServices(down, loadConfig({ HOLDFAST_ADMIN_TOKEN: ADMIN_TOKEN }, {}), logger).app;
    const response = await broken.request('/readyz');
    expect(response.status).toBe(503);
    const records = lines.map((line) => JSON.parse(line));
    expect(records).toEqual([
      expect.objectContaining({
        level: 50,
        requestId: response.headers.get('x-request-id'),
        route: '/readyz',
        status: 503,
      }),
    ]);
    const scraped = await (
      await broken.request('/metrics', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).text();
    expect(
      sample(scraped, 'holdfast_http_requests_total', {
        method: 'GET',
        route: '/readyz',
        status: '503',
      }),
    ).toBe(1);
  });
});
