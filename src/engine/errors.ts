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
  playbook_version_taken: { status: 409, title: 'Playbook version already published' },
  idempotency_conflict: { status: 422, title: 'Idempotency-Key reused with a different request' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  incident_too_large: { status: 422, title: 'Incident too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
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

/** How many issues a 400 lists, and how long each issue's path and message may be: a junk body gets a short answer. */
const MAX_LISTED_ISSUES = 20;
const MAX_ISSUE_PATH = 100;
const MAX_ISSUE_MESSAGE = 200;

/** `text` cut to `max` characters, saying how long it was. */
export const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;

/**
 * The issues of a refused value, as a 400 lists them: at most MAX_LISTED_ISSUES, each path (from `root`) and
 * message cut short, with `errorCount` saying how many there were in all.
 */
export function listIssues(
  root: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): { errors: { path: string; message: string }[]; errorCount: number; summary: string } {
  const errors = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => ({
    path: clip([root, ...issue.path.map(String)].join('.'), MAX_ISSUE_PATH),
    message: clip(issue.message, MAX_ISSUE_MESSAGE),
  }));
  const more = issues.length - errors.length;
  const summary = errors.map((error) => `${error.path}: ${error.message}`).join('; ');
  return {
    errors,
    errorCount: issues.length,
    summary: more > 0 ? `${summary}; and ${more} more` : summary,
  };
}

/** Ids that are not UUIDs cannot exist: callers answer them "not found" before touching the database. */
export const isUuid = (id: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
