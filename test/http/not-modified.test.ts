import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createHttpServer, createServices, type Services } from '../../src/main';
import { countPgliteQueries } from '../support/databases';
import { ADMIN_TOKEN, client, tokenFor, useTestApp } from '../support/http';

const app = useTestApp();

/**
 * The real HTTP server (`holdfast serve`'s) on the test database, with a logger writing JSON lines into
 * `lines` and a record of every request that reached the app behind the shortcut.
 */
let server: {
  base: string;
  services: Services;
  lines: Record<string, unknown>[];
  reachedApp: string[];
  close(): Promise<void>;
};

beforeEach(async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const services = createServices(
    app.test.database,
    loadConfig({ HOLDFAST_ADMIN_TOKEN: ADMIN_TOKEN }, {}),
    logger,
    app.services.registry,
  );
  await services.changes.start();
  const reachedApp: string[] = [];
  const fetchApp = services.app.fetch;
  services.app.fetch = (request, ...rest) => {
    reachedApp.push(`${request.method} ${new URL(request.url).pathname}`);
    return fetchApp(request, ...rest);
  };
  const http = createHttpServer(services, logger);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server = {
    base: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    services,
    lines,
    reachedApp,
    close: async () => {
      await new Promise((resolve) => http.close(resolve));
      await services.changes.stop();
    },
  };
});

afterEach(() => server.close());

const get = (path: string, headers: Record<string, string>, method = 'GET') =>
  fetch(`${server.base}${path}`, { method, headers });

async function openDrill(): Promise<{ id: string; etag: string }> {
  const admin = client(server.services);
  const created = await admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, etag: created.headers.get('etag')! };
}

describe('polls answered before the app (the not-modified shortcut)', () => {
  it('answers a known poll with 304, no query and no app, with the headers, metrics and log line of the app', async () => {
    const observer = await tokenFor(server.services, client(server.services), 'wall-screen', 'observer');
    const incident = await openDrill();
    const auth = { authorization: `Bearer ${observer.token}` };
    // The first request authenticates the token through the app (a query), which caches it.
    expect((await get(`/v1/incidents/${incident.id}`, auth)).status).toBe(200);
    server.reachedApp.length = 0;
    server.lines.length = 0;

    const queries = countPgliteQueries(app.test.database);
    const polls = [];
    for (let i = 0; i < 3; i++) {
      polls.push(
        await get(`/v1/incidents/${incident.id}`, {
          ...auth,
          'if-none-match': incident.etag,
          'x-request-id': `board-${i}`,
        }),
      );
    }
    expect(queries.stop()).toBe(0);
    expect(server.reachedApp).toEqual([]);
    for (const [i, poll] of polls.entries()) {
      expect(poll.status).toBe(304);
      expect(poll.headers.get('etag')).toBe(incident.etag);
      expect(poll.headers.get('x-request-id')).toBe(`board-${i}`);
      expect(await poll.text()).toBe('');
    }
    // A request id a caller sends that is not plain is replaced, as the app does.
    const odd = await get(`/v1/incidents/${incident.id}`, {
      ...auth,
      'if-none-match': incident.etag,
      'x-request-id': 'has spaces in it',
    });
    expect(odd.status).toBe(304);
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    expect(server.lines).toEqual(
      ['board-0', 'board-1', 'board-2', odd.headers.get('x-request-id')].map((requestId) =>
        expect.objectContaining({
          level: 30,
          msg: 'request',
          requestId,
          method: 'GET',
          route: '/v1/incidents/:id',
          status: 304,
          actor: 'wall-screen',
          durationMs: expect.any(Number),
        }),
      ),
    );
    const metrics = await (await get('/metrics', auth)).text();
    expect(metrics).toContain(
      'holdfast_http_requests_total{method="GET",route="/v1/incidents/:id",status="304"} 4',
    );
    expect(metrics).toContain(
      'holdfast_http_request_duration_seconds_count{method="GET",route="/v1/incidents/:id"} 5',
    );
  });

  it('sends everything it is not sure of to the app, which answers it in full', async () => {
    const incident = await openDrill();
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const poll = { ...admin, 'if-none-match': incident.etag };
    const facilitator = await tokenFor(server.services, client(server.services), 'fac', 'facilitator');
    const facilitatorAuth = { authorization: `Bearer ${facilitator.token}` };
    // cache the facilitator's token: its refusal below is about the incident, not an unknown token
    expect((await get('/v1/incidents?mode=exercise', facilitatorAuth)).status).toBe(200);
    server.reachedApp.length = 0;

    const answers = {
      // a version it does not name: the incident in full
      stale: await get(`/v1/incidents/${incident.id}`, { ...admin, 'if-none-match': '"999"' }),
      // no If-None-Match at all
      plain: await get(`/v1/incidents/${incident.id}`, admin),
      // no token, a malformed header, a token nobody issued
      anonymous: await get(`/v1/incidents/${incident.id}`, { 'if-none-match': incident.etag }),
      malformed: await get(`/v1/incidents/${incident.id}`, {
        authorization: 'Basic abc',
        'if-none-match': incident.etag,
      }),
      unknown: await get(`/v1/incidents/${incident.id}`, {
        authorization: 'Bearer hf_nobody-issued-this-0123456789',
        'if-none-match': incident.etag,
      }),
      // a facilitator may not see a live incident: 404, never a 304 that would say it exists
      hidden: await get(`/v1/incidents/${incident.id}`, {
        ...facilitatorAuth,
        'if-none-match': incident.etag,
      }),
      // other paths and methods under the same prefix
      query: await get(`/v1/incidents/${incident.id}?x=1`, poll),
      events: await get(`/v1/incidents/${incident.id}/events`, poll),
      notUuid: await get('/v1/incidents/not-a-uuid', poll),
      head: await get(`/v1/incidents/${incident.id}`, poll, 'HEAD'),
    };
    const statuses = Object.fromEntries(Object.entries(answers).map(([name, r]) => [name, r.status]));
    expect(statuses).toEqual({
      stale: 200,
      plain: 200,
      anonymous: 401,
      malformed: 401,
      unknown: 401,
      hidden: 404,
      query: 304, // the app's own route (the query is ignored there), after a look at the version cache
      events: 200,
      notUuid: 404,
      head: 304,
    });
    expect(((await answers.stale.json()) as { id: string }).id).toBe(incident.id);
    expect(server.reachedApp).toHaveLength(Object.keys(answers).length);
    for (const answer of Object.values(answers)) {
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('stops answering for a revoked token and for a changed incident at once', async () => {
    const adminClient = client(server.services);
    const created = await adminClient.request('POST', '/v1/tokens', {
      body: { name: 'screen', roles: ['observer'] },
    });
    const auth = { authorization: `Bearer ${created.body.token}` };
    const incident = await openDrill();
    const poll = () => get(`/v1/incidents/${incident.id}`, { ...auth, 'if-none-match': incident.etag });
    expect((await poll()).status).toBe(304); // through the app: the token was not cached yet
    expect((await poll()).status).toBe(304);

    const changed = await adminClient.request('POST', `/v1/incidents/${incident.id}/events`, {
      body: { type: 'note.added', payload: { text: 'changed' } },
    });
    expect(changed.status).toBe(200);
    const afterChange = await poll();
    expect(afterChange.status).toBe(200);
    expect(afterChange.headers.get('etag')).toBe('"2"');

    expect((await adminClient.request('DELETE', `/v1/tokens/${created.body.id}`)).status).toBe(200);
    server.reachedApp.length = 0;
    const afterRevoke = await get(`/v1/incidents/${incident.id}`, { ...auth, 'if-none-match': '"2"' });
    expect(afterRevoke.status).toBe(401);
    expect(server.reachedApp).toEqual([`GET /v1/incidents/${incident.id}`]);
  });

  it('hands the request to the app when the shortcut itself fails, and logs why', async () => {
    const incident = await openDrill();
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'if-none-match': incident.etag };
    server.services.answerKnownPoll = () => {
      throw new Error('shortcut broke');
    };
    const answer = await get(`/v1/incidents/${incident.id}`, auth);
    expect(answer.status).toBe(304);
    expect(server.reachedApp).toContain(`GET /v1/incidents/${incident.id}`);
    expect(server.lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'the not-modified shortcut failed; the app answers instead',
        err: expect.objectContaining({ message: 'shortcut broke' }),
      }),
    );
  });
});
