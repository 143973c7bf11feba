// @ts-check
// The board (#/): the incidents of the chosen mode, most urgent first: what is overdue and for how long, the
// next deadlines that are not routine, the running clocks, severity and who opened it. Filters: mine, overdue,
// playbook, severity; closed incidents on request. Kept current over SSE.

import { ApiError, getJson } from './api.js';
import { badge, h, humanise, replace, severityBadge } from './dom.js';
import { playbookTitles } from './playbooks.js';
import { currentMode, route, session, setMode } from './session.js';
import { agoText, dualTime, timeLeft } from './time.js';
import { byTrack } from './tracks.js';
import { upcomingDeadlines, urgencyKey } from './urgency.js';
import { coalesced, describeError, keepCurrent, newView } from './view.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').IncidentSummary} IncidentSummary */

/** @type {Record<string, number>} */
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };
const FILTERS_KEY = 'holdfast.board-filters';

/** How many upcoming deadlines a card shows. */
const DEADLINES_SHOWN = 3;

/**
 * @typedef {{ mine: boolean, overdue: boolean, closed: boolean, playbook: string, severity: string }} Filters
 * @returns {Filters}
 */
function savedFilters() {
  const fallback = { mine: false, overdue: false, closed: false, playbook: '', severity: '' };
  try {
    return { ...fallback, ...JSON.parse(sessionStorage.getItem(FILTERS_KEY) ?? '{}') };
  } catch {
    return fallback;
  }
}

/**
 * Whether the incident is the caller's: they opened it, or one of its active steps belongs to their roles.
 * @param {Incident} incident
 */
function isMine(incident) {
  const me = session.me;
  if (!me) return false;
  return (
    incident.openedBy === me.name ||
    incident.active.some((step) => step.owner && me.roles.includes(step.owner))
  );
}

/** @param {HTMLElement} main */
export function boardPage(main) {
  const view = newView();
  const mode = currentMode();
  const filters = savedFilters();
  document.title = mode === 'exercise' ? 'holdfast: exercise incidents' : 'holdfast: incidents';
  const notice = h('div', { class: 'notice', role: 'status', id: 'board-notice' });
  const board = h('div', { class: 'board', id: 'board', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  const playbookSelect = h(
    'select',
    { id: 'filter-playbook', name: 'playbook' },
    h('option', { value: '' }, 'any'),
  );
  const severitySelect = h(
    'select',
    { id: 'filter-severity', name: 'severity' },
    h('option', { value: '' }, 'any'),
    Object.keys(SEVERITY_RANK).map((s) => h('option', { value: s }, s)),
  );
  severitySelect.value = filters.severity;
  /** @param {keyof Filters} name @param {string} text */
  const toggle = (name, text) => {
    const box = h('input', { type: 'checkbox', id: `filter-${name}`, checked: Boolean(filters[name]) });
    box.addEventListener('change', () => {
      /** @type {any} */ (filters)[name] = box.checked;
      changed(name === 'closed');
    });
    return h('label', { class: 'filter' }, box, ` ${text}`);
  };
  playbookSelect.addEventListener('change', () => {
    filters.playbook = playbookSelect.value;
    changed(false);
  });
  severitySelect.addEventListener('change', () => {
    filters.severity = severitySelect.value;
    changed(false);
  });
  /** @param {boolean} reload */
  const changed = (reload) => {
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
    if (reload) void refresh();
    else void playbookTitles().then(render);
  };

  replace(
    main,
    h(
      'section',
      {},
      h(
        'div',
        { class: 'page-title' },
        h('h1', {}, mode === 'exercise' ? 'Exercise incidents' : 'Incidents'),
        h('a', { class: 'button', href: '#/new', id: 'new-incident' }, 'Open an incident'),
        mode === 'exercise' ? h('a', { class: 'button', href: '#/exercises' }, 'Exercises') : null,
      ),
      h(
        'form',
        { class: 'filters', id: 'board-filters', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
        toggle('mine', 'Mine'),
        toggle('overdue', 'Overdue only'),
        h('label', { class: 'filter' }, 'Playbook ', playbookSelect),
        h('label', { class: 'filter' }, 'Severity ', severitySelect),
        toggle('closed', 'Closed too'),
      ),
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
      const statuses = filters.closed ? ['open', 'closed'] : ['open'];
      const lists = await Promise.all(
        statuses.map((status) => getJson(`/v1/incidents?status=${status}&mode=${mode}&limit=200`)),
      );
      if (!view.alive) return;
      items = lists.flatMap(({ data }) => data.items);
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
    const known = [...titles].sort((a, b) => a[1].localeCompare(b[1]));
    replace(
      playbookSelect,
      h('option', { value: '' }, 'any'),
      known.map(([id, title]) => h('option', { value: id }, title)),
    );
    playbookSelect.value = filters.playbook;
    const incidents = items
      .map((item) => details.get(item.id))
      .filter(/** @returns {i is Incident} */ (i) => i !== undefined)
      .filter(
        (i) =>
          (!filters.mine || isMine(i)) &&
          (!filters.overdue || i.overdueItems.length > 0) &&
          (!filters.playbook || i.playbookId === filters.playbook) &&
          (!filters.severity || i.severity === filters.severity),
      )
      .map((incident) => ({ incident, key: urgencyKey(incident) }))
      .sort(
        (a, b) =>
          Number(a.incident.status === 'closed') - Number(b.incident.status === 'closed') ||
          a.key[0] - b.key[0] ||
          (SEVERITY_RANK[a.incident.severity] ?? 9) - (SEVERITY_RANK[b.incident.severity] ?? 9) ||
          a.key[1] - b.key[1],
      );
    if (incidents.length === 0) {
      replace(
        board,
        h(
          'p',
          { class: 'empty' },
          items.length === 0 ? 'No open incidents.' : 'No incident matches these filters.',
        ),
      );
      return;
    }
    replace(
      board,
      incidents.map(({ incident }) => card(incident, titles)),
    );
  }

  /**
   * @param {Incident} incident
   * @param {Map<string, string>} titles
   */
  function card(incident, titles) {
    const overdue = incident.overdueItems;
    const upcoming = upcomingDeadlines(incident).slice(0, DEADLINES_SHOWN);
    const exercise = incident.mode === 'exercise';
    return h(
      'article',
      {
        class: `card${overdue.length ? ' is-overdue' : ''}${incident.status === 'closed' ? ' is-closed' : ''}`,
        dataset: { incidentId: incident.id, version: String(incident.version) },
      },
      h(
        'header',
        {},
        h(
          'a',
          { class: 'card-title', href: `#/incidents/${encodeURIComponent(incident.id)}` },
          incident.title,
        ),
        h(
          'div',
          { class: 'badges' },
          severityBadge(incident.severity),
          overdue.length ? badge(`${overdue.length} overdue`, 'overdue') : null,
          incident.status === 'closed' ? badge('closed', 'status-closed') : null,
          exercise ? badge('exercise', 'exercise') : null,
        ),
      ),
      h(
        'div',
        { class: 'meta' },
        `${titles.get(incident.playbookId) ?? humanise(incident.playbookId)}`,
        incident.openedBy ? ` · opened by ${incident.openedBy}` : '',
        ' · ',
        exercise ? 'exercise clock ' : 'opened ',
        dualTime(exercise ? incident.clock : incident.openedAt, incident.timeZone),
      ),
      overdue.length
        ? h(
            'ul',
            { class: 'overdue-items' },
            overdue.map((item) =>
              h(
                'li',
                { dataset: { kind: item.kind } },
                h('strong', {}, item.label),
                ` — overdue by ${agoText(item.since, incident)}`,
                exercise ? ' (exercise time)' : '',
              ),
            ),
          )
        : null,
      h(
        'div',
        { class: 'deadlines' },
        upcoming.length
          ? h(
              'ul',
              {},
              upcoming.map((d) =>
                h(
                  'li',
                  { class: 'deadline', dataset: { kind: d.kind } },
                  h('span', { class: 'label' }, d.kind === 'clock' ? `⏱ ${d.label}` : d.label),
                  ' ',
                  timeLeft(d.dueAt, incident),
                  ' · ',
                  dualTime(d.dueAt, incident.timeZone),
                ),
              ),
            )
          : h('span', { class: 'muted' }, incident.status === 'closed' ? 'Closed' : 'No deadlines ahead'),
        incident.clocks.length
          ? h('p', { class: 'clocks muted' }, `${incident.clocks.length} notification clock(s) running`)
          : null,
      ),
      h(
        'dl',
        { class: 'tracks' },
        [...byTrack(incident.active)].map(([track, states]) => [
          h('dt', { dataset: { track } }, humanise(track)),
          h(
            'dd',
            { class: 'active-steps', dataset: { track } },
            states.map((s) => h('div', { class: 'step', title: s.description }, s.step)),
          ),
        ]),
      ),
    );
  }

  keepCurrent(view, `/v1/stream${mode === 'exercise' ? '?mode=exercise' : ''}`, refresh);
  return view;
}
