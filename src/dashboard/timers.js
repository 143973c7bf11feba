// @ts-check
// Every pending timer of the incident, soonest first, routine ones marked (the Now panel shows the deadlines
// that matter; this is the full list).

import { h, replace } from './dom.js';
import { dualTime, timeLeft } from './time.js';

/** @typedef {import('./types.js').Incident} Incident */

/**
 * @param {HTMLElement} el
 * @param {Incident} incident
 */
export function renderTimers(el, incident) {
  const list = [...incident.timers].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  if (list.length === 0) {
    replace(el, h('p', { class: 'muted' }, 'No pending timers.'));
    return;
  }
  replace(
    el,
    h(
      'table',
      { class: 'timers' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Timer'), h('th', {}, 'Due'), h('th', {}, 'Left'))),
      h(
        'tbody',
        {},
        list.map((t) =>
          h(
            'tr',
            { dataset: { timerId: t.id }, class: t.routine ? 'routine' : '' },
            h('td', {}, t.label, t.routine ? h('span', { class: 'muted' }, ' (routine)') : null),
            h('td', {}, dualTime(t.dueAt, incident.timeZone)),
            h('td', {}, timeLeft(t.dueAt, incident)),
          ),
        ),
      ),
    ),
  );
}
