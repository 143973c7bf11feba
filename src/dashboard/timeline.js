// @ts-check
// The incident's timeline: its hash-chained events, newest first, appended as they come.

import { getJson } from './api.js';
import { badge, h, humanise } from './dom.js';
import { dualTime } from './time.js';
import { coalesced } from './view.js';

/** @typedef {import('./types.js').EventRecord} EventRecord */
/** @typedef {import('./types.js').EventDef} EventDef */
/** @typedef {import('./types.js').Incident} Incident */

/**
 * A payload in words: each field under its schema title (or its key in words), nested values as JSON.
 * @param {Record<string, unknown>} payload
 * @param {any} schema the event's payload JSON Schema, if known
 */
function payloadList(payload, schema) {
  return h(
    'dl',
    { class: 'payload-fields' },
    Object.entries(payload).map(([key, value]) => [
      h('dt', { class: 'field-name' }, schema?.properties?.[key]?.title ?? humanise(key)),
      h(
        'dd',
        { class: 'field-value' },
        value !== null && typeof value === 'object'
          ? h('pre', {}, JSON.stringify(value, null, 2))
          : String(value),
      ),
    ]),
  );
}

/**
 * @param {{ alive: boolean }} view
 * @param {string} path the incident's API path
 * @param {{ eventDef: (type: string) => EventDef | undefined, incident: () => Incident | null,
 *   onError: (error: unknown) => void }} options
 */
export function timelinePanel(view, path, { eventDef, incident, onError }) {
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
    const def = eventDef(event.type);
    const title = def?.title;
    const shown = incident();
    const exercise = shown?.mode === 'exercise';
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
        dualTime(event.occurredAt, shown?.timeZone ?? null),
        exercise ? h('span', { class: 'muted' }, ' exercise time') : null,
        ' ',
        h('span', { class: 'event-title' }, title ?? humanise(event.type)),
        ' ',
        h('code', { class: 'type' }, event.type),
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
            h('summary', {}, 'Details'),
            payloadList(event.payload, def?.payloadSchema),
          )
        : null,
    );
  }
  return { el, load };
}
