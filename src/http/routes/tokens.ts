import { createRoute, z } from '@hono/zod-openapi';
import { Refusal } from '../../engine';
import { requireAdmin } from '../auth';
import type { App, AppDeps } from '../context';
import { assertStorableJson } from '../json-guard';
import { router } from '../router';
import {
  CreateTokenSchema,
  IdParam,
  isUuid,
  json,
  PrincipalSchema,
  problemResponses,
  TokenSchema,
} from '../schemas';

const tags = ['tokens'];

const createTokenRoute = createRoute({
  method: 'post',
  path: '/v1/tokens',
  tags,
  summary: 'Create a token (admin); the secret is in this response only',
  request: { body: { content: { 'application/json': { schema: CreateTokenSchema } }, required: true } },
  responses: {
    201: json(
      TokenSchema.extend({ token: z.string(), principal: PrincipalSchema }),
      'The token, its secret and its principal',
    ),
    ...problemResponses(400, 401, 403, 413),
  },
});

const listTokensRoute = createRoute({
  method: 'get',
  path: '/v1/tokens',
  tags,
  summary: 'List tokens (admin); secrets are never shown',
  responses: {
    200: json(z.object({ items: z.array(TokenSchema) }), 'Tokens'),
    ...problemResponses(401, 403),
  },
});

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/v1/tokens/{id}',
  tags,
  summary: 'Revoke a token (admin)',
  request: { params: IdParam },
  responses: { 200: json(TokenSchema, 'The revoked token'), ...problemResponses(401, 403, 404) },
});

export function tokenRoutes(deps: AppDeps): App {
  const app = router();
  app.openapi(createTokenRoute, async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    assertStorableJson(body);
    const { name, roles, kind } = body;
    const created = await deps.tokens.createToken(name, roles, kind);
    c.header('Location', `/v1/tokens/${created.id}`);
    return c.json(created, 201);
  });

  app.openapi(listTokensRoute, async (c) => {
    requireAdmin(c);
    return c.json({ items: await deps.tokens.listTokens() }, 200);
  });

  app.openapi(revokeTokenRoute, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid('param');
    if (!isUuid(id)) throw new Refusal('not_found', `no token ${id}`);
    return c.json(await deps.tokens.revokeToken(id), 200);
  });
  return app;
}
