/** Stable error codes of the HTTP contract; the engine raises them, http/ maps them to statuses. */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'event_not_allowed'
  | 'version_mismatch'
  | 'incident_closed'
  | 'idempotency_conflict'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal';

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
