// @ts-check
// The incident's timeline: its hash-chained events, newest first, appended as they come.

import { getJson } from './api.js';
import { badge, formatTime, h } from './dom.js';
import { coalesced } from './view.js';

/** @typedef {import('./types.js').EventRecord} EventRecord */
/** @typedef {import('./types.js').EventDef} EventDef */

/**
 * @param {{ alive: boolean }} view
 * @param {string} path the incident's API path
 * @param {{ eventDef: (type: string) => EventDef | undefined, onError: (error: unknown) => void }} options
 */
export function timelinePanel(view, path, { eventDef, onError }) {
  const el = h('ol', { class: 'timeline', id: 'timeline', reversed: true });
  let lastSeq = 0;

  /** Appends the events after the last one shown; one run at a time, so nothing is shown twice. */
  const load = coalesced(async () => {
    for (;;) {
      const { data } = await getJson(`${path}/events?after=${lastSeq}&limit=1000`);
      if (!view.alive) return;
      for (const event of /** @type {EventRecord[]} */ (data.items)) {
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
        el.prepend(item(event));
      }
      if (data.items.length < 1000) return;
    }
  }, onError);

  /** @param {EventRecord} event */
  function item(event) {
    const title = eventDef(event.type)?.title;
    const hasPayload =
      event.payload && typeof event.payload === 'object' && Object.keys(event.payload).length > 0;
    return h(
      'li',
      { class: `event source-${event.source}`, dataset: { seq: String(event.seq), type: event.type } },
      h(
        'div',
        { class: 'event-line' },
        h('span', { class: 'seq' }, `#${event.seq}`),
        ' ',
        h('time', { datetime: event.occurredAt }, formatTime(event.occurredAt)),
        ' ',
        h('code', { class: 'type' }, event.type),
        title ? [' ', h('span', { class: 'event-title' }, title)] : null,
        ' ',
        badge(event.source, `source ${event.source}`),
        ' ',
        h('span', { class: 'actor' }, `by ${event.actor}`),
      ),
      event.payload?.rationale
        ? h('p', { class: 'rationale' }, `Rationale: ${event.payload.rationale}`)
        : null,
      event.note ? h('p', { class: 'note' }, event.note) : null,
      hasPayload
        ? h(
            'details',
            { class: 'payload' },
            h('summary', {}, 'payload'),
            h('pre', {}, JSON.stringify(event.payload, null, 2)),
          )
        : null,
    );
  }
  return { el, load };
}
