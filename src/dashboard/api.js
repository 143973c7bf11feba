// @ts-check
// The API client: bearer token from sessionStorage (or the sign-in's session cookie), ETag-aware GETs,
// problem+json errors.

const TOKEN_KEY = 'holdfast.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * An RFC 9457 problem as the API sends it, with holdfast's extension members.
 * @typedef {{ title?: string, detail?: string, message?: string, code?: string, currentVersion?: number,
 *   allowedEvents?: { type: string, title?: string }[], errors?: { path: string, message: string }[] } & Record<string, unknown>} Problem
 */

/** An API answer that was not 2xx/304; `problem` is the RFC 9457 body when there was one. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Problem} [problem]
   */
  constructor(status, problem) {
    super(problem?.detail ?? problem?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network' : 'http');
    this.problem = problem ?? {};
  }
}

/** The message of anything thrown. */
export const errorText = (/** @type {unknown} */ error) =>
  error instanceof Error ? error.message : String(error);

/**
 * Called on any 401: the page goes back to the token form.
 * @type {(detail: string) => void}
 */
let onUnauthorized = () => {};
/** @param {(detail: string) => void} handler */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * X-Requested-With on every call: the server accepts the session cookie only with it (a cross-site page can't send it).
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string>}
 */
export function authHeaders(extra = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'x-requested-with': 'holdfast-dashboard', ...extra };
  const secret = token.get();
  if (secret) headers.authorization = `Bearer ${secret}`;
  return headers;
}

async function problemOf(response) {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.trim() || `${response.status} ${response.statusText}` };
  }
}

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {Record<string, string>} [headers]
 * @property {AbortSignal} [signal]
 */

/**
 * fetch() with the token; throws ApiError on failure (status 0 = network error).
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<Response>}
 */
export async function request(path, { method = 'GET', body, headers = {}, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: authHeaders(body === undefined ? headers : { 'content-type': 'application/json', ...headers }),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw new ApiError(0, { detail: `the server cannot be reached (${errorText(error)})` });
  }
  if (response.status === 401) {
    const problem = await problemOf(response);
    onUnauthorized(problem.detail ?? 'the token was refused');
    throw new ApiError(401, problem);
  }
  if (!response.ok && response.status !== 304) throw new ApiError(response.status, await problemOf(response));
  return response;
}

/** Whether the server offers the OpenID Connect sign-in. */
export async function signInOffered() {
  const response = await fetch('/auth/status', { cache: 'no-store' }).catch(() => null);
  return response?.ok ? (await response.json()).signIn === true : false;
}

/** The caller (`GET /v1/me`) by token or session cookie, or null when neither is accepted. Never signs out. */
export async function whoAmI() {
  const response = await fetch('/v1/me', { headers: authHeaders(), cache: 'no-store' }).catch(() => null);
  return response?.ok ? response.json() : null;
}

/** Ends the sign-in's session (the provider's own session stays). */
export async function endSession() {
  await fetch('/auth/logout', { method: 'POST', headers: authHeaders() }).catch(() => {});
}

/** Last body and ETag per path, for If-None-Match. */
const cache = new Map();

export function clearCache() {
  cache.clear();
}

/**
 * GET JSON with If-None-Match. Resolves to { data, changed, etag }: `changed` is false when the
 * server answered 304 and `data` is the copy from the previous answer.
 */
/**
 * @param {string} path
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<{ data: any, changed: boolean, etag: string | null }>}
 */
export async function getJson(path, { signal } = {}) {
  const cached = cache.get(path);
  const response = await request(path, {
    signal,
    headers: cached?.etag ? { 'if-none-match': cached.etag } : {},
  });
  if (response.status === 304 && cached) return { data: cached.data, changed: false, etag: cached.etag };
  const data = await response.json();
  const etag = response.headers.get('etag');
  if (etag) cache.set(path, { etag, data });
  return { data, changed: true, etag };
}

/**
 * @param {string} path
 * @param {{ signal?: AbortSignal, accept?: string }} [options]
 */
export async function getText(path, { signal, accept } = {}) {
  const response = await request(path, { signal, headers: accept ? { accept } : {} });
  return response.text();
}

/**
 * POST …/events with If-Match (the incident version the user was looking at) and an Idempotency-Key,
 * so that a retry after a lost answer is recorded at most once.
 */
/**
 * @param {string} incidentId
 * @param {number} version
 * @param {{ type: string, payload?: unknown, note?: string }} body
 * @param {string} [idempotencyKey]
 */
export async function sendEvent(incidentId, version, body, idempotencyKey) {
  /** @type {Record<string, string>} */
  const headers = { 'if-match': `"${version}"` };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await request(`/v1/incidents/${encodeURIComponent(incidentId)}/events`, {
    method: 'POST',
    body,
    headers,
  });
  return response.json();
}
