import { OpenAPIHono } from '@hono/zod-openapi';
import { listIssues } from '../engine';
import type { App, AppEnv } from './context';
import { problem } from './problem';

/**
 * A router of the API: requests its schemas refuse are answered 400 naming the first issues by their paths,
 * and how many there were.
 */
export function router(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const { errors, errorCount, summary } = listIssues(result.target, result.error.issues);
      return problem(c, 'invalid_request', summary, { errors, errorCount });
    },
  });
}
