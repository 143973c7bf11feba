// @ts-check
// Exercises (#/exercises): those running and past, and starting one from a scenario (facilitator or admin);
// one exercise (#/exercises/<id>): its clock (virtual time), moving it, the injects as they arrive, the report.

import { ApiError, getJson, request } from './api.js';
import { badge, h, replace } from './dom.js';
import { reportLinks } from './reports.js';
import { session, setMode } from './session.js';
import { timeIn } from './time.js';
import { coalesced, describeError, keepCurrent, newView } from './view.js';

/** @typedef {import('./types.js').Exercise} Exercise */

const mayFacilitate = () => Boolean(session.me?.roles.some((r) => r === 'facilitator' || r === 'admin'));

/** Exercise times are virtual: shown in UTC, named as exercise time. @param {string} iso */
const exerciseTime = (iso) => `${timeIn(iso, 'UTC')} (exercise time)`;

/** @param {HTMLElement} main */
export function exercisesPage(main) {
  const view = newView();
  setMode('exercise');
  document.title = 'holdfast: exercises';
  const list = h('div', { id: 'exercises', class: 'exercise-list' }, h('p', {}, 'Loading…'));
  const status = h('div', { class: 'form-status', role: 'alert', id: 'exercise-start-status' });
  const scenarios = h('select', { id: 'scenario', name: 'scenario', required: true });
  const start = h('button', { type: 'submit', class: 'primary' }, 'Start the exercise');
  const startForm = h(
    'form',
    { class: 'start-exercise', id: 'start-exercise' },
    h('label', { for: 'scenario' }, 'Scenario '),
    scenarios,
    ' ',
    start,
    status,
  );
  replace(
    main,
    h(
      'div',
      { class: 'page-title' },
      h('h1', {}, 'Exercises'),
      h('a', { class: 'button', href: '#/board' }, 'Exercise incidents'),
    ),
    mayFacilitate()
      ? startForm
      : h('p', { class: 'muted' }, 'A facilitator starts exercises; you can follow them here.'),
    list,
  );

  void getJson('/v1/scenarios').then(({ data }) => {
    if (!view.alive) return;
    replace(
      scenarios,
      data.items.map((/** @type {{ id: string, title: string }} */ s) =>
        h('option', { value: s.id }, s.title),
      ),
    );
  });
  startForm.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    start.disabled = true;
    status.textContent = 'Starting…';
    try {
      const response = await request('/v1/exercises', {
        method: 'POST',
        body: { scenarioId: scenarios.value },
      });
      const exercise = await response.json();
      location.hash = `#/exercises/${encodeURIComponent(exercise.id)}`;
    } catch (error) {
      start.disabled = false;
      status.textContent = `Not started: ${describeError(error)}`;
    }
  });

  const refresh = coalesced(
    async () => {
      const { data } = await getJson('/v1/exercises');
      if (!view.alive) return;
      /** @type {Exercise[]} */
      const items = data.items;
      if (items.length === 0) {
        replace(list, h('p', { class: 'empty' }, 'No exercises yet.'));
        return;
      }
      replace(
        list,
        h(
          'table',
          { class: 'exercises' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'Exercise'),
              h('th', {}, 'Status'),
              h('th', {}, 'Exercise clock'),
              h('th', {}, 'Injects'),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((e) =>
              h(
                'tr',
                { dataset: { exerciseId: e.id, status: e.status } },
                h('td', {}, h('a', { href: `#/exercises/${encodeURIComponent(e.id)}` }, e.title)),
                h('td', {}, badge(e.status, `status-${e.status}`)),
                h('td', {}, exerciseTime(e.clock)),
                h('td', {}, String(e.injects.length)),
              ),
            ),
          ),
        ),
      );
    },
    (error) => {
      if (view.alive)
        replace(list, h('p', { class: 'error' }, `Could not list the exercises: ${describeError(error)}`));
    },
  );
  keepCurrent(view, '/v1/stream?mode=exercise', refresh);
  return view;
}

/**
 * @param {HTMLElement} main
 * @param {string} id
 */
export function exercisePage(main, id) {
  const view = newView();
  setMode('exercise');
  document.title = 'holdfast: exercise';
  const path = `/v1/exercises/${encodeURIComponent(id)}`;
  const head = h('header', { class: 'incident-head', id: 'exercise-head' }, h('p', {}, 'Loading…'));
  const controls = h('div', { id: 'clock-controls' });
  const injects = h('ol', { class: 'injects', id: 'injects' });
  const report = h('div', { id: 'exercise-report' });
  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/exercises' }, '← Exercises')),
    head,
    h('section', { class: 'panel' }, h('h2', {}, 'Exercise clock'), controls),
    h('section', { class: 'panel' }, h('h2', {}, 'Injects so far'), injects),
    h('section', { class: 'panel' }, h('h2', {}, 'After-action report'), report),
  );
  /** @type {Exercise | null} */
  let exercise = null;

  /** @param {Exercise} shown */
  function show(shown) {
    exercise = shown;
    replace(
      head,
      h('h1', { id: 'exercise-title' }, shown.title),
      h(
        'div',
        { class: 'badges' },
        badge(shown.status, `status-${shown.status}`),
        badge('exercise', 'exercise'),
      ),
      h(
        'p',
        { class: 'meta' },
        'Exercise clock: ',
        h('strong', { id: 'exercise-clock', dataset: { clock: shown.clock } }, exerciseTime(shown.clock)),
        ` · runs ${exerciseTime(shown.start)} to ${exerciseTime(shown.end)} · `,
        h(
          'a',
          { href: `#/incidents/${encodeURIComponent(shown.incidentId)}`, id: 'exercise-incident' },
          'its incident',
        ),
      ),
    );
    replace(
      injects,
      [...shown.injects]
        .reverse()
        .map((inject) =>
          h(
            'li',
            { dataset: { injectId: inject.id } },
            h('strong', {}, `${inject.offset} · ${inject.channel}`),
            ` from ${inject.from}${inject.to.length ? ` to ${inject.to.join(', ')}` : ''}: `,
            inject.content,
          ),
        ),
    );
    if (shown.injects.length === 0) replace(injects, h('li', { class: 'muted' }, 'No inject yet.'));
    renderControls(shown);
  }

  let reportShown = false;
  /** @param {Exercise} shown */
  function renderControls(shown) {
    if (!reportShown) {
      reportShown = true;
      replace(report, reportLinks(`${path}/report`, `exercise-${id}`));
    }
    if (shown.status === 'finished') {
      replace(controls, h('p', {}, 'This exercise has ended. Read or download its report below.'));
      return;
    }
    if (!mayFacilitate()) {
      replace(controls, h('p', { class: 'muted' }, 'The facilitator moves the clock.'));
      return;
    }
    const status = h('span', { class: 'form-status', role: 'status', id: 'clock-status' });
    const custom = h('input', {
      id: 'advance-by',
      name: 'advance',
      value: 'PT2H',
      size: 8,
      'aria-label': 'Advance by (ISO 8601 duration)',
    });
    /** @param {string} advance */
    const move = async (advance) => {
      status.textContent = 'Moving the clock…';
      try {
        const response = await request(`${path}/clock`, { method: 'POST', body: { advance } });
        show(await response.json());
        status.textContent = '';
      } catch (error) {
        status.textContent = `Not moved: ${describeError(error)}`;
      }
    };
    replace(
      controls,
      h('span', {}, 'Advance by '),
      ['PT30M', 'PT1H', 'PT4H', 'P1D'].map((d) =>
        h(
          'button',
          { type: 'button', class: 'advance', dataset: { advance: d }, onclick: () => move(d) },
          d.replace(/^PT?/, '').toLowerCase(),
        ),
      ),
      ' or ',
      custom,
      h(
        'button',
        { type: 'button', id: 'advance-custom', onclick: () => move(custom.value.trim()) },
        'Advance',
      ),
      ' ',
      status,
    );
  }

  const load = coalesced(
    async () => {
      const { data } = await getJson(path);
      if (!view.alive) return;
      if (
        !exercise ||
        data.clock !== exercise.clock ||
        data.status !== exercise.status ||
        data.injects.length !== exercise.injects.length
      )
        show(data);
    },
    (error) => {
      if (!view.alive) return;
      const gone = error instanceof ApiError && (error.status === 404 || error.status === 403);
      replace(
        head,
        h('h1', {}, gone ? 'Exercise not available' : 'Could not load the exercise'),
        h('p', { class: 'error' }, describeError(error)),
      );
    },
  );
  keepCurrent(view, '/v1/stream?mode=exercise', load);
  return view;
}
