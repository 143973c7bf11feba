import { createRoute, z } from '@hono/zod-openapi';
import { cacaoPlaybook, describeStates, mermaidDiagram, Refusal, tlpLevels } from '../../engine';
import { jsonSchemaOf } from '../../playbook-kit';
import { requireAdmin } from '../auth';
import type { App, AppDeps } from '../context';
import { router } from '../router';
import { CacaoPlaybookSchema, isUuid, json, PlaybookDefinitionSchema, problemResponses } from '../schemas';

/** A playbook version in a query: stored as a Postgres integer, so no larger than one. */
const versionQuery = z.coerce.number().int().positive().max(2_147_483_647).optional();

const PlaybookItem = z.object({
  id: z.string(),
  version: z.number().int(),
  title: z.string(),
  summary: z.string(),
  versions: z.array(z.number().int()),
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/playbooks',
  tags: ['playbooks'],
  summary: 'List playbooks (latest version of each)',
  responses: { 200: json(z.object({ items: z.array(PlaybookItem) }), 'Playbooks'), ...problemResponses(401) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/playbooks/{id}',
  tags: ['playbooks'],
  summary: 'A playbook definition: input schema, states, client events with payload schemas, timers',
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'ransom-demand' }),
    }),
    query: z.object({
      version: versionQuery,
      format: z
        .enum(['holdfast', 'cacao'])
        .default('holdfast')
        .openapi({ description: '`cacao`: the playbook as a CACAO 2.0 JSON playbook' }),
      tlp: z
        .enum(tlpLevels)
        .default('TLP:CLEAR')
        .openapi({ description: 'TLP 2.0 marking of a CACAO export' }),
    }),
  },
  responses: {
    200: json(
      z.union([PlaybookDefinitionSchema, CacaoPlaybookSchema]),
      'The definition, or with `format=cacao` the CACAO playbook',
    ),
    ...problemResponses(400, 401, 404),
  },
});

const diagramRoute = createRoute({
  method: 'get',
  path: '/v1/playbooks/{id}/diagram',
  tags: ['playbooks'],
  summary: 'The playbook as a Mermaid stateDiagram-v2 (tracks as concurrent regions)',
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'ransom-demand' }),
    }),
    query: z.object({
      version: versionQuery,
      incident: z.string().optional().openapi({
        description: "An incident id: draws the incident's playbook version and marks its active states",
      }),
      track: z
        .string()
        .max(100)
        .optional()
        .openapi({ description: 'One track (a region of the root) alone, e.g. legal' }),
    }),
  },
  responses: {
    200: { description: 'Mermaid text', content: { 'text/plain': { schema: z.string() } } },
    ...problemResponses(400, 401, 403, 404),
  },
});

const PublishedSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    contentHash: z.string().openapi({ description: 'SHA-256 (hex) of the file as published' }),
    status: z.enum(['published', 'unchanged']),
  })
  .openapi('PublishedPlaybook');

/** The largest playbook file accepted (the request body limit applies too). */
const MAX_FILE_BYTES = 512 * 1024;

const publishRoute = createRoute({
  method: 'post',
  path: '/v1/playbooks',
  tags: ['playbooks'],
  summary: 'Publish a playbook file (admin): checked, then stored as a version that never changes',
  description:
    'The body is the YAML file (`Content-Type: application/yaml`). A file with problems is refused with each one ' +
    'at its line and column (`problems`); the same content again is a no-op (200, `unchanged`); other content ' +
    'under a published or bundled (id, version) is a 409: publish it as a new version.',
  request: {
    body: {
      required: true,
      content: { 'application/yaml': { schema: z.string().openapi({ format: 'binary' }) } },
    },
  },
  responses: {
    201: json(PublishedSchema, 'Published'),
    200: json(PublishedSchema, 'This content was already published under its (id, version)'),
    ...problemResponses(400, 401, 403, 409, 413, 415),
  },
});

const fileRoute = createRoute({
  method: 'get',
  path: '/v1/playbooks/{id}/file',
  tags: ['playbooks'],
  summary: 'The YAML file a playbook version was compiled from (bundled or published), as written',
  description: 'A playbook written in code (TypeScript) has no file: 404, saying so.',
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'ddos-extortion' }),
    }),
    query: z.object({ version: versionQuery }),
  },
  responses: {
    200: { description: 'The YAML file', content: { 'application/yaml': { schema: z.string() } } },
    ...problemResponses(401, 404),
  },
});

export function playbookRoutes(deps: AppDeps): App {
  const app = router();
  const { registry } = deps;
  app.openapi(publishRoute, async (c) => {
    const actor = requireAdmin(c);
    const type = c.req.header('content-type') ?? '';
    if (!/^(application|text)\/(x-)?yaml\b/.test(type))
      throw new Refusal(
        'invalid_request',
        'send the playbook file as the body, with Content-Type: application/yaml',
        {},
      );
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > MAX_FILE_BYTES)
      throw new Refusal('payload_too_large', `a playbook file is limited to ${MAX_FILE_BYTES} bytes`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Refusal('invalid_request', 'the playbook file is not UTF-8');
    }
    const outcome = await deps.publisher.publish('playbook.yaml', text, actor.id);
    return c.json(outcome, outcome.status === 'published' ? 201 : 200);
  });

  app.openapi(fileRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { version } = c.req.valid('query');
    return c.body(await deps.publisher.pull(id, version), 200, {
      'Content-Type': 'application/yaml; charset=utf-8',
    });
  });

  app.openapi(listRoute, async (c) => {
    await registry.refresh();
    return c.json({
      items: registry.latest().map((p) => ({
        id: p.id,
        version: p.version,
        title: p.title,
        summary: p.summary,
        versions: registry.versions(p.id),
      })),
    });
  });

  app.openapi(diagramRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { version, incident, track } = c.req.valid('query');
    await registry.ensure(id, version);
    if (incident === undefined) return c.text(mermaidDiagram(registry.get(id, version), { track }), 200);
    if (!isUuid(incident)) throw new Refusal('not_found', `no incident ${incident}`);
    return c.text(await deps.engine.incidentDiagram(id, incident, c.var.actor, track), 200);
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { version, format, tlp } = c.req.valid('query');
    await registry.ensure(id, version);
    const p = registry.get(id, version);
    if (format === 'cacao') return c.json(CacaoPlaybookSchema.parse(cacaoPlaybook(p, { tlp })), 200);
    const definition: z.infer<typeof PlaybookDefinitionSchema> = {
      id: p.id,
      version: p.version,
      versions: registry.versions(p.id),
      title: p.title,
      summary: p.summary,
      source: p.source,
      roles: p.roles,
      inputSchema: jsonSchemaOf(p.inputSchema),
      states: describeStates(p),
      events: p.events.map((event) => ({
        type: event.type,
        title: event.title,
        description: event.description,
        roles: event.roles,
        owners: event.owners ?? [],
        payloadSchema: jsonSchemaOf(event.payload),
        examples: event.examples,
      })),
      timers: Object.entries(p.timerLabels).map(([key, label]) => ({ key, label })),
    };
    return c.json(definition, 200);
  });
  return app;
}
