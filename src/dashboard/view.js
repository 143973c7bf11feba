// @ts-check
// What every page shares: its lifetime, coalesced refreshes, error wording.

import { ApiError, errorText } from './api.js';
import { follow } from './live.js';
import { liveOptions, setConnection, signOut } from './session.js';

/**
 * Everything a view starts (streams, timers) stops when the user navigates away.
 * @typedef {{ alive: boolean, stoppers: (() => void)[], stop: () => void }} View
 * @returns {View}
 */
export function newView() {
  /** @type {View} */
  const view = {
    alive: true,
    stoppers: [],
    stop() {
      view.alive = false;
      for (const stop of view.stoppers) stop();
    },
  };
  return view;
}

/**
 * Runs `task` now, or once more right after the run in progress; errors go to `onError`.
 * @param {() => Promise<void>} task
 * @param {(error: unknown) => void} onError
 * @returns {() => Promise<void>}
 */
export function coalesced(task, onError) {
  /** @type {Promise<void> | null} */
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await task();
        } catch (error) {
          onError(error);
        }
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  return run;
}

/** @param {unknown} error */
export function describeError(error) {
  if (!(error instanceof ApiError)) return errorText(error);
  if (error.status === 0) return error.message;
  return `${error.problem.title ?? `HTTP ${error.status}`}: ${error.message}`;
}

/**
 * Keeps a page current: follows the stream at `path`, running `refresh` on every change (and polling while
 * the stream is down), until the view stops; refreshes once now.
 * @param {View} view
 * @param {string} path
 * @param {() => Promise<void>} refresh
 */
export function keepCurrent(view, path, refresh) {
  const feed = follow({
    path,
    onChange: () => void refresh(),
    poll: refresh,
    onStatus: (state, detail, messages) => view.alive && setConnection(state, detail, messages),
    onUnauthorized: (detail) => signOut(`Signed out: ${detail}.`),
    ...liveOptions,
  });
  view.stoppers.push(() => feed.stop());
  void refresh();
}
