import { readFileSync } from 'node:fs';
import type { AnyMachineSnapshot } from 'xstate';
import { playbooks } from '../../playbooks';
import { acceptsEvent, openSnapshot, PlaybookRegistry } from '../../src/engine';
import type { PlaybookDefinition } from '../../src/playbook-kit';
import { drillPlaybook } from '../fixtures/drill-playbook';

/**
 * The permission matrix (DESIGN.md sections 4 and 5): every endpoint × every kind of caller, with the answer
 * each cell must get. `test/http/permissions.test.ts` runs every cell as a real request.
 */

const smallPlaybookFile = readFileSync(
  new URL('../fixtures/playbook-files/small.playbook.yaml', import.meta.url),
  'utf8',
);

/** The playbooks `testServices` registers: the bundled ones and the drill fixture. */
export const registry = new PlaybookRegistry([...playbooks, drillPlaybook]);

export type Mode = 'live' | 'exercise';

/** Every role that some client event of some playbook (any version) requires. */
export const playbookRoles: readonly string[] = [
  ...new Set(registry.all().flatMap((p) => p.events.flatMap((event) => event.roles))),
].sort();

export type Caller =
  | { kind: 'anonymous' | 'malformed' | 'unknown' | 'revoked'; label: string }
  | { kind: 'observer' | 'facilitator' | 'admin' | 'env-admin'; label: string }
  | { kind: 'role'; label: string; role: string };

/** The columns. */
export const callers: readonly Caller[] = [
  { kind: 'anonymous', label: 'no token' },
  { kind: 'malformed', label: 'malformed header' },
  { kind: 'unknown', label: 'unknown token' },
  { kind: 'revoked', label: 'revoked admin token' },
  { kind: 'observer', label: 'observer' },
  { kind: 'facilitator', label: 'facilitator' },
  ...playbookRoles.map((role) => ({ kind: 'role' as const, label: role, role })),
  { kind: 'admin', label: 'admin token' },
  { kind: 'env-admin', label: 'HOLDFAST_ADMIN_TOKEN' },
];

/** A cell's expected status by caller. But for `public` rows, no, malformed, unknown and revoked tokens get 401. */
export type Expect =
  | { public: number }
  | {
      observer: number;
      facilitator: number;
      /** A token holding just this playbook role. */
      role: number | ((role: string) => number);
      admin: number;
    };

/** What one cell sends. */
export interface CellRequest {
  path: string;
  body?: unknown;
  /** A body sent as it is (with its content type in `headers`), e.g. a playbook file. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * What rows build their requests on. Shared by the row's cells, except in a cell expected to write, which
 * gets fresh ones, so cells never depend on each other.
 */
export interface Fixtures {
  incident(mode: Mode, playbookId?: string): Promise<{ id: string; version: number }>;
  /** A facilitated exercise (on the drill playbook) and its incident. */
  exercise(): Promise<{ id: string; incidentId: string }>;
  /** An active token to revoke. */
  token(): Promise<string>;
  /** A name nobody used yet. */
  name(): string;
  /** A webhook endpoint's id. */
  webhook(): Promise<string>;
}

export interface Row {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** As the OpenAPI document names it (`{id}`); routes outside it are named the same way. */
  path: string;
  /** Which target, when one endpoint has several rows. */
  variant?: string;
  expect: Expect;
  /** A successful cell writes (and gets fresh fixtures). Any other POST or DELETE cell must change nothing. */
  writes?: boolean;
  /** Server-Sent Events: the cell checks the status and hangs up. */
  stream?: boolean;
  request(fx: Fixtures): Promise<CellRequest> | CellRequest;
  /** More checks on a successful answer's JSON body. */
  check?(body: unknown, caller: Caller): void;
}

const unauthenticated = new Set<Caller['kind']>(['anonymous', 'malformed', 'unknown', 'revoked']);

export function expectedStatus(row: Row, caller: Caller): number {
  const expect = row.expect;
  if ('public' in expect) return expect.public;
  if (unauthenticated.has(caller.kind)) return 401;
  switch (caller.kind) {
    case 'observer':
      return expect.observer;
    case 'facilitator':
      return expect.facilitator;
    case 'role':
      return typeof expect.role === 'function' ? expect.role(caller.role) : expect.role;
    default:
      return expect.admin;
  }
}

// The rules the rows are made of.
const open = (status: number): Expect => ({ public: status });
const anyToken = (status: number): Expect => ({
  observer: status,
  facilitator: status,
  role: status,
  admin: status,
});
/** A live incident is not found for a facilitator-only token, exactly like one that does not exist. */
const liveTarget = (status: number): Expect => ({
  observer: status,
  facilitator: 404,
  role: status,
  admin: status,
});
const adminOnly = (status: number): Expect => ({ observer: 403, facilitator: 403, role: 403, admin: status });
const facilitatorOrAdmin = (status: number): Expect => ({
  observer: 403,
  facilitator: status,
  role: 403,
  admin: status,
});
/** Opening an incident needs admin or one of the playbook's roles. */
const opens = (playbook: PlaybookDefinition): Expect => ({
  observer: 403,
  facilitator: 403,
  role: (role) => (role in playbook.roles ? 201 : 403),
  admin: 201,
});
/** Sending (or simulating) an event needs admin or one of the event's roles; facilitators never see live incidents. */
const sends = (event: RoleEvent, mode: Mode): Expect => ({
  observer: 403,
  facilitator: mode === 'live' ? 404 : 403,
  role: (role) => (event.roles.includes(role) ? 200 : 403),
  admin: 200,
});

/** The input an incident of the playbook is opened with in the matrix: its documented example. */
export const openingInput = (playbookId: string): unknown => registry.get(playbookId).example?.input ?? {};

/** For one playbook role: a client event that role may send to a freshly opened incident, and its payload. */
export interface RoleEvent {
  role: string;
  playbookId: string;
  type: string;
  roles: readonly string[];
  payload: unknown;
}

/**
 * Picks, for each playbook role, an event a fresh incident accepts from a holder of that role alone: the one
 * needing the fewest roles (so that most other roles are refused), with the drill fixture first.
 */
function roleEvents(): Map<string, RoleEvent> {
  const at = new Date().toISOString();
  const ordered = registry.latest().sort((a, b) => Number(b.id === 'drill') - Number(a.id === 'drill'));
  const opened = new Map<string, AnyMachineSnapshot>();
  const snapshotOf = (p: PlaybookDefinition) => {
    let snapshot = opened.get(p.id);
    if (!snapshot) {
      const input = p.inputSchema.parse(openingInput(p.id));
      const actor = { id: 'matrix', name: 'matrix', roles: ['admin'] };
      snapshot = openSnapshot(p, { input, at, actor, title: 'matrix', severity: 'high' }).snapshot;
      opened.set(p.id, snapshot);
    }
    return snapshot;
  };
  const chosen = new Map<string, RoleEvent>();
  for (const role of playbookRoles) {
    const actor = { id: `matrix-${role}`, name: role, roles: [role] };
    for (const p of ordered) {
      for (const event of p.events) {
        if (!event.roles.includes(role)) continue;
        const best = chosen.get(role);
        if (best && best.roles.length <= event.roles.length) continue;
        const payload = event.examples.find((example) => {
          const parsed = event.payload.safeParse(example);
          return (
            parsed.success &&
            acceptsEvent(p, snapshotOf(p), event, { type: event.type, payload: parsed.data, at, actor })
          );
        });
        if (payload !== undefined) {
          chosen.set(role, { role, playbookId: p.id, type: event.type, roles: event.roles, payload });
        }
      }
    }
    if (!chosen.has(role)) throw new Error(`no playbook lets a fresh incident take an event from ${role}`);
  }
  return chosen;
}

export const eventsByRole = roleEvents();

/** A minimal facilitated exercise on the drill playbook. */
export const drillScenario = {
  apiVersion: 'tabletop/v1',
  kind: 'Scenario',
  metadata: { id: 'permission-matrix', title: 'Permission matrix drill', playbook: 'drill' },
  clock: { start: '2026-03-09T09:00:00Z', end: 'PT8H' },
  incident: { title: 'Matrix exercise', input: { deadlineHours: 48 } },
  roles: [{ id: 'worker', playbookRole: 'responder' }],
  objectives: [{ id: 'finish', text: 'Finish the work' }],
  injects: [
    { id: 'kickoff', at: 'PT1H', channel: 'internal', from: 'Facilitator', content: 'Start the work.' },
  ],
};

const modes: readonly Mode[] = ['live', 'exercise'];
const listed = (mode: Mode) => (body: unknown) => {
  const items = (body as { items: { mode: string }[] }).items;
  if (items.length === 0) throw new Error('the listing is empty: the check proves nothing');
  const strays = items.filter((item) => item.mode !== mode);
  if (strays.length > 0) throw new Error(`a ${mode} listing shows ${JSON.stringify(strays)}`);
};
const absent = '0190a9e1-0000-7000-8000-000000000000';
const drillEvent = eventsByRole.get('responder')!;

const eventRow = (event: RoleEvent, mode: Mode): Row => ({
  method: 'POST',
  path: '/v1/incidents/{id}/events',
  variant: `${mode}, ${event.playbookId} ${event.type} needs ${event.roles.join('|')}`,
  expect: sends(event, mode),
  writes: true,
  request: async (fx) => ({
    path: `/v1/incidents/${(await fx.incident(mode, event.playbookId)).id}/events`,
    body: { type: event.type, payload: event.payload },
  }),
  check: (body) => {
    const recorded = (body as { event: { type: string; seq: number } }).event;
    if (recorded.type !== event.type || recorded.seq < 2)
      throw new Error(`recorded ${JSON.stringify(recorded)}`);
  },
});

/** The rows: every endpoint, and one row per target where the answer depends on it. */
export const table: readonly Row[] = [
  // Outside /v1: no token needed, and a bad one does not matter.
  { method: 'GET', path: '/healthz', expect: open(200), request: () => ({ path: '/healthz' }) },
  { method: 'GET', path: '/readyz', expect: open(200), request: () => ({ path: '/readyz' }) },
  {
    method: 'GET',
    path: '/metrics',
    expect: { observer: 200, facilitator: 403, role: 200, admin: 200 },
    request: () => ({ path: '/metrics' }),
  },
  { method: 'GET', path: '/', expect: open(200), request: () => ({ path: '/' }) },
  { method: 'GET', path: '/openapi.json', expect: open(200), request: () => ({ path: '/openapi.json' }) },
  { method: 'GET', path: '/docs', expect: open(200), request: () => ({ path: '/docs' }) },
  {
    method: 'GET',
    path: '/docs/assets/{file}',
    expect: open(200),
    request: () => ({ path: '/docs/assets/swagger-ui.css' }),
  },
  {
    method: 'GET',
    path: '/dashboard/{file}',
    expect: open(200),
    request: () => ({ path: '/dashboard/style.css' }),
  },
  // Whether the dashboard offers a sign-in (OpenID Connect); the sign-in routes exist only with it.
  { method: 'GET', path: '/auth/status', expect: open(200), request: () => ({ path: '/auth/status' }) },
  {
    method: 'GET',
    path: '/vendor/mermaid.js',
    expect: open(200),
    request: () => ({ path: '/vendor/mermaid.js' }),
  },

  // Public keys are public, even under /v1: a bad token does not matter either.
  {
    method: 'GET',
    path: '/v1/keys',
    expect: open(200),
    request: () => ({ path: '/v1/keys' }),
    check: (body) => {
      const { items } = body as { items: { status: string; publicKeyPem: string }[] };
      if (items[0]?.status !== 'current' || !items[0].publicKeyPem.includes('PUBLIC KEY'))
        throw new Error(`GET /v1/keys lists no current public key: ${JSON.stringify(body)}`);
    },
  },

  // Playbooks: any token reads them; only an admin publishes a playbook file.
  { method: 'GET', path: '/v1/playbooks', expect: anyToken(200), request: () => ({ path: '/v1/playbooks' }) },
  {
    method: 'POST',
    path: '/v1/playbooks',
    expect: adminOnly(201),
    writes: true,
    request: (fx) => ({
      path: '/v1/playbooks',
      rawBody: smallPlaybookFile.replace('id: small-outage', `id: ${fx.name()}`),
      headers: { 'content-type': 'application/yaml' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/playbooks/{id}/file',
    variant: 'bundled, not a file',
    expect: anyToken(404),
    request: () => ({ path: '/v1/playbooks/ransom-demand/file' }),
  },
  {
    method: 'GET',
    path: '/v1/playbooks/{id}/file',
    variant: 'bundled as a file',
    expect: anyToken(200),
    request: () => ({ path: '/v1/playbooks/ddos-extortion/file' }),
  },
  {
    method: 'GET',
    path: '/v1/playbooks/{id}',
    expect: anyToken(200),
    request: () => ({ path: '/v1/playbooks/ransom-demand' }),
  },
  {
    method: 'GET',
    path: '/v1/playbooks/{id}/diagram',
    expect: anyToken(200),
    request: () => ({ path: '/v1/playbooks/drill/diagram' }),
  },
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/playbooks/{id}/diagram',
      variant: `?incident= ${mode}`,
      expect: mode === 'live' ? liveTarget(200) : anyToken(200),
      request: async (fx) => ({
        path: `/v1/playbooks/drill/diagram?incident=${(await fx.incident(mode)).id}`,
      }),
    }),
  ),

  // The clock library and its calculator: reference data for every token (exercises count clocks too).
  { method: 'GET', path: '/v1/clocks', expect: anyToken(200), request: () => ({ path: '/v1/clocks' }) },
  {
    method: 'GET',
    path: '/v1/clocks/{id}/due',
    expect: anyToken(200),
    request: () => ({ path: '/v1/clocks/sec-8k-105/due?anchorAt=2027-01-14T10:00:00-05:00' }),
  },

  // Opening incidents: admin or a role of that playbook.
  ...registry.latest().map(
    (p): Row => ({
      method: 'POST',
      path: '/v1/incidents',
      variant: p.id,
      expect: opens(p),
      writes: true,
      request: () => ({
        path: '/v1/incidents',
        body: { playbookId: p.id, title: 'Matrix incident', input: openingInput(p.id) },
      }),
    }),
  ),

  // Listings: live by default (exercises for facilitator-only tokens), the other mode only when asked,
  // and never both.
  {
    method: 'GET',
    path: '/v1/incidents',
    expect: anyToken(200),
    request: async (fx) => {
      await fx.incident('live');
      await fx.incident('exercise');
      return { path: '/v1/incidents' };
    },
    check: (body, caller) => listed(caller.kind === 'facilitator' ? 'exercise' : 'live')(body),
  },
  {
    method: 'GET',
    path: '/v1/incidents',
    variant: '?mode=live',
    expect: { ...anyToken(200), facilitator: 403 },
    request: async (fx) => {
      await fx.incident('live');
      return { path: '/v1/incidents?mode=live&status=open' };
    },
    check: listed('live'),
  },
  {
    method: 'GET',
    path: '/v1/incidents',
    variant: '?mode=exercise',
    expect: anyToken(200),
    request: async (fx) => {
      await fx.incident('live');
      await fx.incident('exercise');
      return { path: '/v1/incidents?mode=exercise' };
    },
    check: listed('exercise'),
  },

  // One incident.
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}',
      variant: mode,
      expect: mode === 'live' ? liveTarget(200) : anyToken(200),
      request: async (fx) => ({ path: `/v1/incidents/${(await fx.incident(mode)).id}` }),
    }),
  ),
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}',
      variant: `${mode}, If-None-Match current`,
      expect: mode === 'live' ? liveTarget(304) : anyToken(304),
      request: async (fx) => {
        const { id, version } = await fx.incident(mode);
        return { path: `/v1/incidents/${id}`, headers: { 'if-none-match': `"${version}"` } };
      },
    }),
  ),
  {
    method: 'GET',
    path: '/v1/incidents/{id}',
    variant: 'no such incident',
    expect: anyToken(404),
    request: () => ({ path: `/v1/incidents/${absent}` }),
  },

  // Events: each playbook role's event on a live incident; on an exercise incident, the drill's (the rule is
  // the same, only a facilitator's answer differs).
  ...[...eventsByRole.values()].map((event) => eventRow(event, 'live')),
  ...[...eventsByRole.values()]
    .filter((event) => event.playbookId === 'drill')
    .map((event) => eventRow(event, 'exercise')),
  ...modes.map(
    (mode): Row => ({
      method: 'POST',
      path: '/v1/incidents/{id}/simulate',
      variant: `${mode}, ${drillEvent.type} needs ${drillEvent.roles.join('|')}`,
      expect: sends(drillEvent, mode),
      request: async (fx) => ({
        path: `/v1/incidents/${(await fx.incident(mode)).id}/simulate`,
        body: { type: drillEvent.type, payload: drillEvent.payload },
      }),
    }),
  ),
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}/events',
      variant: mode,
      expect: mode === 'live' ? liveTarget(200) : anyToken(200),
      request: async (fx) => ({ path: `/v1/incidents/${(await fx.incident(mode)).id}/events` }),
    }),
  ),
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}/verify',
      variant: mode,
      expect: mode === 'live' ? liveTarget(200) : anyToken(200),
      request: async (fx) => ({ path: `/v1/incidents/${(await fx.incident(mode)).id}/verify` }),
    }),
  ),
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}/report',
      variant: mode,
      expect: mode === 'live' ? liveTarget(200) : anyToken(200),
      request: async (fx) => ({ path: `/v1/incidents/${(await fx.incident(mode)).id}/report` }),
    }),
  ),

  // Streams.
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}/stream',
      variant: mode,
      expect: mode === 'live' ? liveTarget(200) : anyToken(200),
      stream: true,
      request: async (fx) => ({ path: `/v1/incidents/${(await fx.incident(mode)).id}/stream` }),
    }),
  ),
  {
    method: 'GET',
    path: '/v1/stream',
    variant: 'default mode (exercise for facilitators)',
    expect: anyToken(200),
    stream: true,
    request: () => ({ path: '/v1/stream' }),
  },
  {
    method: 'GET',
    path: '/v1/stream',
    variant: '?mode=live',
    expect: { ...anyToken(200), facilitator: 403 },
    stream: true,
    request: () => ({ path: '/v1/stream?mode=live' }),
  },
  {
    method: 'GET',
    path: '/v1/stream',
    variant: '?mode=exercise',
    expect: anyToken(200),
    stream: true,
    request: () => ({ path: '/v1/stream?mode=exercise' }),
  },

  // Tokens: admin only.
  {
    method: 'POST',
    path: '/v1/tokens',
    expect: adminOnly(201),
    writes: true,
    request: (fx) => ({ path: '/v1/tokens', body: { name: fx.name(), roles: ['admin'] } }),
  },
  { method: 'GET', path: '/v1/tokens', expect: adminOnly(200), request: () => ({ path: '/v1/tokens' }) },
  {
    method: 'DELETE',
    path: '/v1/tokens/{id}',
    expect: adminOnly(200),
    writes: true,
    request: async (fx) => ({ path: `/v1/tokens/${await fx.token()}` }),
  },

  // Webhooks: admin only.
  {
    method: 'POST',
    path: '/v1/webhooks',
    expect: adminOnly(201),
    writes: true,
    request: () => ({ path: '/v1/webhooks', body: { url: 'https://hooks.example.com/matrix' } }),
  },
  { method: 'GET', path: '/v1/webhooks', expect: adminOnly(200), request: () => ({ path: '/v1/webhooks' }) },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}',
    expect: adminOnly(200),
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}` }),
  },
  {
    method: 'PATCH',
    path: '/v1/webhooks/{id}',
    expect: adminOnly(200),
    writes: true,
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}`, body: { description: 'renamed' } }),
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    expect: adminOnly(204),
    writes: true,
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}` }),
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate-secret',
    expect: adminOnly(200),
    writes: true,
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}/rotate-secret`, body: {} }),
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}/messages',
    expect: adminOnly(200),
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}/messages` }),
  },
  {
    method: 'GET',
    path: '/v1/webhooks/{id}/messages/{msg}/attempts',
    variant: 'a message never sent: no attempts',
    expect: adminOnly(200),
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}/messages/msg_none/attempts` }),
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/messages/{msg}/retry',
    variant: 'no such message',
    expect: adminOnly(404),
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}/messages/msg_none/retry` }),
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/replay',
    expect: adminOnly(202),
    writes: true,
    request: async (fx) => ({ path: `/v1/webhooks/${await fx.webhook()}/replay` }),
  },
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}/notifications',
      variant: mode,
      expect: adminOnly(200),
      request: async (fx) => ({ path: `/v1/incidents/${(await fx.incident(mode)).id}/notifications` }),
    }),
  ),
  ...modes.map(
    (mode): Row => ({
      method: 'GET',
      path: '/v1/incidents/{id}/notifications/{clockId}',
      variant: `${mode}, a clock whose anchor is not recorded yet`,
      expect: mode === 'live' ? liveTarget(409) : anyToken(409),
      request: async (fx) => ({
        path: `/v1/incidents/${(await fx.incident(mode, 'ransom-demand')).id}/notifications/pipeda-opc`,
      }),
    }),
  ),

  { method: 'GET', path: '/v1/me', expect: anyToken(200), request: () => ({ path: '/v1/me' }) },

  // Tabletop exercises: anyone reads them; facilitators and admins run them.
  { method: 'GET', path: '/v1/scenarios', expect: anyToken(200), request: () => ({ path: '/v1/scenarios' }) },
  {
    method: 'POST',
    path: '/v1/exercises',
    expect: facilitatorOrAdmin(201),
    writes: true,
    request: () => ({ path: '/v1/exercises', body: { scenario: drillScenario } }),
  },
  {
    method: 'GET',
    path: '/v1/exercises',
    expect: anyToken(200),
    request: () => ({ path: '/v1/exercises' }),
  },
  {
    method: 'GET',
    path: '/v1/exercises/{id}',
    expect: anyToken(200),
    request: async (fx) => ({ path: `/v1/exercises/${(await fx.exercise()).id}` }),
  },
  {
    method: 'POST',
    path: '/v1/exercises/{id}/clock',
    expect: facilitatorOrAdmin(200),
    writes: true,
    request: async (fx) => ({
      path: `/v1/exercises/${(await fx.exercise()).id}/clock`,
      body: { advance: 'PT10M' },
    }),
  },
  {
    method: 'GET',
    path: '/v1/exercises/{id}/report',
    expect: anyToken(200),
    request: async (fx) => ({ path: `/v1/exercises/${(await fx.exercise()).id}/report` }),
  },
];

export const cellName = (row: Row, caller: Caller) =>
  `${caller.label} ${row.method} ${row.path}${row.variant ? ` (${row.variant})` : ''} → ${expectedStatus(row, caller)}`;
