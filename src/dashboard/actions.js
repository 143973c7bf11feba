// @ts-check
// What the caller can record now: a button per event their roles allow, the rest folded.

import { h, humanise, replace } from './dom.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').AllowedEvent} AllowedEvent */
/** @typedef {import('./types.js').EventDef} EventDef */

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
  const mine = incident.allowedEvents.filter((e) => e.permitted);
  const others = incident.allowedEvents.filter((e) => !e.permitted);
  replace(
    el,
    mine.length === 0
      ? h('p', { class: 'muted' }, 'Nothing your roles can record right now.')
      : h(
          'div',
          { class: 'event-buttons' },
          mine.map((allowed) =>
            h(
              'button',
              {
                type: 'button',
                class: 'event-button',
                dataset: { eventType: allowed.type },
                title: eventDef(allowed.type)?.description ?? allowed.type,
                onclick: () => choose(allowed),
              },
              allowed.title,
            ),
          ),
        ),
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
