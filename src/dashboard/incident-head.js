// @ts-check
// The incident page's head: title, badges, playbook, version, when it was opened and last changed.

import { badge, formatTime, h, replace, severityBadge } from './dom.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').Playbook} Playbook */

/**
 * @param {HTMLElement} el
 * @param {Incident} incident
 * @param {Playbook | null} definition
 */
export function renderHead(el, incident, definition) {
  replace(
    el,
    h('h1', { id: 'incident-title' }, incident.title),
    h(
      'div',
      { class: 'badges' },
      severityBadge(incident.severity),
      badge(incident.status, `status-${incident.status}`),
      incident.overdue ? badge('overdue', 'overdue') : null,
      incident.mode === 'exercise' ? badge('exercise', 'exercise') : null,
    ),
    h(
      'p',
      { class: 'meta' },
      `${definition?.title ?? incident.playbookId} (v${incident.playbookVersion}) · version `,
      h('span', { id: 'incident-version' }, String(incident.version)),
      ` · opened ${formatTime(incident.createdAt)} · updated ${formatTime(incident.updatedAt)}`,
      incident.closedAt ? ` · closed ${formatTime(incident.closedAt)}` : '',
    ),
  );
}
