// @ts-check
// The board (#/): the open incidents of the chosen mode, most urgent first, kept current over SSE.

import { ApiError, getJson } from './api.js';
import { badge, countdown, formatTime, h, humanise, replace, severityBadge } from './dom.js';
import { follow } from './live.js';
import { playbookTitles } from './playbooks.js';
import { currentMode, liveOptions, route, setConnection, setMode, signOut } from './session.js';
import { byTrack } from './tracks.js';
import { coalesced, describeError, newView } from './view.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').IncidentSummary} IncidentSummary */
/** @typedef {import('./types.js').Timer} Timer */

/** @type {Record<string, number>} */
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };

/** @param {Timer[] | undefined} timers */
const nextTimer = (timers) =>
  [...(timers ?? [])].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];

/** @param {HTMLElement} main */
export function boardPage(main) {
  const view = newView();
  const mode = currentMode();
  document.title = mode === 'exercise' ? 'holdfast: exercises' : 'holdfast: open incidents';
  const notice = h('div', { class: 'notice', role: 'status', id: 'board-notice' });
  const board = h('div', { class: 'board', id: 'board', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  replace(
    main,
    h(
      'section',
      {},
      h('h1', {}, mode === 'exercise' ? 'Open exercise incidents' : 'Open incidents'),
      notice,
      board,
    ),
  );

  /** @type {Map<string, Incident>} */
  const details = new Map();
  /** @type {IncidentSummary[]} */
  let items = [];

  const refresh = coalesced(
    async () => {
      const { data } = await getJson(`/v1/incidents?status=open&mode=${mode}&limit=200`);
      if (!view.alive) return;
      items = data.items;
      await Promise.all(
        items.map(async (item) => {
          const known = details.get(item.id);
          if (known && known.version === item.version) return;
          const { data: incident } = await getJson(`/v1/incidents/${item.id}`);
          details.set(item.id, incident);
        }),
      );
      if (!view.alive) return;
      notice.replaceChildren();
      render(await playbookTitles());
    },
    (error) => {
      if (!view.alive) return;
      if (error instanceof ApiError && error.status === 403 && mode === 'live') {
        replace(
          notice,
          h('span', {}, `${error.message}. `),
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                setMode('exercise');
                route();
              },
            },
            'Show exercises',
          ),
        );
        board.replaceChildren();
        return;
      }
      replace(notice, h('span', { class: 'error' }, `Could not refresh the board: ${describeError(error)}`));
    },
  );

  /** @param {Map<string, string>} titles */
  function render(titles) {
    const cards = items
      .map((item) => ({ item, incident: details.get(item.id) }))
      .map(({ item, incident }) => ({ item, incident, next: nextTimer(incident?.timers) }))
      .sort(
        (a, b) =>
          Number(b.item.overdue) - Number(a.item.overdue) ||
          (SEVERITY_RANK[a.item.severity] ?? 9) - (SEVERITY_RANK[b.item.severity] ?? 9) ||
          (a.next ? Date.parse(a.next.dueAt) : Number.POSITIVE_INFINITY) -
            (b.next ? Date.parse(b.next.dueAt) : Number.POSITIVE_INFINITY),
      );
    if (cards.length === 0) {
      replace(board, h('p', { class: 'empty' }, 'No open incidents.'));
      return;
    }
    replace(
      board,
      cards.map(({ item, incident, next }) => card(item, incident, next, titles)),
    );
  }

  /**
   * @param {IncidentSummary} item
   * @param {Incident | undefined} incident
   * @param {Timer | undefined} next
   * @param {Map<string, string>} titles
   */
  function card(item, incident, next, titles) {
    const tracks = byTrack(incident?.active);
    return h(
      'article',
      {
        class: `card${item.overdue ? ' is-overdue' : ''}`,
        dataset: { incidentId: item.id, version: String(item.version) },
      },
      h(
        'header',
        {},
        h('a', { class: 'card-title', href: `#/incidents/${encodeURIComponent(item.id)}` }, item.title),
        h(
          'div',
          { class: 'badges' },
          severityBadge(item.severity),
          item.overdue ? badge('overdue', 'overdue') : null,
          item.mode === 'exercise' ? badge('exercise', 'exercise') : null,
        ),
      ),
      h(
        'div',
        { class: 'meta' },
        `${titles.get(item.playbookId) ?? item.playbookId} (v${item.playbookVersion}) · version ${item.version} · updated ${formatTime(item.updatedAt)}`,
      ),
      h(
        'dl',
        { class: 'tracks' },
        [...tracks].map(([track, states]) => [
          h('dt', { dataset: { track } }, humanise(track)),
          h(
            'dd',
            { class: 'active-steps', dataset: { track } },
            states.map((s) => h('div', { class: 'step', title: s.description }, s.step)),
          ),
        ]),
      ),
      h(
        'div',
        { class: 'deadline' },
        next
          ? [h('span', { class: 'label' }, 'Next deadline: '), `${next.label} `, countdown(next.dueAt)]
          : h('span', { class: 'muted' }, 'No pending deadlines'),
      ),
    );
  }

  const feed = follow({
    path: `/v1/stream${mode === 'exercise' ? '?mode=exercise' : ''}`,
    onChange: () => void refresh(),
    poll: refresh,
    onStatus: (state, detail, messages) => view.alive && setConnection(state, detail, messages),
    onUnauthorized: (detail) => signOut(`Signed out: ${detail}.`),
    ...liveOptions,
  });
  view.stoppers.push(() => feed.stop());
  void refresh();
  return view;
}
