import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { Refusal } from './engine';
import { bearerAuth } from './http/auth';
import type { AppDeps } from './http/context';
import { docsRoutes } from './http/docs';
import { metricsRoutes } from './http/metrics';
import { observeRequests, requestRecorder } from './http/observe';
import { problem } from './http/problem';
import { router } from './http/router';
import { clockRoutes } from './http/routes/clocks';
import { dashboardRoutes } from './http/routes/dashboard';
import { exerciseRoutes } from './http/routes/exercises';
import { healthRoutes } from './http/routes/health';
import { incidentRoutes } from './http/routes/incidents';
import { keyRoutes } from './http/routes/keys';
import { meRoutes } from './http/routes/me';
import { playbookRoutes } from './http/routes/playbooks';
import { reportRoutes } from './http/routes/reports';
import { sessionRoutes } from './http/routes/session';
import { streamRoutes } from './http/routes/streams';
import { tokenRoutes } from './http/routes/tokens';
import { webhookRoutes } from './http/routes/webhooks';

export type { AppDeps } from './http/context';

/** The HTTP application: routes, middleware, error mapping. No listen(), no environment. */
export function createApp(deps: AppDeps) {
  const app = router();

  app.use('*', observeRequests(requestRecorder({ metrics: deps.metrics, log: deps.accessLog })));
  const limitBody = bodyLimit({
    maxSize: deps.bodyLimitBytes,
    onError: (c) =>
      problem(c, 'payload_too_large', `request bodies are limited to ${deps.bodyLimitBytes} bytes`),
  });
  // Only on methods that carry a body: checking it builds the whole Request, and every poll would also
  // pass through one more layer for nothing.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', limitBody);
  keyRoutes(app, deps);
  const authenticated = bearerAuth(deps.tokens, deps.oidc);
  app.use('/v1/*', authenticated);
  app.use('/metrics', authenticated);

  app.route('/', healthRoutes(deps));
  if (deps.metrics) app.route('/', metricsRoutes(deps.metrics));
  app.route('/', playbookRoutes(deps));
  app.route('/', clockRoutes(deps));
  app.route('/', incidentRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', tokenRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', meRoutes());
  app.route('/', exerciseRoutes(deps));
  app.route('/', streamRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/', dashboardRoutes());
  app.route('/', sessionRoutes(deps.oidc, deps.sessions));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'holdfast',
      version: '1',
      description: 'Extortion-response playbooks: open incidents, step them forward, audit their history.',
    },
    security: [{ bearer: [] }],
  });

  app.notFound((c) => problem(c, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof Refusal) return problem(c, error.code, error.message, error.details);
    if (error instanceof HTTPException) {
      if (error.status === 413) return problem(c, 'payload_too_large', error.message);
      if (error.status < 500)
        return problem(c, 'invalid_request', error.message || 'malformed request', {}, error.status);
    }
    deps.logError(error, c.get('requestId') ?? 'unknown');
    if (isUnavailable(error)) return problem(c, 'unavailable', 'the database is unavailable; retry shortly');
    return problem(c, 'internal', 'an unexpected error occurred; it has been logged');
  });

  return app;
}

/** Connection failures surface as 503 so clients retry, never as a 500 with a stack. */
function isUnavailable(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as { code?: string }).code ?? '';
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    'CONNECT_TIMEOUT',
    '57P01',
    '57P03',
  ].includes(code);
}
