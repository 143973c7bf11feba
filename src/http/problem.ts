import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../engine';

const statusOf: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  event_not_allowed: 409,
  incident_closed: 409,
  version_mismatch: 412,
  idempotency_conflict: 422,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

const titleOf: Record<ErrorCode, string> = {
  invalid_request: 'Invalid request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  event_not_allowed: 'Event not allowed now',
  incident_closed: 'Incident closed',
  version_mismatch: 'Version mismatch',
  idempotency_conflict: 'Idempotency-Key reused with a different request',
  payload_too_large: 'Payload too large',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** An RFC 9457 problem+json response with holdfast's stable `code`. */
export function problem(
  c: Context,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  status: ContentfulStatusCode = statusOf[code],
): Response {
  const body = {
    type: `https://holdfast.dev/problems/${code}`,
    title: titleOf[code],
    status,
    detail,
    code,
    ...extra,
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="holdfast"';
  return c.body(JSON.stringify(body), status, headers);
}

export { statusOf };
