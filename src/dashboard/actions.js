// @ts-check
// What the caller can record now, ranked: actions that settle an overdue item first, then those before a near
// deadline, grouped by track; the rest folded, and what only other roles can do folded apart.

import { h, humanise, replace } from './dom.js';
import { rankedActions } from './urgency.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').AllowedEvent} AllowedEvent */
/** @typedef {import('./types.js').EventDef} EventDef */
/** @typedef {ReturnType<typeof rankedActions>[number]} Ranked */

/**
 * @param {Ranked[]} ranked
 * @param {(allowed: AllowedEvent) => void} choose
 * @param {(type: string) => EventDef | undefined} eventDef
 */
function byTrackGroups(ranked, choose, eventDef) {
  /** @type {Map<string, Ranked[]>} */
  const groups = new Map();
  for (const item of ranked) groups.set(item.track, [...(groups.get(item.track) ?? []), item]);
  return [...groups].map(([track, list]) =>
    h(
      'div',
      { class: 'action-group', dataset: { track } },
      h('h4', {}, humanise(track)),
      h(
        'div',
        { class: 'event-buttons' },
        list.map(({ allowed, rank, reason }) =>
          h(
            'button',
            {
              type: 'button',
              class: `event-button${rank === 0 ? ' settles-overdue' : rank === 1 ? ' before-deadline' : ''}`,
              dataset: { eventType: allowed.type, rank: String(rank) },
              title: [eventDef(allowed.type)?.description, reason].filter(Boolean).join('\n'),
              onclick: () => choose(allowed),
            },
            allowed.title,
            reason ? h('span', { class: 'reason' }, reason) : null,
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {HTMLElement} el
 * @param {Incident} incident
 * @param {{ eventDef: (type: string) => EventDef | undefined, choose: (allowed: AllowedEvent) => void }} options
 */
export function renderActions(el, incident, { eventDef, choose }) {
  if (incident.status === 'closed') {
    replace(el, h('p', { class: 'muted' }, 'This incident is closed; it accepts no more events.'));
    return;
  }
  const ranked = rankedActions(incident);
  const first = ranked.filter((r) => r.rank < 2);
  const rest = ranked.filter((r) => r.rank === 2);
  const others = incident.allowedEvents.filter((e) => !e.permitted);
  replace(
    el,
    ranked.length === 0 ? h('p', { class: 'muted' }, 'Nothing your roles can record right now.') : null,
    first.length
      ? h('div', { class: 'first-actions', id: 'first-actions' }, byTrackGroups(first, choose, eventDef))
      : null,
    rest.length
      ? h(
          'details',
          { class: 'more-actions', id: 'more-actions', open: first.length === 0 },
          h(
            'summary',
            {},
            first.length ? `${rest.length} more you can record` : `${rest.length} you can record`,
          ),
          byTrackGroups(rest, choose, eventDef),
        )
      : null,
    others.length === 0
      ? null
      : h(
          'details',
          { class: 'others' },
          h('summary', {}, `${others.length} more open to other roles`),
          h(
            'ul',
            {},
            others.map((e) =>
              h(
                'li',
                {},
                `${e.title} `,
                h('span', { class: 'muted' }, `(${e.roles.map(humanise).join(', ')})`),
              ),
            ),
          ),
        ),
  );
}
