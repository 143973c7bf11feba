// @ts-check
// Live updates: Server-Sent Events read with fetch() (EventSource cannot send the Authorization
// header), resumed with Last-Event-ID; ETag polling while the stream is down.

import { authHeaders, errorText } from './api.js';

/** Splits an SSE byte stream into messages (WHATWG HTML, "event stream interpretation"). */
export function sseParser(onMessage, onActivity = () => {}) {
  const decoder = new TextDecoder();
  let buffer = '';
  let data = [];
  let type = '';
  let id;
  const dispatch = () => {
    if (data.length > 0) onMessage({ type: type || 'message', data: data.join('\n'), id });
    data = [];
    type = '';
  };
  const line = (text) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return; // comment, e.g. ": heartbeat"
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  return {
    push(chunk) {
      onActivity();
      let text = buffer + decoder.decode(chunk, { stream: true });
      // A trailing '\r' may be the first half of '\r\n': keep it (and its line) for the next chunk.
      const heldCr = text.endsWith('\r');
      if (heldCr) text = text.slice(0, -1);
      const lines = text.split(/\r\n|\n|\r/);
      buffer = (lines.pop() ?? '') + (heldCr ? '\r' : '');
      for (const each of lines) line(each);
    },
    get lastId() {
      return id;
    },
  };
}

/**
 * Follows `path` (an SSE endpoint). `onChange(data)` runs for every change message (data = the parsed JSON,
 * or null when a message could not be read: refresh everything). While the stream is down, `poll()` runs
 * every `pollMs` (unless `allowPoll` is false) and the stream is retried with backoff.
 * `onStatus(state, detail)`: state is 'connecting' | 'live' | 'polling' | 'offline'.
 */
export function follow({
  path,
  onChange,
  poll,
  onStatus,
  onUnauthorized,
  pollMs = 5000,
  allowPoll = true,
  allowSse = true,
}) {
  let stopped = false;
  let controller;
  let lastId;
  let retryTimer;
  let pollTimer;
  let watchdog;
  let failures = 0;
  let messages = 0;

  const status = (state, detail = '') => {
    if (!stopped) onStatus?.(state, detail, messages);
  };

  const startPolling = () => {
    if (!allowPoll || pollTimer) return;
    pollTimer = setInterval(() => {
      Promise.resolve(poll?.()).catch(() => {});
    }, pollMs);
  };
  const stopPolling = () => {
    clearInterval(pollTimer);
    pollTimer = undefined;
  };

  const fail = (detail, delay) => {
    clearTimeout(watchdog);
    if (stopped) return;
    status(allowPoll ? 'polling' : 'offline', detail);
    startPolling();
    failures += 1;
    const wait = delay ?? Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
    retryTimer = setTimeout(connect, wait);
  };

  async function connect() {
    if (stopped) return;
    controller = new AbortController();
    const headers = authHeaders({ accept: 'text/event-stream' });
    if (lastId !== undefined) headers['last-event-id'] = lastId;
    status('connecting');
    let response;
    try {
      response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
    } catch (error) {
      if (!stopped) fail(`stream unreachable (${errorText(error)})`);
      return;
    }
    if (response.status === 401) {
      const problem = await response.json().catch(() => ({}));
      onUnauthorized?.(problem.detail ?? 'unknown or revoked');
      return;
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
      response.body?.cancel().catch(() => {});
      // 404/501: this server has no stream; 403: not for this token. Poll, and try again later.
      fail(`stream answered ${response.status}`, 30_000);
      return;
    }
    failures = 0;
    stopPolling();
    status('live');
    // Catch up on anything that changed before the stream opened.
    Promise.resolve(poll?.()).catch(() => {});
    const armWatchdog = () => {
      clearTimeout(watchdog);
      // Heartbeats come every ~15 s; 45 s of silence means a dead connection.
      watchdog = setTimeout(() => controller.abort(), 45_000);
    };
    const parser = sseParser((message) => {
      if (message.id !== undefined) lastId = message.id;
      if (message.type !== 'change' && message.type !== 'message') {
        onChange(null);
        return;
      }
      messages += 1;
      status('live');
      let data = null;
      try {
        data = JSON.parse(message.data);
      } catch {
        data = null;
      }
      onChange(data);
    }, armWatchdog);
    armWatchdog();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      if (!stopped) fail('stream ended; reconnecting', 500);
    } catch (error) {
      if (!stopped) fail(`stream lost (${errorText(error)}); reconnecting`);
    }
  }

  if (allowSse) void connect();
  else {
    status(allowPoll ? 'polling' : 'offline', 'streaming disabled');
    startPolling();
  }

  return {
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(watchdog);
      stopPolling();
      controller?.abort();
    },
  };
}
