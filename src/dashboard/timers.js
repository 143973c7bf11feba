// @ts-check
// The incident's pending timers, soonest first, with live countdowns.

import { countdown, formatTime, h, replace } from './dom.js';

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
      h('thead', {}, h('tr', {}, h('th', {}, 'Deadline'), h('th', {}, 'Due'), h('th', {}, 'Left'))),
      h(
        'tbody',
        {},
        list.map((t) =>
          h(
            'tr',
            { dataset: { timerId: t.id } },
            h('td', { title: t.event }, t.label),
            h('td', {}, formatTime(t.dueAt)),
            h('td', {}, countdown(t.dueAt)),
          ),
        ),
      ),
    ),
  );
}
