import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../context';
import { router } from '../router';
import { json, problemResponses } from '../schemas';

const MeSchema = z
  .object({
    id: z.string().openapi({ example: 'oidc:https://id.example.com#248289761001' }),
    name: z.string(),
    roles: z.array(z.string()),
    authenticatedBy: z.enum(['token', 'jwt', 'session']).openapi({
      description:
        'token: an API token; jwt: a bearer JWT from the OpenID provider; session: the dashboard sign-in',
    }),
  })
  .openapi('Me');

const meRoute = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['tokens'],
  summary: 'Who the caller is: id, name, roles, and how it authenticated',
  responses: { 200: json(MeSchema, 'The caller'), ...problemResponses(401) },
});

export function meRoutes(): App {
  const app = router();
  app.openapi(meRoute, (c) => {
    const { id, name, roles } = c.var.actor;
    return c.json({ id, name, roles, authenticatedBy: c.var.authenticatedBy }, 200);
  });
  return app;
}
