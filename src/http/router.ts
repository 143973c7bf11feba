import { OpenAPIHono } from '@hono/zod-openapi';
import type { App, AppEnv } from './context';
import { problem } from './problem';

/** A router of the API: requests its schemas refuse are answered 400 with every issue named by its path. */
export function router(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const errors = result.error.issues.map((issue) => ({
        path: [result.target, ...issue.path.map(String)].join('.'),
        message: issue.message,
      }));
      return problem(c, 'invalid_request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
        errors,
      });
    },
  });
}
