import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgTokenStore } from '../../db/store';
import { hashSecret } from '../../src/engine';
import { openTestPglite, type TestDatabase } from '../support/databases';
import { ADMIN_TOKEN, type Client, client, type Services, testServices } from '../support/http';
import {
  type Caller,
  type CellRequest,
  callers,
  cellName,
  drillScenario,
  expectedStatus,
  type Fixtures,
  type Mode,
  openingInput,
  playbookRoles,
  type Row,
  registry,
  table,
} from '../support/permission-table';

/**
 * The permission matrix: every row of `test/support/permission-table.ts` × every caller, each cell a real
 * request through the app on one PGlite database shared by the file. Cells that may write get fresh
 * incidents, exercises or tokens; every other POST or DELETE cell must leave the database as it was.
 */

const ctx = {} as {
  test: TestDatabase;
  services: Services;
  admin: Client;
  /** Bearer secrets by caller label. */
  secrets: Map<string, string>;
  liveIds: Set<string>;
};

const setupActor = { id: 'matrix-setup', name: 'matrix setup', roles: ['admin'] };
let names = 0;
const shared = new Map<string, Promise<unknown>>();

/** The database state as last read, while nothing can have changed it since (see `databaseState`). */
let knownState: unknown = null;

async function openIncident(mode: Mode, playbookId: string) {
  knownState = null;
  const incident = await ctx.services.engine.startIncident(
    {
      playbookId,
      title: `Matrix ${mode} ${playbookId}`,
      input: openingInput(playbookId),
      actor: setupActor,
      mode,
    },
    setupActor.roles,
  );
  if (mode === 'live') ctx.liveIds.add(incident.id);
  return { id: incident.id, version: incident.version };
}

async function startExercise() {
  knownState = null;
  const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario: drillScenario } });
  if (started.status !== 201) throw new Error(`exercise: ${JSON.stringify(started.body)}`);
  return { id: started.body.id as string, incidentId: started.body.incidentId as string };
}

async function newToken(roles: string[], name = `matrix-${++names}`) {
  knownState = null;
  const created = await ctx.admin.request('POST', '/v1/tokens', { body: { name, roles } });
  if (created.status !== 201) throw new Error(`token ${name}: ${JSON.stringify(created.body)}`);
  return created.body as { id: string; principalId: string; token: string };
}

async function newWebhook() {
  knownState = null;
  const created = await ctx.admin.request('POST', '/v1/webhooks', {
    body: { url: 'https://hooks.example.com/matrix' },
  });
  if (created.status !== 201) throw new Error(`webhook: ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

function fixtures(fresh: boolean): Fixtures {
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    if (fresh) return make();
    if (!shared.has(key)) shared.set(key, make());
    return shared.get(key) as Promise<T>;
  };
  return {
    incident: (mode, playbookId = 'drill') =>
      once(`incident ${mode} ${playbookId}`, () => openIncident(mode, playbookId)),
    exercise: () => once('exercise', startExercise),
    token: () => once('token', async () => (await newToken(['observer'])).id),
    name: () => `matrix-${++names}`,
    webhook: () => once('webhook', newWebhook),
  };
}

function authorization(caller: Caller): string | undefined {
  switch (caller.kind) {
    case 'anonymous':
      return undefined;
    case 'malformed':
      // The right secret under the wrong scheme.
      return `Basic ${ADMIN_TOKEN}`;
    case 'unknown':
      return 'Bearer hf_this-token-was-never-issued-0123456789';
    case 'env-admin':
      return `Bearer ${ADMIN_TOKEN}`;
    default:
      return `Bearer ${ctx.secrets.get(caller.label)}`;
  }
}

/** Everything a refused request could have changed. */
async function databaseState() {
  const result = await ctx.test.database.db.execute(
    sql`select (select count(*) from incidents)::int as incidents,
               (select count(*) from incident_events)::int as events,
               (select count(*) from incident_checkpoints)::int as checkpoints,
               (select count(*) from timers)::int as timers,
               (select coalesce(sum(change_seq), 0) from incidents)::text as "changeSeqs",
               (select count(*) from tokens)::int as tokens,
               (select count(*) from tokens where revoked_at is not null)::int as revoked,
               (select count(*) from exercises)::int as exercises,
               (select count(*) from exercises where status = 'finished')::int as finished`,
  );
  return (result as unknown as { rows: unknown[] }).rows[0];
}

const codeOf: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'event_not_allowed',
};

async function send(row: Row, request: CellRequest, caller: Caller) {
  const headers: Record<string, string> = { ...request.headers };
  const auth = authorization(caller);
  if (auth) headers.authorization = auth;
  let body: string | undefined;
  if (request.rawBody !== undefined) body = request.rawBody;
  else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const response = await ctx.services.app.request(request.path, { method: row.method, headers, body });
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    // Open for this caller: the first thing a stream says, then hang up.
    const reader = response.body!.getReader();
    const first = await reader.read();
    await reader.cancel();
    return { response, type, text: new TextDecoder().decode(first.value), json: undefined };
  }
  const text = await response.text();
  const json = type.includes('json') ? JSON.parse(text) : undefined;
  return { response, type, text, json };
}

beforeAll(async () => {
  ctx.test = await openTestPglite();
  ctx.services = testServices(ctx.test);
  await ctx.services.changes.start();
  ctx.admin = client(ctx.services);
  ctx.liveIds = new Set();
  ctx.secrets = new Map();
  for (const caller of callers) {
    if (caller.kind === 'observer' || caller.kind === 'facilitator') {
      ctx.secrets.set(caller.label, (await newToken([caller.kind], caller.kind)).token);
    } else if (caller.kind === 'role') {
      ctx.secrets.set(caller.label, (await newToken([caller.role], caller.role)).token);
    } else if (caller.kind === 'admin') {
      ctx.secrets.set(caller.label, (await newToken(['admin'], 'matrix-admin')).token);
    } else if (caller.kind === 'revoked') {
      // An admin token that was in use (so cached) when it was revoked.
      const revoked = await newToken(['admin'], 'revoked-admin');
      const asRevoked = client(ctx.services, revoked.token);
      expect((await asRevoked.request('GET', '/v1/tokens')).status).toBe(200);
      expect((await ctx.admin.request('DELETE', `/v1/tokens/${revoked.id}`)).status).toBe(200);
      ctx.secrets.set(caller.label, revoked.token);
    }
  }
});

afterAll(async () => {
  await ctx.services?.changes.stop();
  await ctx.test?.dispose();
});

describe('the table', () => {
  const tabled = new Set(table.map((row) => `${row.method} ${row.path}`));

  it('has a row for every operation of GET /openapi.json, and documents every /v1 row there', async () => {
    const doc = await ctx.admin.request('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    const documented = Object.entries(doc.body.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.length).toBeGreaterThan(15);
    expect(documented.filter((operation) => !tabled.has(operation))).toEqual([]);
    expect([...tabled].filter((row) => row.includes(' /v1/') && !documented.includes(row))).toEqual([]);
  });

  it('has a row for every route the app serves, and serves every row', () => {
    const served = new Set(
      ctx.services.app.routes
        // middleware is registered for every method (ALL) or every path (the body limit on POST /*)
        .filter((route) => route.method !== 'ALL' && !route.path.endsWith('*'))
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect([...served].filter((route) => !tabled.has(route))).toEqual([]);
    expect([...tabled].filter((row) => !served.has(row))).toEqual([]);
  });

  it('has a column for every role a playbook event requires, each a token the API accepts', () => {
    expect(playbookRoles).toEqual(
      expect.arrayContaining(['incident_commander', 'legal', 'responder', 'lead']),
    );
    for (const role of playbookRoles) expect(ctx.secrets.get(role)).toMatch(/^hf_/);
    const versions = (r: { all(): { id: string; version: number }[] }) =>
      r
        .all()
        .map((p) => `${p.id}@${p.version}`)
        .sort();
    expect(versions(registry)).toEqual(versions(ctx.services.registry));
  });
});

describe.each(
  table.map((row) => [`${row.method} ${row.path}${row.variant ? ` (${row.variant})` : ''}`, row] as const),
)('%s', (_, row) => {
  it.each(callers.map((caller) => [cellName(row, caller), caller] as const))('%s', async (_name, caller) => {
    const status = expectedStatus(row, caller);
    const fresh = row.writes === true && status < 300;
    const request = await row.request(fixtures(fresh));
    // A refused cell changes nothing, so the state after one is the state before the next.
    const before = row.method !== 'GET' && !fresh ? (knownState ?? (await databaseState())) : null;
    knownState = null;
    const { response, type, text, json } = await send(row, request, caller);

    expect(response.status, text.slice(0, 500)).toBe(status);
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
    if (status >= 400) {
      expect(type).toContain('application/problem+json');
      expect(json).toMatchObject({ status, code: codeOf[status] });
      // A refusal names no live incident, nor the reason it is hidden.
      if (status === 404) expect(json.detail).not.toMatch(/facilitator|exercise|live/i);
    } else if (row.stream) {
      expect(type).toContain('text/event-stream');
      expect(text).toContain(': connected');
    } else if (status !== 304 && json !== undefined) {
      row.check?.(json, caller);
    }
    if (before) {
      const after = await databaseState();
      expect(after).toEqual(before);
      knownState = after;
    }
  });
});

describe('facilitator tokens and live incidents', () => {
  const facilitator = () => client(ctx.services, ctx.secrets.get('facilitator')!);

  it('answer a live incident exactly like an incident that does not exist', async () => {
    const live = await openIncident('live', 'drill');
    const missing = randomUUID();
    for (const suffix of ['', '/events', '/verify']) {
      const hidden = await facilitator().request('GET', `/v1/incidents/${live.id}${suffix}`);
      const absent = await facilitator().request('GET', `/v1/incidents/${missing}${suffix}`);
      expect(hidden.status).toBe(404);
      expect({ ...hidden.body, detail: hidden.body.detail.replace(live.id, '<id>') }).toEqual({
        ...absent.body,
        detail: absent.body.detail.replace(missing, '<id>'),
      });
    }
  });

  it('never list a live incident, whatever the filter, and may not ask for live ones', async () => {
    const live = await openIncident('live', 'drill');
    const exercise = await openIncident('exercise', 'drill');
    const start = await facilitator().request('GET', '/v1/incidents?mode=exercise');
    expect(start.status).toBe(200);
    const note = { type: 'note.added', payload: { text: 'moved' } };
    for (const id of [live.id, exercise.id]) {
      expect((await ctx.admin.request('POST', `/v1/incidents/${id}/events`, { body: note })).status).toBe(
        200,
      );
    }
    const since = await facilitator().request(
      'GET',
      `/v1/incidents?mode=exercise&since=${start.body.cursor}`,
    );
    expect(since.body.items.map((item: { id: string }) => item.id)).toEqual([exercise.id]);
    for (const query of [
      '', // without a mode, a facilitator-only token lists its exercises
      'status=open',
      `since=${start.body.cursor}`,
      'mode=exercise',
      'mode=exercise&status=open',
      'mode=exercise&playbookId=drill',
      'mode=exercise&overdue=false',
      'mode=exercise&limit=500',
      `mode=exercise&since=${start.body.cursor}`,
    ]) {
      const listing = await facilitator().request('GET', `/v1/incidents?${query}`);
      expect(listing.status, query).toBe(200);
      const ids = listing.body.items.map((item: { id: string }) => item.id);
      expect(ids, query).toContain(exercise.id);
      expect(
        ids.filter((id: string) => ctx.liveIds.has(id)),
        query,
      ).toEqual([]);
      expect(new Set(listing.body.items.map((item: { mode: string }) => item.mode)), query).toEqual(
        new Set(['exercise']),
      );
    }
    for (const query of ['?mode=live', '?mode=live&status=open', `?mode=live&since=${start.body.cursor}`]) {
      const refused = await facilitator().request('GET', `/v1/incidents${query}`);
      expect(refused.status, query).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain(live.id);
    }
  });
});

describe('token comparison', () => {
  const near = (secret: string) => {
    const flip = (c: string) => (c === 'a' ? 'b' : 'a');
    return {
      'last character changed': secret.slice(0, -1) + flip(secret.at(-1)!),
      'first character changed': flip(secret[0]!) + secret.slice(1),
      'one character short': secret.slice(0, -1),
      'one character long': `${secret}a`,
      'twice as long': secret + secret,
      'upper case': secret.toUpperCase(),
    };
  };

  it.each([
    ['HOLDFAST_ADMIN_TOKEN', () => ADMIN_TOKEN],
    ['a stored token', () => ctx.secrets.get('observer')!],
  ])('accepts %s exactly and refuses every near miss of it', async (_, secret) => {
    const exact = await client(ctx.services, secret()).request('GET', '/v1/playbooks');
    expect(exact.status).toBe(200);
    for (const [how, variant] of Object.entries(near(secret()))) {
      expect(variant).not.toBe(secret());
      const response = await client(ctx.services, variant).request('GET', '/v1/playbooks');
      expect(response.status, how).toBe(401);
    }
  });

  it('keeps only the SHA-256 digest of a secret, and finds the token by that digest alone', async () => {
    const secret = ctx.secrets.get('observer')!;
    const digest = createHash('sha256').update(secret).digest('hex');
    expect(hashSecret(secret)).toBe(digest);
    const rows = await ctx.test.database.db.execute(sql`select * from tokens where name = 'observer'`);
    const stored = (rows as unknown as { rows: Record<string, unknown>[] }).rows;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(digest);
    expect(JSON.stringify(stored)).not.toContain(secret);

    // A row holding nothing but the digest of a secret chosen here: the secret finds it.
    const chosen = `hf_chosen-${randomUUID()}`;
    const id = randomUUID();
    const { principal } = await new PgTokenStore(ctx.test.database.db).issueToken({
      principal: { id: randomUUID(), name: `digest-${id}`, nameKey: `digest-${id}`, kind: undefined },
      token: { id, roles: ['observer'], tokenHash: hashSecret(chosen) },
    });
    expect(await ctx.services.tokens.authenticate(chosen)).toMatchObject({
      id: principal.id,
      name: `digest-${id}`,
      roles: ['observer'],
    });
    expect(await ctx.services.tokens.authenticate(hashSecret(chosen))).toBeNull();
  });

  it('keeps a lookup out of the cache when a revocation notice arrives while it is in flight', async () => {
    // A second instance on the same database; its change hub is not started, so the test delivers the notice.
    const other = testServices(ctx.test);
    const token = await newToken(['observer']);
    const inFlight = other.tokens.authenticate(token.token);
    other.tokens.forget(hashSecret(token.token));
    // That request was already past the check; it may finish.
    expect(await inFlight).toMatchObject({ id: token.principalId });
    expect((await ctx.admin.request('DELETE', `/v1/tokens/${token.id}`)).status).toBe(200);
    expect(await other.tokens.authenticate(token.token)).toBeNull();
  });
});
