import type { MiddlewareHandler } from 'hono';
import type { AppEnv, RequestLogger } from './context';
import { routePattern } from './metrics';

/**
 * One structured line per request: request id, method, route pattern, status, duration and the
 * token's name when the caller authenticated. Never the token, headers, query or body.
 * 5xx lines are `error` (their cause is logged separately by onError with the same requestId).
 */
export function accessLog(log: RequestLogger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    let status: number | undefined;
    try {
      await next();
      status = c.res.status;
    } finally {
      const level = (status ?? 500) >= 500 ? 'error' : 'info';
      // Polls at a quiet log level pay nothing for the line they would not write.
      if (log.isLevelEnabled(level)) logLine(level);
    }
    function logLine(level: 'info' | 'error') {
      const fields = {
        requestId: c.var.requestId,
        method: c.req.method,
        route: routePattern(c),
        status: status ?? 500,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        ...(c.var.actor ? { actor: c.var.actor.name } : {}),
      };
      log[level](fields, 'request');
    }
  };
}
