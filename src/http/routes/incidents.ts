import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  canSeeMode,
  defaultModeFor,
  draftMarkdown,
  type EventRecord,
  type IncidentRow,
  notificationDraft,
  Refusal,
  requireMayOpen,
} from '../../engine';
import type { Actor } from '../../playbook-kit';
import { markdownPage, reportContentSecurityPolicy } from '../../tabletop';
import type { App, AppDeps, AppEnv } from '../context';
import { assertStorableJson } from '../json-guard';
import { INCIDENT_ROUTE, ifNoneMatchHits, knownNotModified } from '../not-modified';
import { router } from '../router';
import {
  CreateIncidentSchema,
  EventBodySchema,
  EventRecordSchema,
  IdParam,
  IncidentSchema,
  IncidentSummarySchema,
  isUuid,
  json,
  ModeQuery,
  problemResponses,
  SimulationSchema,
} from '../schemas';
import { eventRateLimiter } from '../token-limits';

const tags = ['incidents'];

const createIncidentRoute = createRoute({
  method: 'post',
  path: '/v1/incidents',
  tags,
  summary: 'Open an incident from a playbook (latest version)',
  request: { body: { content: { 'application/json': { schema: CreateIncidentSchema } }, required: true } },
  responses: {
    201: json(IncidentSchema, 'The new incident'),
    ...problemResponses(400, 401, 403, 404, 413, 422),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/incidents',
  tags,
  summary: 'List incidents (live ones unless mode=exercise)',
  request: {
    query: z.object({
      status: z.enum(['open', 'closed']).optional(),
      // Postgres text cannot hold NUL: such a filter can match nothing, and must not reach the query.
      playbookId: z
        .string()
        .max(100)
        .refine((id) => !id.includes('\u0000'), 'must not contain NUL')
        .optional(),
      mode: ModeQuery,
      overdue: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'true: only incidents with a missed notification deadline' }),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      since: z.string().max(40).optional().openapi({
        description:
          'A cursor from an earlier answer: only incidents changed after it, oldest change first, and the next cursor',
      }),
    }),
  },
  responses: {
    200: json(
      z.object({
        items: z.array(IncidentSummarySchema),
        cursor: z
          .string()
          .openapi({ description: 'Pass as `since` to get only what changes after this answer' }),
      }),
      'Incidents',
    ),
    304: { description: 'Not modified (If-None-Match)' },
    ...problemResponses(400, 401, 403),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}',
  tags,
  summary: 'An incident: state, active steps, allowed events, timers',
  request: { params: IdParam },
  responses: {
    200: json(IncidentSchema, 'The incident; ETag is its version'),
    304: { description: 'Not modified (If-None-Match)' },
    ...problemResponses(401, 403, 404),
  },
});

const eventHeaders = z.object({
  'if-match': z.string().max(100).optional().openapi({ description: 'The version you saw: "<version>"' }),
  'idempotency-key': z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Repeat-safe key, 1–200 printable chars' }),
});

const postEventRoute = createRoute({
  method: 'post',
  path: '/v1/incidents/{id}/events',
  tags,
  summary: 'Send an event to an incident',
  request: {
    params: IdParam,
    headers: eventHeaders,
    body: { content: { 'application/json': { schema: EventBodySchema } }, required: true },
  },
  responses: {
    200: json(z.object({ incident: IncidentSchema, event: EventRecordSchema }), 'Applied (or replayed)'),
    ...problemResponses(400, 401, 403, 404, 409, 412, 413, 422, 429),
  },
});

const simulateRoute = createRoute({
  method: 'post',
  path: '/v1/incidents/{id}/simulate',
  tags,
  summary: 'Dry run: what the incident would become, with nothing written',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: EventBodySchema } }, required: true },
  },
  responses: {
    200: json(SimulationSchema, 'What would happen'),
    ...problemResponses(400, 401, 403, 404, 409, 413, 422),
  },
});

const listEventsRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}/events',
  tags,
  summary: 'The timeline: hash-chained events in seq order',
  request: {
    params: IdParam,
    query: z.object({
      after: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(EventRecordSchema) }), 'Events'),
    ...problemResponses(400, 401, 403, 404),
  },
});

const DraftFieldSchema = z.object({
  id: z.string(),
  label: z.string(),
  cite: z.string(),
  value: z.string().nullable(),
  from: z.string().nullable(),
});

const NotificationDraftSchema = z
  .object({
    incidentId: z.string(),
    clockId: z.string(),
    regime: z.string(),
    recipient: z.string(),
    source: z.string(),
    template: z.string(),
    clock: z.object({
      state: z.string(),
      anchor: z.string(),
      anchorAt: z.string(),
      dueAt: z.string(),
      metAt: z.string().nullable(),
    }),
    fields: z.array(DraftFieldSchema),
    missing: z.array(z.string()).openapi({ description: 'The ids of the fields still missing' }),
  })
  .openapi('NotificationDraft');

const draftFormats = ['json', 'markdown', 'html'] as const;

const notificationRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}/notifications/{clockId}',
  tags,
  summary:
    'Draft of the notification a started clock calls for: JSON, or Markdown / HTML by Accept or format',
  description:
    "The items the clock's regulator asks for (GDPR Art. 33(3), APPI's PPC Rules Art. 8(1) items, the HHS " +
    "breach report; a generic form for other clocks), filled from the incident's input, recorded events and " +
    'decisions, with the items still missing listed. 404 for a clock the library lacks, 409 for one the incident ' +
    'never started.',
  request: {
    params: z.object({ id: z.string(), clockId: z.string().max(100) }),
    query: z.object({ format: z.enum(draftFormats).optional() }),
  },
  responses: {
    200: {
      description: 'The draft',
      content: {
        'application/json': { schema: NotificationDraftSchema },
        'text/markdown': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const verifyRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}/verify',
  tags,
  summary: 'Recompute the hash chain and check the latest signed checkpoint',
  description:
    '`ok` only when the chain recomputes and the latest checkpoint is validly signed by a key this server ' +
    'trusts (`GET /v1/keys`) and covers the last event with its hash.',
  request: { params: IdParam },
  responses: {
    200: json(
      z.object({
        ok: z.boolean(),
        events: z.number().int(),
        head: z.string(),
        firstBadSeq: z.number().int().optional(),
        reason: z.string().optional(),
        checkpoint: z.object({
          ok: z.boolean(),
          seq: z.number().int().optional().openapi({ description: 'The seq the latest checkpoint signs' }),
          keyId: z.string().optional(),
          signedAt: z.string().optional(),
          firstBadSeq: z.number().int().optional(),
          reason: z.string().optional(),
        }),
      }),
      'Verdict',
    ),
    ...problemResponses(401, 403, 404),
  },
});

const summary = (row: Omit<IncidentRow, 'snapshot'>) => ({
  id: row.id,
  playbookId: row.playbookId,
  playbookVersion: row.playbookVersion,
  title: row.title,
  severity: row.severity,
  mode: row.mode,
  status: row.status,
  overdue: row.overdue,
  state: row.state,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  closedAt: row.closedAt,
});

export const eventWire = (event: EventRecord) => ({
  seq: event.seq,
  type: event.type,
  payload: event.payload,
  actor: event.actor,
  actorId: event.actorId,
  source: event.source,
  occurredAt: event.occurredAt,
  recordedAt: event.recordedAt,
  stateAfter: event.stateAfter,
  note: event.note,
  hash: event.hash,
  prevHash: event.prevHash,
});

/** `"7"`, `W/"7"` or `7` → 7; `*` → no precondition. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = header.trim().match(/^(?:W\/)?"?(\d{1,9})"?$/);
  if (!match) throw new Refusal('invalid_request', 'If-Match must be the incident version, e.g. "3"');
  return Number(match[1]);
}

function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(header)) {
    throw new Refusal('invalid_request', 'Idempotency-Key must be 1–200 printable ASCII characters');
  }
  return header;
}

const etagMatches = (c: Context, etag: string): boolean =>
  ifNoneMatchHits(c.req.header('if-none-match'), etag);

export function incidentRoutes(deps: AppDeps): App {
  const app = router();
  const { engine, registry, exercises } = deps;
  const { cursors } = deps.changes;

  /** Ids that cannot exist are simply not found, without a query. */
  const assertUuid = (id: string) => {
    if (!isUuid(id)) throw new Refusal('not_found', `no incident ${id}`);
  };

  /** Loads an incident the caller may see. */
  async function visibleIncident(c: Context<AppEnv>, id: string): Promise<IncidentRow> {
    assertUuid(id);
    return engine.loadIncident(id, c.var.actor);
  }

  app.openapi(createIncidentRoute, async (c) => {
    const body = c.req.valid('json');
    assertStorableJson(body);
    const actor: Actor = c.var.actor;
    await registry.ensure(body.playbookId);
    const playbook = registry.get(body.playbookId);
    requireMayOpen(actor, playbook);
    const incident = await engine.startIncident({ ...body, actor }, actor.roles);
    c.header('Location', `/v1/incidents/${incident.id}`);
    c.header('ETag', `"${incident.version}"`);
    return c.json(incident, 201);
  });

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const mode = query.mode ?? defaultModeFor(c.var.actor);
    if (!canSeeMode(c.var.actor, mode)) {
      throw new Refusal('forbidden', 'facilitator tokens reach exercise incidents only; use mode=exercise');
    }
    const overdue = query.overdue === undefined ? undefined : query.overdue === 'true';
    const filter = { status: query.status, playbookId: query.playbookId, mode, overdue };
    const limit = query.limit ?? 100;
    let items: ReturnType<typeof summary>[];
    let cursor: string;
    if (query.since !== undefined) {
      const since = cursors.parse(query.since, mode, 'since');
      const changed = await deps.changes.incidentsSince(since, filter, limit);
      items = changed.incidents.map(({ row }) => summary(row));
      cursor = cursors.format(changed.incidents.at(-1)?.cursor ?? since, mode);
    } else {
      // Taken before the listing: whatever changes from here on is after this cursor.
      cursor = cursors.format(await deps.changes.startingPoint(mode), mode);
      items = (await engine.listIncidents({ ...filter, limit })).map(summary);
    }
    const etag = `"${createHash('sha256')
      .update(items.map((item) => `${item.id}:${item.version}`).join(','))
      .digest('base64url')
      .slice(0, 27)}"`;
    c.header('ETag', etag);
    if (etagMatches(c, etag)) return c.body(null, 304);
    return c.json({ items, cursor }, 200);
  });

  // A dashboard polling an unchanged incident: answered from the version cache, without a query, and
  // ahead of the documented route below (which does the rest) so it skips request validation too. Over a
  // socket, `notModifiedShortcut` answers most of these before the app; this serves the rest (a token
  // not yet cached, `app.request`).
  app.get(INCIDENT_ROUTE, async (c, next) => {
    const etag = knownNotModified(engine, c.req.param('id'), c.var.actor, c.req.header('if-none-match'));
    if (etag) return c.body(null, 304, { ETag: etag });
    await next();
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const row = await visibleIncident(c, id);
    const etag = `"${row.version}"`;
    c.header('ETag', etag);
    if (etagMatches(c, etag)) return c.body(null, 304);
    return c.json(await engine.incidentView(row, c.var.actor.roles), 200);
  });

  const takeEvent = eventRateLimiter(deps.tokenLimits.eventsPerMinute, deps.now);
  // Counted before the body is read: refused and repeated events cost the server too.
  app.post('/v1/incidents/:id/events', async (c, next) => {
    takeEvent(c.var.actor);
    await next();
  });

  app.openapi(postEventRoute, async (c) => {
    const { id } = c.req.valid('param');
    const headers = c.req.valid('header');
    const body = c.req.valid('json');
    assertStorableJson(body);
    assertUuid(id);
    const result = await engine
      .advanceIncident({
        ...eventCommand(id, body, c.var.actor),
        ifMatch: parseIfMatch(headers['if-match']),
        idempotencyKey: parseIdempotencyKey(headers['idempotency-key']),
      })
      .catch(async (error: unknown) => {
        // A move refused in an exercise is part of what the after-action report tells.
        // Keeping it must not change the answer: a failure to keep it is logged, and the refusal sent.
        if (error instanceof Refusal) {
          await exercises
            .noteRefusedMove(id, c.var.actor, body.type, error)
            .catch((failure: unknown) => deps.logError(failure, c.get('requestId') ?? 'unknown'));
        }
        throw error;
      });
    c.header('ETag', `"${result.incident.version}"`);
    if (result.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json({ incident: result.incident, event: eventWire(result.event) }, 200);
  });

  app.openapi(simulateRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    assertStorableJson(body);
    assertUuid(id);
    const result = await engine.simulate(eventCommand(id, body, c.var.actor));
    return c.json(result, 200);
  });

  app.openapi(listEventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    assertUuid(id);
    const events = await engine.listEvents(id, after ?? 0, limit ?? 100, c.var.actor);
    return c.json({ items: events.map(eventWire) }, 200);
  });

  app.openapi(notificationRoute, async (c) => {
    const { id, clockId } = c.req.valid('param');
    const row = await visibleIncident(c, id);
    const draft = notificationDraft(registry.get(row.playbookId, row.playbookVersion), row, clockId);
    const accept = c.req.header('accept') ?? '';
    const format =
      c.req.valid('query').format ??
      (accept.includes('text/markdown') ? 'markdown' : accept.includes('text/html') ? 'html' : 'json');
    // Payload text is anyone's: no browser may take the draft for another type than the one sent.
    c.header('X-Content-Type-Options', 'nosniff');
    if (format === 'markdown') {
      return c.body(draftMarkdown(draft), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    }
    if (format === 'html') {
      c.header('Content-Security-Policy', reportContentSecurityPolicy);
      return c.html(markdownPage(`Draft notification: ${draft.regime}`, draftMarkdown(draft)), 200);
    }
    return c.json(draft, 200);
  });

  app.openapi(verifyRoute, async (c) => {
    const { id } = c.req.valid('param');
    assertUuid(id);
    return c.json(await engine.verifyIncident(id, c.var.actor), 200);
  });
  return app;
}

/** The event a request body asks for, by `actor`: what an advance applies and a simulation tries. */
const eventCommand = (
  incidentId: string,
  body: { type: string; payload?: unknown; note?: string | null; occurredAt?: string },
  actor: Actor,
) => ({
  incidentId,
  type: body.type,
  payload: body.payload,
  note: body.note ?? null,
  occurredAt: body.occurredAt,
  actor,
});
