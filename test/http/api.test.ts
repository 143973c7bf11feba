import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jjMedsInput } from '../fixtures/jj-meds';
import { type Client, client, tokenFor as newToken, type Response, useTestApp } from '../support/http';

const app = useTestApp({ HOLDFAST_BODY_LIMIT_BYTES: 4096 });

const tokenFor = (name: string, ...roles: string[]) => newToken(app.services, app.admin, name, ...roles);

async function openDrill(as: Client = app.admin) {
  const response = await as.request('POST', '/v1/incidents', {
    body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number };
}

/** Counts of every table: a rejected request must leave them all as they were. */
async function tableCounts() {
  const result = await app.test.database.db.execute(
    sql`select (select count(*) from incidents)::int as incidents, (select count(*) from incident_events)::int as events,
               (select count(*) from incident_checkpoints)::int as checkpoints, (select count(*) from timers)::int as timers, (select count(*) from tokens)::int as tokens,
               (select coalesce(sum(version), 0) from incidents)::int as versions`,
  );
  return (result as unknown as { rows: unknown[] }).rows[0];
}

function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, code });
  expect(typeof response.body.detail).toBe('string');
  expect(response.body.detail.length).toBeGreaterThan(0);
}

describe('health, docs and request ids', () => {
  it('answers healthz and readyz without a token, with X-Request-Id', async () => {
    const health = await app.admin.request('GET', '/healthz', { token: null });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/.+/);
    expect((await app.admin.request('GET', '/readyz', { token: null })).body).toEqual({
      ok: true,
      database: 'ok',
    });
  });

  it('serves an OpenAPI 3.1 document listing the v1 endpoints, and a docs page', async () => {
    const doc = await app.admin.request('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/playbooks',
        '/v1/playbooks/{id}',
        '/v1/incidents',
        '/v1/incidents/{id}',
        '/v1/incidents/{id}/events',
        '/v1/incidents/{id}/simulate',
        '/v1/incidents/{id}/verify',
        '/v1/tokens',
        '/v1/tokens/{id}',
      ]),
    );
    expect(doc.body.components.schemas.Incident.properties.allowedEvents).toBeDefined();
    const page = await app.services.app.request('/docs');
    expect(await page.text()).toContain('/openapi.json');
    const asset = await app.services.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
  });

  it("puts X-Request-Id on every answer over a real socket too, where it is set on Node's response", async () => {
    const incident = await openDrill();
    const server = serve({ fetch: app.services.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = { authorization: `Bearer ${app.admin.token}` };
    try {
      const read = await fetch(`${base}/v1/incidents/${incident.id}`, { headers: auth });
      expect(read.status).toBe(200);
      expect(read.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const etag = read.headers.get('etag')!;
      // the cached 304 (no query) and an error keep the header; a caller's own plain id is echoed
      const poll = await fetch(`${base}/v1/incidents/${incident.id}`, {
        headers: { ...auth, 'if-none-match': etag, 'x-request-id': 'board-7' },
      });
      expect(poll.status).toBe(304);
      expect(poll.headers.get('etag')).toBe(etag);
      expect(poll.headers.get('x-request-id')).toBe('board-7');
      const missing = await fetch(`${base}/nowhere`, {
        headers: { 'x-request-id': 'bad id with spaces' },
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(missing.headers.get('x-request-id')).not.toBe(read.headers.get('x-request-id'));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('routes with the RegExpRouter (no route pattern makes Hono fall back to the slower TrieRouter)', async () => {
    await app.admin.request('GET', '/healthz', { token: null });
    expect(app.services.app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('puts X-Request-Id on errors too', async () => {
    const response = await app.admin.request('GET', '/v1/nothing-here');
    expectProblem(response, 404, 'not_found');
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
  });
});

describe('auth and tokens', () => {
  it('refuses a missing or unknown token with 401', async () => {
    expectProblem(await app.admin.request('GET', '/v1/incidents', { token: null }), 401, 'unauthorized');
    expectProblem(
      await app.admin.request('GET', '/v1/incidents', { token: 'hf_not-a-real-token' }),
      401,
      'unauthorized',
    );
  });

  it('creates a token whose secret is shown once, lists tokens without secrets, and revokes at once', async () => {
    const created = await app.admin.request('POST', '/v1/tokens', {
      body: { name: 'olga', roles: ['observer'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^hf_/);
    const observer = client(app.services, created.body.token);
    expect((await observer.request('GET', '/v1/incidents')).status).toBe(200);
    const listed = await app.admin.request('GET', '/v1/tokens');
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['olga']);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect((await app.admin.request('DELETE', `/v1/tokens/${created.body.id}`)).body.revokedAt).toBeTruthy();
    expectProblem(await observer.request('GET', '/v1/incidents'), 401, 'unauthorized');
  });

  it('stores only a hash of the secret', async () => {
    const created = await app.admin.request('POST', '/v1/tokens', {
      body: { name: 'h', roles: ['observer'] },
    });
    const dump = JSON.stringify(await app.test.database.db.execute(sql`select * from tokens`));
    expect(dump).not.toContain(created.body.token);
  });

  it('refuses unknown roles, look-alike and reserved names and non-admin callers', async () => {
    const before = await tableCounts();
    expectProblem(
      await app.admin.request('POST', '/v1/tokens', { body: { name: 'x', roles: ['wizard'] } }),
      400,
      'invalid_request',
    );
    const observer = await tokenFor('dana', 'observer');
    for (const name of [
      'Dana',
      'DANA',
      'dana\u200b',
      'da\u00adna',
      'dana\u0007',
      'da\u2028na',
      'da\u200dna',
    ]) {
      const refused = await app.admin.request('POST', '/v1/tokens', { body: { name, roles: ['observer'] } });
      expectProblem(refused, 400, 'invalid_request');
    }
    for (const name of [
      'timer',
      'Timer',
      'system',
      'holdfast',
      'holdfast:timer',
      'admin (HOLDFAST_ADMIN_TOKEN)',
      'Admin(x)',
      'simcell',
    ]) {
      const refused = await app.admin.request('POST', '/v1/tokens', { body: { name, roles: ['observer'] } });
      expectProblem(refused, 400, 'invalid_request');
      expect(refused.body.detail).toContain('reserved');
    }
    expectProblem(
      await observer.request('POST', '/v1/tokens', { body: { name: 'y', roles: ['admin'] } }),
      403,
      'forbidden',
    );
    expectProblem(await observer.request('GET', '/v1/tokens'), 403, 'forbidden');
    expect((await tableCounts()) as { tokens: number }).toMatchObject({
      tokens: (before as { tokens: number }).tokens + 1,
    });
  });

  it('re-issues a token under an existing name to the same principal, of the kind it was created with', async () => {
    const first = await app.admin.request('POST', '/v1/tokens', {
      body: { name: 'alice', roles: ['observer'] },
    });
    expect(first.status).toBe(201);
    expect(first.body.principal).toMatchObject({ name: 'alice', kind: 'person' });
    // NFKC: the full-width spelling is the same name.
    const again = await app.admin.request('POST', '/v1/tokens', {
      body: { name: '\uff41lice', roles: ['lead'] },
    });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ name: 'alice', principalId: first.body.principalId, roles: ['lead'] });
    expect(again.body.id).not.toBe(first.body.id);
    expectProblem(
      await app.admin.request('POST', '/v1/tokens', {
        body: { name: 'alice', roles: ['lead'], kind: 'service' },
      }),
      400,
      'invalid_request',
    );
    const ci = await app.admin.request('POST', '/v1/tokens', {
      body: { name: 'ci pipeline', roles: ['observer'], kind: 'service' },
    });
    expect(ci.body.principal).toMatchObject({ name: 'ci pipeline', kind: 'service' });
  });

  it('lets an observer read but not write', async () => {
    const incident = await openDrill();
    const observer = await tokenFor('olga', 'observer');
    expect((await observer.request('GET', `/v1/incidents/${incident.id}`)).status).toBe(200);
    expectProblem(
      await observer.request('POST', '/v1/incidents', { body: { playbookId: 'drill', title: 'x' } }),
      403,
      'forbidden',
    );
    const before = await tableCounts();
    expectProblem(
      await observer.request('POST', `/v1/incidents/${incident.id}/events`, {
        body: { type: 'note.added', payload: { text: 'x' } },
      }),
      403,
      'forbidden',
    );
    expect(await tableCounts()).toEqual(before);
  });

  it('keeps facilitator tokens away from live incidents', async () => {
    const incident = await openDrill();
    const facilitator = await tokenFor('fay', 'facilitator');
    // Not found, like an id that does not exist: a facilitator does not learn that the incident exists.
    expectProblem(await facilitator.request('GET', `/v1/incidents/${incident.id}`), 404, 'not_found');
    expectProblem(await facilitator.request('GET', '/v1/incidents?mode=live'), 403, 'forbidden');
    // Without a mode, a facilitator's listing is its exercises (as its streams are), not a refusal.
    const listing = await facilitator.request('GET', '/v1/incidents');
    expect(listing.status).toBe(200);
    expect(listing.body.items).toEqual([]);
    expect((await facilitator.request('GET', '/v1/incidents?mode=exercise')).body.items).toEqual([]);
  });
});

describe('facilitator tokens on live incidents', () => {
  it('are refused on every incident path and change nothing', async () => {
    const incident = await openDrill();
    const facilitator = await tokenFor('fay', 'facilitator');
    const before = await tableCounts();
    const body = { type: 'note.added', payload: { text: 'x' } };
    expectProblem(
      await facilitator.request('POST', `/v1/incidents/${incident.id}/events`, { body }),
      404,
      'not_found',
    );
    expectProblem(
      await facilitator.request('POST', `/v1/incidents/${incident.id}/simulate`, { body }),
      404,
      'not_found',
    );
    expectProblem(await facilitator.request('GET', `/v1/incidents/${incident.id}/events`), 404, 'not_found');
    expectProblem(await facilitator.request('GET', `/v1/incidents/${incident.id}/verify`), 404, 'not_found');
    expect(await tableCounts()).toEqual(before);
  });
});

describe('incidents over HTTP', () => {
  it('creates with 201, Location and ETag, and answers If-None-Match with 304', async () => {
    const created = await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'drill', title: 'Drill' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/incidents/${created.body.id}`);
    const got = await app.admin.request('GET', `/v1/incidents/${created.body.id}`);
    expect(got.headers.get('etag')).toBe('"1"');
    const notModified = await app.admin.request('GET', `/v1/incidents/${created.body.id}`, {
      headers: { 'if-none-match': '"1"' },
    });
    expect(notModified.status).toBe(304);
    await app.admin.request('POST', `/v1/incidents/${created.body.id}/events`, {
      body: { type: 'note.added', payload: { text: 'x' } },
    });
    expect(
      (
        await app.admin.request('GET', `/v1/incidents/${created.body.id}`, {
          headers: { 'if-none-match': '"1"' },
        })
      ).status,
    ).toBe(200);
  });

  it('lists with filters and an ETag that changes when an incident does', async () => {
    const a = await openDrill();
    await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'JJ', input: jjInput },
    });
    const all = await app.admin.request('GET', '/v1/incidents');
    expect(all.body.items).toHaveLength(2);
    expect(all.body.cursor).toMatch(/^\d+\.\d+$/);
    const drills = await app.admin.request('GET', '/v1/incidents?playbookId=drill&status=open');
    expect(drills.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect((await app.admin.request('GET', '/v1/incidents?mode=exercise')).body.items).toEqual([]);
    const etag = all.headers.get('etag')!;
    expect(
      (await app.admin.request('GET', '/v1/incidents', { headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
    await app.admin.request('POST', `/v1/incidents/${a.id}/events`, {
      body: { type: 'note.added', payload: { text: 'x' } },
    });
    expect(
      (await app.admin.request('GET', '/v1/incidents', { headers: { 'if-none-match': etag } })).status,
    ).toBe(200);
    expectProblem(await app.admin.request('GET', '/v1/incidents?status=sideways'), 400, 'invalid_request');
  });

  it('applies an event, replays an Idempotency-Key, and refuses the key with another body (422)', async () => {
    const incident = await openDrill();
    const send = (text: string) =>
      app.admin.request('POST', `/v1/incidents/${incident.id}/events`, {
        body: { type: 'note.added', payload: { text } },
        headers: { 'idempotency-key': 'abc-123' },
      });
    const first = await send('one');
    expect(first.status).toBe(200);
    expect(first.body.event).toMatchObject({
      seq: 2,
      type: 'note.added',
      actor: 'admin (HOLDFAST_ADMIN_TOKEN)',
    });
    const again = await send('one');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.event.seq).toBe(2);
    expectProblem(await send('two'), 422, 'idempotency_conflict');
    expect((await app.admin.request('GET', `/v1/incidents/${incident.id}/events`)).body.items).toHaveLength(
      2,
    );
  });

  it('lists events after a seq, and verifies the chain', async () => {
    const incident = await openDrill();
    for (const text of ['a', 'b', 'c']) {
      await app.admin.request('POST', `/v1/incidents/${incident.id}/events`, {
        body: { type: 'note.added', payload: { text } },
      });
    }
    const page = await app.admin.request('GET', `/v1/incidents/${incident.id}/events?after=2&limit=1`);
    expect(page.body.items.map((e: { seq: number }) => e.seq)).toEqual([3]);
    const verify = await app.admin.request('GET', `/v1/incidents/${incident.id}/verify`);
    expect(verify.body).toMatchObject({ ok: true, events: 4 });
  });

  it('simulates without writing', async () => {
    const incident = await openDrill();
    const before = await tableCounts();
    const simulated = await app.admin.request('POST', `/v1/incidents/${incident.id}/simulate`, {
      body: { type: 'work.started' },
    });
    expect(simulated.status).toBe(200);
    expect(simulated.body.state).toMatchObject({ work: 'started' });
    expect(simulated.body.timersSet[0]).toMatchObject({ timerId: 'reminder', label: 'Work reminder (1 h)' });
    expect(await tableCounts()).toEqual(before);
  });
});

const jjInput = jjMedsInput();

describe('bad input gets a problem+json 4xx and changes nothing', () => {
  it.each([
    ['malformed JSON', { rawBody: '{"type": "note.added", ' }, 400, 'invalid_request'],
    ['a body that is not an object', { rawBody: '[1,2,3]' }, 400, 'invalid_request'],
    [
      'an unknown field',
      { body: { type: 'note.added', payload: { text: 'x' }, extra: 1 } },
      400,
      'invalid_request',
    ],
    ['an unknown event', { body: { type: 'nothing.happened' } }, 400, 'invalid_request'],
    ['an event not allowed now', { body: { type: 'work.finished' } }, 409, 'event_not_allowed'],
    [
      'a payload failing its schema',
      { body: { type: 'note.added', payload: { text: 42 } } },
      400,
      'invalid_request',
    ],
    [
      'a NUL character',
      { body: { type: 'note.added', payload: { text: 'a\u0000b' } } },
      400,
      'invalid_request',
    ],
    [
      'an unpaired surrogate',
      { rawBody: '{"type":"note.added","payload":{"text":"\\ud800"}}' },
      400,
      'invalid_request',
    ],
    [
      'an oversized body',
      { body: { type: 'note.added', payload: { text: 'x'.repeat(10_000) } } },
      413,
      'payload_too_large',
    ],
    [
      'a stale If-Match',
      { body: { type: 'note.added', payload: { text: 'x' } }, headers: { 'if-match': '"7"' } },
      412,
      'version_mismatch',
    ],
    [
      'a garbled If-Match',
      { body: { type: 'note.added', payload: { text: 'x' } }, headers: { 'if-match': 'soon' } },
      400,
      'invalid_request',
    ],
    [
      'a bad Idempotency-Key',
      { body: { type: 'note.added', payload: { text: 'x' } }, headers: { 'idempotency-key': 'has space' } },
      400,
      'invalid_request',
    ],
    [
      'a missing token',
      { body: { type: 'note.added', payload: { text: 'x' } }, token: null },
      401,
      'unauthorized',
    ],
  ] as const)('%s', async (_label, options, status, code) => {
    const incident = await openDrill();
    const before = await tableCounts();
    const response = await app.admin.request('POST', `/v1/incidents/${incident.id}/events`, options as never);
    expectProblem(response, status, code);
    expect(await tableCounts()).toEqual(before);
  });

  it('a wrong role gets 403 with the roles that may send it', async () => {
    const incident = await openDrill();
    const lead = await tokenFor('lee', 'lead');
    const before = await tableCounts();
    const response = await lead.request('POST', `/v1/incidents/${incident.id}/events`, {
      body: { type: 'work.started' },
    });
    expectProblem(response, 403, 'forbidden');
    expect(response.body.roles).toEqual(['responder']);
    expect(await tableCounts()).toEqual(before);
  });

  it('an event not allowed now lists the allowed events', async () => {
    const incident = await openDrill();
    const response = await app.admin.request('POST', `/v1/incidents/${incident.id}/events`, {
      body: { type: 'work.finished' },
    });
    expect(response.body.allowedEvents.map((e: { type: string }) => e.type)).toContain('work.started');
  });

  it.each(['not-a-uuid', '00000000-0000-4000-8000-000000000000'])(
    'an unknown incident id (%s) is 404',
    async (id) => {
      const before = await tableCounts();
      expectProblem(await app.admin.request('GET', `/v1/incidents/${id}`), 404, 'not_found');
      expectProblem(
        await app.admin.request('POST', `/v1/incidents/${id}/events`, { body: { type: 'note.added' } }),
        404,
        'not_found',
      );
      expect(await tableCounts()).toEqual(before);
    },
  );

  it('a closed incident refuses events with incident_closed', async () => {
    const incident = await openDrill();
    const post = (type: string, payload: object = {}, as = app.admin) =>
      as.request('POST', `/v1/incidents/${incident.id}/events`, { body: { type, payload } });
    const lead = await tokenFor('lee', 'lead');
    await post('work.started');
    await post('work.finished');
    await post('change.approved', { rationale: 'first look' });
    const closed = await post('change.confirmed', { rationale: 'second look' }, lead);
    expect(closed.body.incident.status).toBe('closed');
    expectProblem(await post('note.added', { text: 'x' }), 409, 'incident_closed');
  });

  it('an unknown playbook or invalid input when opening is refused', async () => {
    const before = await tableCounts();
    expectProblem(
      await app.admin.request('POST', '/v1/incidents', { body: { playbookId: 'nope', title: 'x' } }),
      404,
      'not_found',
    );
    const bad = await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'x', input: { demand: { amount: -5 } } },
    });
    expectProblem(bad, 400, 'invalid_request');
    expect(bad.body.errors.length).toBeGreaterThan(0);
    expectProblem(
      await app.admin.request('POST', '/v1/incidents', { body: { playbookId: 'drill' } }),
      400,
      'invalid_request',
    );
    expect(await tableCounts()).toEqual(before);
  });
});
