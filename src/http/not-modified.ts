import type { IncomingMessage, ServerResponse } from 'node:http';
import { canSeeMode, type Engine, type TokenService } from '../engine';
import type { Actor } from '../playbook-kit';
import { bearerSecret } from './auth';
import type { RequestRecorder } from './observe';
import { isUuid } from './schemas';

/** Whether an `If-None-Match` header names `etag` (or `*`); weak tags compare by their value. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header === etag) return true; // what a dashboard sends back: no list to split
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === etag || value === '*' || (value.startsWith('W/') && value.slice(2) === etag);
  });
}

/**
 * The ETag to answer 304 with when the caller's `If-None-Match` names the incident's current version as
 * this instance knows it without a query (the version cache), and the caller may see the incident.
 * Undefined when only the database can tell.
 */
export function knownNotModified(
  engine: Engine,
  id: string,
  actor: Actor,
  ifNoneMatch: string | undefined,
): string | undefined {
  if (!ifNoneMatch || !isUuid(id)) return undefined;
  const known = engine.knownVersion(id);
  if (!known || !canSeeMode(actor, known.mode)) return undefined;
  const etag = `"${known.version}"`;
  return ifNoneMatchHits(ifNoneMatch, etag) ? etag : undefined;
}

export const INCIDENT_ROUTE = '/v1/incidents/:id';
const incidentPrefix = '/v1/incidents/';

/**
 * A dashboard re-polling an incident it already has, answered on Node's request before the app sees it:
 * `GET /v1/incidents/<id>` with `If-None-Match` naming the current version, from a token and a version
 * this instance already knows, is a 304 with the same headers, metrics and access-log line the app would
 * give. Everything else (an unknown token, an unknown or changed version, any other path, a query
 * string) returns false and goes to the app, which answers it in full. Polls are most of a dashboard's
 * traffic; this is what makes them nearly free.
 */
export function notModifiedShortcut(deps: {
  engine: Engine;
  tokens: TokenService;
  recorder: RequestRecorder;
}): (incoming: IncomingMessage, outgoing: ServerResponse) => boolean {
  const { engine, tokens, recorder } = deps;
  return (incoming, outgoing) => {
    const started = performance.now();
    const { method, url = '', headers } = incoming;
    if (method !== 'GET' || !url.startsWith(incidentPrefix) || !headers['if-none-match']) return false;
    const secret = bearerSecret(headers.authorization);
    const actor = secret === undefined ? undefined : tokens.authenticateKnown(secret);
    if (!actor) return false;
    const etag = knownNotModified(engine, url.slice(incidentPrefix.length), actor, headers['if-none-match']);
    if (!etag) return false;
    const id = recorder.requestId(headers['x-request-id'] as string | undefined);
    outgoing.writeHead(304, { ETag: etag, 'X-Request-Id': id });
    outgoing.end();
    recorder.record({ id, method, route: INCIDENT_ROUTE, status: 304, started, actor });
    return true;
  };
}
