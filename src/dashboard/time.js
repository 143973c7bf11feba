// @ts-check
// Times as a responder needs them: in the incident's time zone and the viewer's, each zone named; and, for
// an exercise, on the exercise's own (virtual) clock, never the wall clock.

import { formatDuration, h } from './dom.js';

/** @typedef {import('./types.js').Incident} Incident */

const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * `iso` in `zone` with the zone's short name: "Mar 09, 14:05 EST".
 * @param {string} iso
 * @param {string} zone
 */
export function timeIn(iso, zone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return date.toLocaleString(undefined, {
      timeZone: zone,
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
  } catch {
    return date.toISOString();
  }
}

/**
 * A time for the incident: in its zone (named), then in the viewer's when that differs.
 * @param {string} iso
 * @param {string | null} incidentZone
 */
export function dualTime(iso, incidentZone) {
  const zone = incidentZone ?? viewerZone;
  const there = timeIn(iso, zone);
  const title = `${there} (${zone})`;
  if (zone === viewerZone) return h('time', { datetime: iso, title, class: 'dual-time' }, there);
  return h(
    'time',
    {
      datetime: iso,
      title: `${title}; yours: ${timeIn(iso, viewerZone)} (${viewerZone})`,
      class: 'dual-time',
    },
    there,
    h('span', { class: 'yours' }, ` · ${timeIn(iso, viewerZone)} yours`),
  );
}

/**
 * "in 3h 20m" / "overdue by 2d 04:10": a live incident's counts down on the wall clock (the page-wide ticker
 * updates it); an exercise's is fixed against the exercise clock and labelled as exercise time.
 * @param {string} dueAt
 * @param {Pick<Incident, 'mode' | 'clock'>} incident
 */
export function timeLeft(dueAt, incident) {
  if (incident.mode !== 'exercise') {
    const el = h('span', { class: 'countdown', dataset: { due: dueAt } });
    updateCountdown(el, Date.now());
    return el;
  }
  const left = Date.parse(dueAt) - Date.parse(incident.clock);
  return h(
    'span',
    { class: `exercise-time${left < 0 ? ' late' : ''}`, title: 'on the exercise clock' },
    left < 0 ? `overdue by ${formatDuration(left)}` : `in ${formatDuration(left)}`,
    ' (exercise time)',
  );
}

/**
 * How long ago `since` was: on the wall clock for a live incident, the exercise clock for an exercise.
 * @param {string} since
 * @param {Pick<Incident, 'mode' | 'clock'>} incident
 */
export function agoText(since, incident) {
  const now = incident.mode === 'exercise' ? Date.parse(incident.clock) : Date.now();
  return formatDuration(now - Date.parse(since));
}

/**
 * @param {HTMLElement} el
 * @param {number} now
 */
function updateCountdown(el, now) {
  const left = Date.parse(el.dataset.due ?? '') - now;
  const late = left < 0;
  el.textContent = late ? `overdue by ${formatDuration(left)}` : `in ${formatDuration(left)}`;
  el.classList.toggle('late', late);
  el.classList.toggle('soon', !late && left < 3_600_000);
}

/** Updates every live countdown on the page; called once a second. */
export function tickCountdowns() {
  const now = Date.now();
  for (const el of document.querySelectorAll('.countdown[data-due]')) {
    if (el instanceof HTMLElement) updateCountdown(el, now);
  }
}
