// @ts-check
// Who is signed in, which mode (live incidents or exercises) the pages show, the connection badge.

import { clearCache, endSession, token } from './api.js';
import { clearPlaybooks } from './playbooks.js';

/** @typedef {import('./types.js').Me} Me */

const MODE_KEY = 'holdfast.mode';

export const session = {
  /** The caller (`GET /v1/me`): signed in by a token or by the OpenID Connect session; null when signed out. @type {Me | null} */
  me: null,
  offerSignIn: false,
  loginMessage: '',
};

/** Shows the page the address names; set by app.js. @type {() => void} */
let show = () => {};
/** @param {() => void} route */
export function setRouter(route) {
  show = route;
}
export const route = () => show();

/** @returns {'live' | 'exercise'} */
export const currentMode = () => (sessionStorage.getItem(MODE_KEY) === 'exercise' ? 'exercise' : 'live');

/** @param {'live' | 'exercise'} mode */
export function setMode(mode) {
  sessionStorage.setItem(MODE_KEY, mode);
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('mode'));
  select.value = mode;
}

/** @param {string} [message] */
export function signOut(message) {
  if (session.me?.authenticatedBy === 'session') void endSession();
  session.me = null;
  token.clear();
  clearCache();
  clearPlaybooks();
  session.loginMessage = message ?? '';
  route();
}

const params = new URLSearchParams(location.search);
/**
 * Query flags (for tests and troubleshooting): ?poll=0 never polls (updates only through the stream),
 * ?sse=0 never streams (polling only), ?pollMs=2000 polling period.
 */
export const liveOptions = {
  allowPoll: params.get('poll') !== '0',
  allowSse: params.get('sse') !== '0',
  pollMs: Math.max(1000, Number(params.get('pollMs')) || 5000),
};

/**
 * @param {string} state
 * @param {string} [detail]
 * @param {number} [messages]
 */
export function setConnection(state, detail = '', messages = 0) {
  const conn = /** @type {HTMLElement} */ (document.getElementById('conn'));
  conn.dataset.state = state;
  conn.dataset.messages = String(messages);
  conn.title = detail || state;
  conn.textContent =
    {
      live: '● live',
      polling: '◌ polling',
      connecting: '… connecting',
      offline: '○ offline',
      static: '· as loaded',
    }[state] ?? state;
}
