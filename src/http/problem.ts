import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { clip, type ErrorCode, errorCodes } from '../engine';

const statusOf = Object.fromEntries(
  Object.entries(errorCodes).map(([code, { status }]) => [code, status]),
) as Record<ErrorCode, ContentfulStatusCode>;

/** A detail never grows past this, whatever it quotes. */
const MAX_DETAIL = 8000;

/**
 * An RFC 9457 problem+json response with holdfast's stable `code`. A `retryAfter` (seconds) in `extra` is
 * also sent as `Retry-After`.
 */
export function problem(
  c: Context,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  status: ContentfulStatusCode = statusOf[code],
): Response {
  const body = {
    type: `https://holdfast.dev/problems/${code}`,
    title: errorCodes[code].title,
    status,
    detail: clip(detail, MAX_DETAIL),
    code,
    ...extra,
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="holdfast"';
  if (typeof extra.retryAfter === 'number') headers['retry-after'] = String(extra.retryAfter);
  return c.body(JSON.stringify(body), status, headers);
}

export { statusOf };
