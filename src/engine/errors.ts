/**
 * The stable error codes of the HTTP contract, each with its status and title: defined here once; the engine,
 * the tabletop and http raise them, http/problem.ts renders them, the OpenAPI document lists them.
 */
export const errorCodes = {
  invalid_request: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  event_not_allowed: { status: 409, title: 'Event not allowed now' },
  incident_closed: { status: 409, title: 'Incident closed' },
  version_mismatch: { status: 412, title: 'Version mismatch' },
  idempotency_conflict: { status: 422, title: 'Idempotency-Key reused with a different request' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * A request holdfast will not carry out, with one of the codes above: raised by the engine, the tabletop and
 * http alike, answered as a problem document (http/problem.ts). Anything else thrown is a bug, answered 500.
 */
export class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
