import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../context';
import { router } from '../router';
import { json, problemResponses } from '../schemas';

const MeSchema = z
  .object({
    id: z.string().openapi({
      description: "The principal's id, however it authenticated (token, JWT or session)",
      example: '7d0c6f7e-3b1a-4c55-9f3e-2a4b8c1d9e00',
    }),
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
