import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Actor } from '../playbook-kit';
import type { AppEnv, RequestLogger } from './context';
import type { Metrics } from './metrics';

/** Label for requests no route matched (a 404 of the router): never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

/** A caller's own `X-Request-Id` is kept when it is short and plain; otherwise a new one is made. */
const plainRequestId = /^[\w\-=]{1,255}$/;

export interface ObservedRequest {
  id: string;
  method: string;
  /** The route pattern (`/v1/incidents/:id`), never the raw path. */
  route: string;
  status: number;
  /** `performance.now()` when the request arrived. */
  started: number;
  actor?: Actor | undefined;
}

export interface RequestRecorder {
  /** The id of a request that came with this `X-Request-Id` header (or none). */
  requestId(header: string | undefined): string;
  /** Counts and times the request in the metrics and writes its access-log line. */
  record(request: ObservedRequest): void;
}

/**
 * What is recorded about every request, wherever it is answered:
 * - its count and duration in the metrics, by method and route pattern;
 * - one access-log line: request id, method, route pattern, status, duration and the token's name
 *   when the caller authenticated. Never the token, headers, query or body. 5xx lines are `error`
 *   (their cause is logged separately by onError with the same request id).
 */
export function requestRecorder(options: { metrics?: Metrics; log?: RequestLogger }): RequestRecorder {
  const { metrics, log } = options;
  return {
    requestId: (header) => (header && plainRequestId.test(header) ? header : randomUUID()),
    record({ id, method, route, status, started, actor }) {
      const level = status >= 500 ? 'error' : 'info';
      // A poll at a quiet log level pays nothing for the line it would not write.
      const logged = log?.isLevelEnabled(level) ?? false;
      if (!metrics && !logged) return;
      const durationMs = performance.now() - started;
      metrics?.observeRequest(method, route, status, durationMs / 1000);
      if (logged) {
        log?.[level](
          {
            requestId: id,
            method,
            route,
            status,
            durationMs: Math.round(durationMs * 1000) / 1000,
            ...(actor ? { actor: actor.name } : {}),
          },
          'request',
        );
      }
    },
  };
}

/**
 * Every request through the app, in one middleware (every poll pays for each layer): its id
 * (`c.get('requestId')` and the `X-Request-Id` response header), then the recorder's metrics and log line.
 */
export function observeRequests(recorder: RequestRecorder): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const id = recorder.requestId(c.req.header('x-request-id'));
    c.set('requestId', id);
    // Under @hono/node-server the header goes straight onto Node's response, which merges it into whatever
    // the handler answers; a header set through Hono would turn every response's plain header object into
    // a `Headers` instance, a cost each poll pays.
    const outgoing = c.env?.outgoing;
    if (outgoing) outgoing.setHeader('X-Request-Id', id);
    else c.header('X-Request-Id', id);
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      recorder.record({
        id,
        method: c.req.method,
        route: routePattern(c),
        status,
        started,
        actor: c.get('actor'),
      });
    }
  };
}

/**
 * The route pattern a request matched (`/v1/incidents/:id`), never the raw path: the last matched
 * route that is an endpoint, not a middleware (registered for every method or every path), so a
 * request refused by a middleware (401, 413) is still labelled with the endpoint it aimed at.
 */
function routePattern(c: Context): string {
  const endpoint = matchedRoutes(c).findLast(
    (matched) => matched.method !== 'ALL' && !matched.path.endsWith('*'),
  );
  return endpoint?.path ?? UNMATCHED_ROUTE;
}
