import { createRoute, z } from '@hono/zod-openapi';
import { Refusal, webhookFormats } from '../../engine';
import { requireAdmin } from '../auth';
import type { App, AppDeps } from '../context';
import { assertStorableJson } from '../json-guard';
import { router } from '../router';
import { isUuid, json, problemResponses } from '../schemas';

const tags = ['webhooks'];

const names = (description: string) =>
  z.array(z.string().min(1).max(200)).max(100).optional().openapi({ description });

const FiltersSchema = z
  .strictObject({
    types: names('Message types (`deadline.passed`, `clock.changed`…) or event types; absent: all.'),
    playbooks: names('Playbook ids.'),
    incidents: names('Incident ids.'),
    modes: z
      .array(z.enum(['live', 'exercise']))
      .max(2)
      .optional()
      .openapi({
        description: 'Default `["live"]`: exercise messages reach only endpoints that ask for them.',
      }),
    severities: names('Severities.'),
    deadlines: names('Deadline labels, notification clock ids or regimes.'),
  })
  .openapi('WebhookFilters');

const EndpointFields = {
  url: z
    .string()
    .max(2000)
    .openapi({ example: 'https://hooks.example.com/holdfast', description: 'http or https.' }),
  description: z.string().max(500).optional(),
  filters: FiltersSchema.optional(),
  format: z
    .enum(webhookFormats)
    .optional()
    .openapi({ description: 'Standard Webhooks JSON (default), a Slack or a Microsoft Teams message.' }),
  audience: z.string().trim().min(1).max(100).nullable().optional().openapi({
    example: 'legal',
    description:
      'Who reads it, for an endpoint that reaches people (a legal channel): the incident report says what reached them and when.',
  }),
  includeDetails: z
    .boolean()
    .optional()
    .openapi({ description: 'Send free text too (notes, event payloads); default false.' }),
};

const CreateWebhookSchema = z.strictObject(EndpointFields).openapi('CreateWebhook');
const UpdateWebhookSchema = z
  .strictObject({ ...EndpointFields, url: EndpointFields.url.optional(), active: z.boolean().optional() })
  .openapi('UpdateWebhook');

const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    filters: FiltersSchema,
    format: z.enum(webhookFormats),
    active: z.boolean(),
    disabledReason: z.string().nullable(),
    audience: z.string().nullable(),
    includeDetails: z.boolean(),
    secrets: z.array(z.object({ expiresAt: z.string().nullable() })),
    failingSince: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');
const WithSecret = WebhookSchema.extend({
  secret: z.string().openapi({ description: 'The `whsec_…` signing secret: shown in this answer only.' }),
});

const DeliverySchema = z
  .object({
    messageId: z.string(),
    endpointId: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery');

const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    status: z.number().int().nullable(),
    error: z.string().nullable(),
    excerpt: z.string().nullable(),
    durationMs: z.number().int(),
  })
  .openapi('WebhookAttempt');

const Id = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const IdAndMessage = Id.extend({
  msg: z
    .string()
    .max(100)
    .openapi({ param: { name: 'msg', in: 'path' } }),
});

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/webhooks',
    tags,
    summary: 'Subscribe an endpoint (admin); its signing secret is in this answer only',
    request: { body: { content: { 'application/json': { schema: CreateWebhookSchema } }, required: true } },
    responses: {
      201: json(WithSecret, 'The endpoint and its secret'),
      ...problemResponses(400, 401, 403, 413),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/webhooks',
    tags,
    summary: 'List endpoints (admin); secrets are never shown',
    responses: {
      200: json(z.object({ items: z.array(WebhookSchema) }), 'Endpoints'),
      ...problemResponses(401, 403),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/webhooks/{id}',
    tags,
    summary: 'An endpoint (admin)',
    request: { params: Id },
    responses: { 200: json(WebhookSchema, 'The endpoint'), ...problemResponses(401, 403, 404) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/v1/webhooks/{id}',
    tags,
    summary: 'Change an endpoint (admin); `active: true` turns a disabled one back on',
    request: {
      params: Id,
      body: { content: { 'application/json': { schema: UpdateWebhookSchema } }, required: true },
    },
    responses: { 200: json(WebhookSchema, 'The endpoint'), ...problemResponses(400, 401, 403, 404, 413) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/v1/webhooks/{id}',
    tags,
    summary: 'Delete an endpoint with its deliveries (admin)',
    request: { params: Id },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404) },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/v1/webhooks/{id}/rotate-secret',
    tags,
    summary: 'A new signing secret (admin); the old one keeps signing beside it for the overlap',
    request: {
      params: Id,
      body: {
        content: {
          'application/json': {
            schema: z.strictObject({
              overlapSeconds: z
                .number()
                .int()
                .min(0)
                .max(7 * 86_400)
                .optional()
                .openapi({ description: 'How long both secrets sign (default a day, at most a week).' }),
            }),
          },
        },
        required: false,
      },
    },
    responses: {
      200: json(WithSecret, 'The endpoint and its new secret'),
      ...problemResponses(400, 401, 403, 404),
    },
  }),
  messages: createRoute({
    method: 'get',
    path: '/v1/webhooks/{id}/messages',
    tags,
    summary: "An endpoint's deliveries, newest first (admin); `status=failed` is the dead-letter list",
    request: {
      params: Id,
      query: z.object({
        status: z.enum(['pending', 'delivered', 'failed']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: json(z.object({ items: z.array(DeliverySchema) }), 'Deliveries'),
      ...problemResponses(400, 401, 403, 404),
    },
  }),
  attempts: createRoute({
    method: 'get',
    path: '/v1/webhooks/{id}/messages/{msg}/attempts',
    tags,
    summary: 'Every attempt at a delivery (admin)',
    request: { params: IdAndMessage },
    responses: {
      200: json(z.object({ items: z.array(AttemptSchema) }), 'Attempts'),
      ...problemResponses(401, 403, 404),
    },
  }),
  retry: createRoute({
    method: 'post',
    path: '/v1/webhooks/{id}/messages/{msg}/retry',
    tags,
    summary: 'Send a failed message again, with the same webhook-id (admin)',
    request: { params: IdAndMessage },
    responses: { 202: { description: 'Queued' }, ...problemResponses(401, 403, 404) },
  }),
  notifications: createRoute({
    method: 'get',
    path: '/v1/incidents/{id}/notifications',
    tags,
    summary: "Who was told what of an incident, and when: its messages' webhook deliveries (admin)",
    request: { params: Id },
    responses: {
      200: json(
        z.object({
          items: z.array(
            z.object({
              messageId: z.string(),
              type: z.string(),
              seq: z.number().int(),
              endpointId: z.string(),
              endpointDescription: z.string(),
              audience: z.string().nullable(),
              status: z.enum(['pending', 'delivered', 'failed']),
              attempts: z.number().int(),
              deliveredAt: z.string().nullable(),
              lastAttemptAt: z.string().nullable(),
              lastStatus: z.number().int().nullable(),
              what: z.string(),
            }),
          ),
        }),
        'Deliveries, in the order of the events they came with',
      ),
      ...problemResponses(401, 403, 404),
    },
  }),
  replay: createRoute({
    method: 'post',
    path: '/v1/webhooks/{id}/replay',
    tags,
    summary: 'Send every failed message of the endpoint again (admin)',
    request: { params: Id },
    responses: {
      202: json(z.object({ requeued: z.number().int() }), 'How many were queued'),
      ...problemResponses(401, 403, 404),
    },
  }),
};

/** Webhook subscriptions and their dead letters: admin only. */
export function webhookRoutes(deps: AppDeps): App {
  const app = router();
  const { webhooks } = deps;

  app.openapi(routes.create, async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    assertStorableJson(body);
    const created = await webhooks.createEndpoint(body);
    c.header('Location', `/v1/webhooks/${created.id}`);
    return c.json(created, 201);
  });
  app.openapi(routes.list, async (c) => {
    requireAdmin(c);
    return c.json({ items: await webhooks.listEndpoints() }, 200);
  });
  app.openapi(routes.get, async (c) => {
    requireAdmin(c);
    return c.json(await webhooks.getEndpoint(c.req.valid('param').id), 200);
  });
  app.openapi(routes.update, async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    assertStorableJson(body);
    return c.json(await webhooks.updateEndpoint(c.req.valid('param').id, body), 200);
  });
  app.openapi(routes.remove, async (c) => {
    requireAdmin(c);
    await webhooks.deleteEndpoint(c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(routes.rotate, async (c) => {
    requireAdmin(c);
    const overlapSeconds = (await c.req.json().catch(() => ({})))?.overlapSeconds;
    const seconds = typeof overlapSeconds === 'number' ? overlapSeconds : 86_400;
    return c.json(await webhooks.rotateSecret(c.req.valid('param').id, seconds * 1000), 200);
  });
  app.openapi(routes.messages, async (c) => {
    requireAdmin(c);
    const { status, limit } = c.req.valid('query');
    return c.json({ items: await webhooks.listMessages(c.req.valid('param').id, status, limit) }, 200);
  });
  app.openapi(routes.attempts, async (c) => {
    requireAdmin(c);
    const { id, msg } = c.req.valid('param');
    const items = await webhooks.listAttempts(id, msg);
    return c.json({ items: items.map(({ messageId: _m, endpointId: _e, ...attempt }) => attempt) }, 200);
  });
  app.openapi(routes.retry, async (c) => {
    requireAdmin(c);
    const { id, msg } = c.req.valid('param');
    await webhooks.retryMessage(id, msg);
    return c.body(null, 202);
  });
  app.openapi(routes.notifications, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid('param');
    if (!isUuid(id)) throw new Refusal('not_found', `no incident ${id}`);
    await deps.engine.getIncident(id, []);
    return c.json({ items: await webhooks.incidentNotifications(id) }, 200);
  });
  app.openapi(routes.replay, async (c) => {
    requireAdmin(c);
    return c.json({ requeued: await webhooks.replayFailed(c.req.valid('param').id) }, 202);
  });
  return app;
}
