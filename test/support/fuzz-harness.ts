import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { statusOf } from '../../src/http/problem';
import { bundledScenarios } from '../../src/tabletop';
import { jjMedsInput } from '../fixtures/jj-meds';
import { openTestPglite, type TestDatabase } from './databases';
import { ADMIN_TOKEN, type Body, type Client, client, type Services, testServices } from './http';

/**
 * The fuzz suite's app: the real one on one in-memory PGlite per test file, seeded with tokens, live and
 * exercise incidents of every playbook and an exercise, and a checker that holds every response to the
 * contract (DESIGN.md section 4 and 6): no 5xx, every 4xx a problem+json with a code, and a rejected
 * request (or any GET) leaves the database exactly as it was.
 */

export interface FuzzRequest {
  method: string;
  /** Path and query, already URL text. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The bearer secret; null sends none. Default: the admin token. */
  token?: string | null;
  /** Must change nothing even when it succeeds (a dry run). GETs always must. */
  readOnly?: boolean;
}

export interface FuzzResponse {
  status: number;
  headers: Headers;
  text: string;
  body: Body;
}

export interface Seeds {
  tokens: { observer: string; facilitator: string; responder: string };
  /** Ids of tokens that path fuzzing may revoke. */
  victimTokenIds: string[];
  /** One live incident per playbook (plus the drill), by playbook id. */
  incidents: Record<string, string>;
  exerciseIncidentId: string;
  exerciseId: string;
  playbookIds: string[];
}

/** The stable codes a 4xx may carry: every code the app maps to a status below 500. */
const problemCodes = new Set(
  Object.entries(statusOf)
    .filter(([, status]) => status < 500)
    .map(([code]) => code),
);

/**
 * Row versions of every table of the schema but the refused moves (found at start, so a new table is covered too): how many rows,
 * and a hash over each row's `xmin` (the transaction that wrote this version) and `ctid` (where it lives).
 * Any committed INSERT, UPDATE (even one that writes the same values) or DELETE changes it; reads never do.
 */
async function snapshotter(test: TestDatabase): Promise<() => Promise<Record<string, string>>> {
  const listed = await test.database.db.execute(
    sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  // A player's move refused in an exercise is kept on purpose (the after-action report lists it); it changes
  // nothing the incident or the exercise holds.
  const kept = new Set(['exercise_refused_moves']);
  const tables = (listed as unknown as { rows: { tablename: string }[] }).rows
    .map((row) => row.tablename)
    .filter((table) => !kept.has(table));
  if (tables.length < 5) throw new Error(`expected the holdfast tables, found ${tables.join(', ')}`);
  const query = sql.raw(
    `select ${tables
      .map(
        (table) =>
          `(select count(*) || ':' || coalesce(sum(hashtext(xmin::text || ctid::text)), 0) from "${table}") as "${table}"`,
      )
      .join(', ')}`,
  );
  return async () => {
    const result = await test.database.db.execute(query);
    return (result as unknown as { rows: Record<string, string>[] }).rows[0]!;
  };
}

const excerpt = (text: string | undefined, max = 300) =>
  text === undefined ? '' : text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

export const describeRequest = (request: FuzzRequest) =>
  `${request.method} ${excerpt(request.path, 200)} headers=${excerpt(JSON.stringify(request.headers ?? {}), 200)} ` +
  `token=${request.token === null ? 'none' : (request.token ?? 'admin').slice(0, 12)} body=${excerpt(
    request.body === undefined ? undefined : JSON.stringify(request.body),
  )}`;

export interface FuzzApp {
  test: TestDatabase;
  services: Services;
  admin: Client;
  seeds: Seeds;
  send(request: FuzzRequest): Promise<FuzzResponse>;
  /** Sends, then asserts the contract, including that a rejected request changed nothing. */
  check(request: FuzzRequest): Promise<FuzzResponse>;
  /** The database's row versions, as `check` compares them. */
  snapshot(): Promise<Record<string, string>>;
  /** One line: how many requests, and their statuses. */
  summary(): string;
  close(): Promise<void>;
}

export async function openFuzzApp(overrides: Record<string, unknown> = {}): Promise<FuzzApp> {
  const test = await openTestPglite();
  const services = testServices(test, overrides);
  await services.changes.start();
  const admin = client(services);
  const seeds = await seed(services, admin);
  const statuses = new Map<number, number>();
  const snapshot = await snapshotter(test);
  let known = await snapshot();

  async function send(request: FuzzRequest): Promise<FuzzResponse> {
    const token = request.token === undefined ? ADMIN_TOKEN : request.token;
    const headers = new Headers(request.headers);
    if (token !== null && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    if (request.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    const response = await services.app.request(request.path, {
      method: request.method,
      headers,
      body: request.body,
    });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    // A stream that was accepted stays open: look at its status only, and hang up.
    if (response.headers.get('content-type')?.includes('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, text: '', body: null };
    }
    const text = await response.text();
    let body: Body = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {}
    return { status: response.status, headers: response.headers, text, body };
  }

  async function check(request: FuzzRequest): Promise<FuzzResponse> {
    const response = await send(request);
    const what = `${describeRequest(request)}\n→ ${response.status} ${excerpt(response.text)}`;
    expect(response.status, what).toBeLessThan(500);
    expect(response.headers.get('x-request-id'), what).toBeTruthy();
    // HEAD answers carry no body to check.
    if (response.status >= 400 && request.method !== 'HEAD') {
      expect(response.headers.get('content-type'), what).toContain('application/problem+json');
      expect(problemCodes.has(response.body?.code), what).toBe(true);
      expect(response.body.status, what).toBe(response.status);
      expect(typeof response.body.detail, what).toBe('string');
    }
    const now = await snapshot();
    if (response.status >= 400 || request.readOnly || request.method === 'GET' || request.method === 'HEAD') {
      expect(now, `${what}\nchanged the database`).toEqual(known);
    }
    known = now;
    return response;
  }

  return {
    test,
    services,
    admin,
    seeds,
    send,
    check,
    snapshot,
    summary: () =>
      `${[...statuses.values()].reduce((a, b) => a + b, 0)} requests, statuses ${JSON.stringify(
        Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      )}`,
    close: async () => {
      await services.changes.stop();
      await test.dispose();
    },
  };
}

async function created(response: Promise<{ status: number; body: Body }>, what: string): Promise<Body> {
  const answer = await response;
  if (answer.status !== 201)
    throw new Error(`seeding ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Tokens, a live incident of every playbook (inputs from its bundled scenario), and a running exercise. */
async function seed(services: Services, admin: Client): Promise<Seeds> {
  const token = async (name: string, roles: string[]) =>
    (await created(admin.request('POST', '/v1/tokens', { body: { name, roles } }), `token ${name}`)) as {
      id: string;
      token: string;
    };
  const observer = await token('fuzz-observer', ['observer']);
  const facilitator = await token('fuzz-facilitator', ['facilitator']);
  const responder = await token('fuzz-responder', ['incident_commander', 'technical_lead', 'responder']);
  const victims = [await token('fuzz-victim-1', ['observer']), await token('fuzz-victim-2', ['responder'])];

  const incidents: Record<string, string> = {};
  const now = new Date().toISOString();
  incidents['ransom-demand'] = (
    await created(
      admin.request('POST', '/v1/incidents', {
        body: { playbookId: 'ransom-demand', title: 'JJ Meds (fuzz)', input: jjMedsInput(now) },
      }),
      'ransom-demand incident',
    )
  ).id;
  incidents.drill = (
    await created(
      admin.request('POST', '/v1/incidents', {
        body: { playbookId: 'drill', title: 'Drill (fuzz)', input: { deadlineHours: 48 } },
      }),
      'drill incident',
    )
  ).id;
  for (const { scenario } of bundledScenarios()) {
    const playbookId = scenario.metadata.playbook;
    if (incidents[playbookId]) continue;
    incidents[playbookId] = (
      await created(
        admin.request('POST', '/v1/incidents', {
          body: { playbookId, title: `${scenario.incident.title} (fuzz)`, input: scenario.incident.input },
        }),
        `${playbookId} incident`,
      )
    ).id;
  }
  const exercise = await created(
    admin.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } }),
    'exercise',
  );
  return {
    tokens: { observer: observer.token, facilitator: facilitator.token, responder: responder.token },
    victimTokenIds: victims.map((victim) => victim.id),
    incidents,
    exerciseIncidentId: exercise.incidentId,
    exerciseId: exercise.id,
    playbookIds: services.registry.latest().map((p) => p.id),
  };
}
