// @ts-check
// The incident page (#/incidents/<id>): head, then "Now" (overdue, next deadlines, the caller's actions ranked),
// active steps, the track-by-track diagram, every timer and the timeline; kept current over SSE.

import { renderActions } from './actions.js';
import { ApiError, getJson } from './api.js';
import { diagramPanel } from './diagram.js';
import { badge, h, humanise, replace } from './dom.js';
import { eventForm } from './event-form.js';
import { renderHead } from './incident-head.js';
import { renderNow } from './now-panel.js';
import { playbook } from './playbooks.js';
import { setMode } from './session.js';
import { timelinePanel } from './timeline.js';
import { renderTimers } from './timers.js';
import { byTrack } from './tracks.js';
import { coalesced, describeError, keepCurrent, newView } from './view.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').Playbook} Playbook */
/** @typedef {import('./types.js').AllowedEvent} AllowedEvent */

/**
 * @param {HTMLElement} main
 * @param {string} id
 */
export function incidentPage(main, id) {
  const view = newView();
  document.title = 'holdfast: incident';
  const path = `/v1/incidents/${encodeURIComponent(id)}`;

  const head = h('header', { class: 'incident-head', id: 'incident-head' }, h('p', {}, 'Loading…'));
  const notice = h('div', { class: 'notice', role: 'status', id: 'incident-notice' });
  const flash = h('div', { class: 'flash', role: 'status', id: 'flash', 'aria-live': 'polite' });
  const now = h('div', { class: 'now', id: 'now' });
  const actions = h('div', { class: 'actions', id: 'actions' });
  const formHost = h('div', { id: 'form-host' });
  const active = h('div', { id: 'active' });
  const timers = h('div', { id: 'timers' });
  const diagram = diagramPanel(view);
  /** @param {string} type */
  const eventDef = (type) => definition?.events?.find((e) => e.type === type);
  const timeline = timelinePanel(view, path, {
    eventDef,
    incident: () => incident,
    onError: (error) => {
      if (view.alive)
        replace(
          notice,
          h('span', { class: 'error' }, `Could not load the timeline: ${describeError(error)}`),
        );
    },
  });

  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/' }, '← Board')),
    head,
    notice,
    flash,
    h(
      'div',
      { class: 'incident-grid' },
      h(
        'div',
        { class: 'col' },
        h(
          'section',
          { class: 'panel now-panel', id: 'now-panel' },
          h('h2', {}, 'Now'),
          now,
          h('h3', {}, 'What you can record'),
          actions,
          formHost,
        ),
        h('section', { class: 'panel' }, h('h2', {}, 'Active steps'), active),
        h(
          'section',
          { class: 'panel' },
          h('details', {}, h('summary', {}, h('h2', {}, 'Every timer')), timers),
        ),
      ),
      h(
        'div',
        { class: 'col' },
        h('section', { class: 'panel' }, diagram.el),
        h('section', { class: 'panel' }, h('h2', {}, 'Timeline'), timeline.el),
      ),
    ),
  );

  /** @type {Incident | null} */
  let incident = null;
  /** @type {Playbook | null} */
  let definition = null;
  /** @type {ReturnType<typeof eventForm> | null} */
  let openForm = null;

  const load = coalesced(
    async () => {
      const { data, changed } = await getJson(path);
      if (!view.alive) return;
      notice.replaceChildren();
      // Every event bumps the version, so an unchanged version means an unchanged timeline too.
      if (changed || !incident || data.version !== incident.version) await show(data);
    },
    (error) => {
      if (!view.alive) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 403) && !incident) {
        replace(
          head,
          h('h1', {}, 'Incident not available'),
          h('p', { class: 'error' }, describeError(error)),
        );
        return;
      }
      replace(notice, h('span', { class: 'error' }, `Could not refresh: ${describeError(error)}`));
    },
  );

  /** @param {Incident} data */
  async function show(data) {
    incident = data;
    definition ??= await playbook(data.playbookId, data.playbookVersion).catch(() => null);
    if (!view.alive) return;
    document.title = `holdfast: ${data.title}`;
    // The mode picker follows the page: an exercise incident is among the exercises.
    setMode(data.mode);
    renderHead(head, data, definition);
    renderNow(now, data);
    renderActions(actions, data, { eventDef, choose: showForm });
    renderActive(data);
    renderTimers(timers, data);
    openForm?.incidentChanged(data);
    await Promise.all([timeline.load(), diagram.update(data)]);
  }

  /** @param {Incident} shown */
  function renderActive(shown) {
    const tracks = byTrack(shown.active);
    if (tracks.size === 0) {
      replace(active, h('p', { class: 'muted' }, 'No active steps.'));
      return;
    }
    replace(
      active,
      h(
        'dl',
        { class: 'tracks detailed' },
        [...tracks].map(([track, states]) => [
          h('dt', { dataset: { track } }, humanise(track)),
          h(
            'dd',
            { class: 'active-steps', dataset: { track } },
            states.map((s) =>
              h(
                'div',
                { class: 'step' },
                h('strong', {}, s.step),
                s.owner ? [' ', badge(humanise(s.owner), 'owner')] : null,
                s.description ? h('p', { class: 'description' }, s.description) : null,
                s.checklist?.length
                  ? h(
                      'ul',
                      { class: 'checklist' },
                      s.checklist.map((item) => h('li', {}, item)),
                    )
                  : null,
              ),
            ),
          ),
        ]),
      ),
    );
  }

  /** @param {AllowedEvent} allowed */
  function showForm(allowed) {
    openForm?.close();
    flash.replaceChildren();
    const form = eventForm({
      allowed,
      def: eventDef(allowed.type),
      incident: () => /** @type {Incident} */ (incident),
      reload: load,
      onSent: async (result) => {
        replace(
          flash,
          h(
            'span',
            { class: 'ok' },
            `Recorded "${allowed.title}" as event #${result.event.seq}; the incident is at version ${result.incident.version}.`,
          ),
        );
        if (result.incident.version !== incident?.version) await show(result.incident);
      },
      onClose: () => {
        if (openForm === form) openForm = null;
      },
    });
    replace(formHost, form.el);
    openForm = form;
    const first = form.el.querySelector('input, select, textarea');
    if (first instanceof HTMLElement) first.focus();
  }

  keepCurrent(view, `${path}/stream`, load);
  return view;
}
