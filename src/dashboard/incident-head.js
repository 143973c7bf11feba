// @ts-check
// The incident page's head: title, badges, playbook, version, when it opened and last changed (on the exercise
// clock for an exercise), its time zone, and the report.

import { badge, formatTime, h, replace, severityBadge } from './dom.js';
import { reportLinks } from './reports.js';
import { dualTime } from './time.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').Playbook} Playbook */

/**
 * @param {HTMLElement} el
 * @param {Incident} incident
 * @param {Playbook | null} definition
 */
export function renderHead(el, incident, definition) {
  const exercise = incident.mode === 'exercise';
  replace(
    el,
    h('h1', { id: 'incident-title' }, incident.title),
    h(
      'div',
      { class: 'badges' },
      severityBadge(incident.severity),
      badge(incident.status, `status-${incident.status}`),
      incident.overdueItems.length ? badge(`${incident.overdueItems.length} overdue`, 'overdue') : null,
      exercise ? badge('exercise', 'exercise') : null,
    ),
    h(
      'p',
      { class: 'meta', id: 'incident-meta' },
      `${definition?.title ?? incident.playbookId} (v${incident.playbookVersion}) · version `,
      h('span', { id: 'incident-version' }, String(incident.version)),
      incident.openedBy ? ` · opened by ${incident.openedBy}` : '',
      ' · opened ',
      dualTime(incident.openedAt, incident.timeZone),
      exercise
        ? [
            ' · exercise clock now ',
            h('strong', { id: 'exercise-clock' }, dualTime(incident.clock, incident.timeZone)),
          ]
        : [' · updated ', h('time', { datetime: incident.updatedAt }, formatTime(incident.updatedAt))],
      incident.closedAt ? ` · closed ${formatTime(incident.closedAt)}` : '',
      exercise ? h('span', { class: 'muted' }, ' — times are exercise time') : null,
    ),
    h(
      'p',
      { class: 'meta' },
      `Time zone: ${incident.timeZone ?? 'not set'} · `,
      reportLinks(`/v1/incidents/${encodeURIComponent(incident.id)}/report`, `incident-${incident.id}`),
    ),
  );
}
