// @ts-check
// The top of the incident page: what is overdue (in words, for how long), the next deadlines that are not
// routine, then what the caller can do about them (actions.js).

import { h, replace } from './dom.js';
import { agoText, dualTime, timeLeft } from './time.js';
import { upcomingDeadlines } from './urgency.js';

/** @typedef {import('./types.js').Incident} Incident */

/** How many upcoming deadlines the panel lists. */
const DEADLINES_SHOWN = 5;

/**
 * @param {HTMLElement} el
 * @param {Incident} incident
 */
export function renderNow(el, incident) {
  const exercise = incident.mode === 'exercise';
  const overdue = incident.overdueItems;
  const upcoming = upcomingDeadlines(incident).slice(0, DEADLINES_SHOWN);
  replace(
    el,
    h('h3', {}, 'Overdue'),
    overdue.length
      ? h(
          'ul',
          { class: 'overdue-items', id: 'now-overdue' },
          overdue.map((item) =>
            h(
              'li',
              { dataset: { kind: item.kind } },
              h('strong', {}, item.label),
              ` — overdue by ${agoText(item.since, incident)}${exercise ? ' (exercise time)' : ''}; was due `,
              dualTime(item.dueAt, incident.timeZone),
            ),
          ),
        )
      : h('p', { class: 'muted', id: 'now-overdue' }, 'Nothing is overdue.'),
    h('h3', {}, 'Next deadlines'),
    upcoming.length
      ? h(
          'ul',
          { class: 'deadlines', id: 'now-deadlines' },
          upcoming.map((d) =>
            h(
              'li',
              { class: 'deadline', dataset: { kind: d.kind } },
              h('span', { class: 'label' }, d.kind === 'clock' ? `⏱ ${d.label}` : d.label),
              d.recipient ? h('span', { class: 'muted' }, ` (to ${d.recipient})`) : null,
              ' ',
              timeLeft(d.dueAt, incident),
              ' · ',
              dualTime(d.dueAt, incident.timeZone),
            ),
          ),
        )
      : h('p', { class: 'muted', id: 'now-deadlines' }, 'No deadlines ahead.'),
  );
}
