// holdfast dashboard: the board of open incidents (#/) and an incident page (#/incidents/<id>).
// Plain ES modules, no build step. Live updates over SSE (see live.js), ETag polling as the fallback.
//
// Query flags (for tests and troubleshooting): ?poll=0 never polls (updates only through the stream),
// ?sse=0 never streams (polling only), ?pollMs=2000 polling period.

import {
  ApiError,
  clearCache,
  endSession,
  getJson,
  getText,
  request,
  sendEvent,
  setUnauthorizedHandler,
  signInOffered,
  token,
  whoAmI,
} from './api.js';
import { badge, countdown, formatTime, h, humanise, replace, severityBadge, tickCountdowns } from './dom.js';
import { follow } from './live.js';
import { schemaForm } from './schema-form.js';

const params = new URLSearchParams(location.search);
const liveOptions = {
  allowPoll: params.get('poll') !== '0',
  allowSse: params.get('sse') !== '0',
  pollMs: Math.max(1000, Number(params.get('pollMs')) || 5000),
};

const main = document.getElementById('view');
const conn = document.getElementById('conn');
const header = document.getElementById('app-header');
const modeSelect = document.getElementById('mode');
const MODE_KEY = 'holdfast.mode';

let current = null;
let loginMessage = '';
/** The caller (`GET /v1/me`): signed in by a token or by the OpenID Connect session; null when signed out. */
let me = null;
let offerSignIn = false;

// ── session ─────────────────────────────────────────────────────────────────

function signOut(message) {
  if (me?.authenticatedBy === 'session') void endSession();
  me = null;
  token.clear();
  clearCache();
  playbooks.clear();
  playbookList = undefined;
  loginMessage = message ?? '';
  route();
}

setUnauthorizedHandler((detail) => {
  if (me || token.get()) signOut(`Signed out: ${detail}.`);
});

document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));

const currentMode = () => (sessionStorage.getItem(MODE_KEY) === 'exercise' ? 'exercise' : 'live');
modeSelect.value = currentMode();
modeSelect.addEventListener('change', () => {
  sessionStorage.setItem(MODE_KEY, modeSelect.value);
  if (location.hash === '' || location.hash === '#/') route();
  else location.hash = '#/';
});

function setConnection(state, detail = '', messages = 0) {
  conn.dataset.state = state;
  conn.dataset.messages = String(messages);
  conn.title = detail || state;
  conn.textContent =
    { live: '● live', polling: '◌ polling', connecting: '… connecting', offline: '○ offline' }[state] ??
    state;
}

/** Everything a view starts (streams, timers) stops when the user navigates away. */
function newView() {
  const view = { alive: true, stoppers: [] };
  view.stop = () => {
    view.alive = false;
    for (const stop of view.stoppers) stop();
  };
  return view;
}

function route() {
  current?.stop();
  current = null;
  if (!me) {
    header.hidden = true;
    showLogin();
    return;
  }
  header.hidden = false;
  const whoami = document.getElementById('whoami');
  whoami.textContent = me.name;
  whoami.title = `${me.id}\nroles: ${me.roles.join(', ') || 'none'}\nsigned in by ${me.authenticatedBy}`;
  modeSelect.value = currentMode();
  const match = location.hash.match(/^#\/incidents\/([^/?#]+)/);
  current = match ? incidentPage(decodeURIComponent(match[1])) : boardPage();
}

// ── sign-in ─────────────────────────────────────────────────────────────────

function showLogin() {
  document.title = 'holdfast: sign in';
  const input = h('input', {
    id: 'token-input',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const status = h('p', { class: 'error', role: 'alert', id: 'login-message' }, loginMessage);
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login', id: 'login' },
    h('h1', {}, 'holdfast'),
    h(
      'p',
      {},
      'Paste your API token. It stays in this browser tab only (sessionStorage) and is sent with every API call.',
    ),
    h('label', { for: 'token-input' }, 'Token'),
    input,
    button,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    if (!secret) return;
    button.disabled = true;
    status.textContent = '';
    token.set(secret);
    try {
      await request('/v1/playbooks');
      me = await whoAmI();
      loginMessage = '';
      route();
    } catch (error) {
      token.clear();
      status.textContent =
        error instanceof ApiError && error.status === 401
          ? 'This token is unknown or revoked.'
          : `Cannot sign in: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });
  if (offerSignIn) {
    const single = h(
      'p',
      { class: 'sign-in' },
      h('a', { id: 'sso-sign-in', class: 'button', href: '/auth/login' }, 'Sign in'),
      ' with your organisation’s account, or paste an API token below.',
    );
    form.insertBefore(single, form.children[1]);
  }
  replace(main, form);
  if (!offerSignIn) input.focus();
}

// ── shared data ─────────────────────────────────────────────────────────────

/** Playbook definitions (event titles, descriptions, payload schemas, examples) by "id@version". */
const playbooks = new Map();
function playbook(id, version) {
  const key = `${id}@${version}`;
  if (!playbooks.has(key)) {
    const loading = getJson(`/v1/playbooks/${encodeURIComponent(id)}?version=${version}`).then((r) => r.data);
    loading.catch(() => playbooks.delete(key));
    playbooks.set(key, loading);
  }
  return playbooks.get(key);
}

let playbookList;
async function playbookTitles() {
  playbookList ??= getJson('/v1/playbooks').then(
    (r) => new Map(r.data.items.map((p) => [p.id, p.title])),
    () => new Map(),
  );
  return playbookList;
}

/** The tracks in the order responders think in (DESIGN.md 3); others follow in the playbook's order. */
const TRACK_ORDER = [
  'command',
  'containment',
  'investigation',
  'communications',
  'legal',
  'payment',
  'recovery',
  'review',
];
const trackRank = (track) => {
  const rank = TRACK_ORDER.indexOf(track);
  return rank === -1 ? TRACK_ORDER.length : rank;
};

/** Active states grouped by track (the first segment of the path). */
function byTrack(active) {
  const tracks = new Map();
  const ordered = [...(active ?? [])].sort(
    (a, b) => trackRank(a.path.split('.')[0]) - trackRank(b.path.split('.')[0]),
  );
  for (const state of ordered) {
    const [track, ...rest] = state.path.split('.');
    if (!tracks.has(track)) tracks.set(track, []);
    tracks
      .get(track)
      .push({ ...state, step: rest.length > 0 ? rest.map(humanise).join(' › ') : state.title });
  }
  return tracks;
}

const nextTimer = (timers) =>
  [...(timers ?? [])].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };

/** Runs `task` now, or once more right after the run in progress; errors go to `onError`. */
function coalesced(task, onError) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await task();
        } catch (error) {
          onError(error);
        }
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  return run;
}

function describeError(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  if (error.status === 0) return error.message;
  return `${error.problem.title ?? `HTTP ${error.status}`}: ${error.message}`;
}

// ── board ───────────────────────────────────────────────────────────────────

function boardPage() {
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

  const details = new Map();
  let items = [];

  const refresh = coalesced(
    async () => {
      const listPath = `/v1/incidents?status=open&mode=${mode}&limit=200`;
      const { data } = await getJson(listPath);
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
                sessionStorage.setItem(MODE_KEY, 'exercise');
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

  function render(titles) {
    const cards = items
      .map((item) => ({ item, incident: details.get(item.id) ?? item }))
      .map(({ item, incident }) => ({ item, incident, next: nextTimer(incident.timers) }))
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

  function card(item, incident, next, titles) {
    const tracks = byTrack(incident.active);
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

  const scheduleRefresh = () => {
    void refresh();
  };
  const feed = follow({
    path: `/v1/stream${mode === 'exercise' ? '?mode=exercise' : ''}`,
    onChange: scheduleRefresh,
    poll: refresh,
    onStatus: (state, detail, messages) => view.alive && setConnection(state, detail, messages),
    onUnauthorized: (detail) => signOut(`Signed out: ${detail}.`),
    ...liveOptions,
  });
  view.stoppers.push(() => feed.stop());
  void refresh();
  return view;
}

// ── incident page ───────────────────────────────────────────────────────────

let diagramCounter = 0;
let mermaidLoading;
function loadMermaid() {
  mermaidLoading ??= new Promise((resolve, reject) => {
    const script = h('script', { src: '/vendor/mermaid.js' });
    script.addEventListener('load', () => {
      globalThis.mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        suppressErrorRendering: true,
        theme: 'neutral',
        maxTextSize: 500_000,
      });
      resolve(globalThis.mermaid);
    });
    script.addEventListener('error', () => {
      mermaidLoading = undefined;
      reject(new Error('could not load Mermaid'));
    });
    document.head.appendChild(script);
  });
  return mermaidLoading;
}

async function renderMermaid(mermaid, text) {
  const renderId = `diagram-${++diagramCounter}`;
  try {
    return (await mermaid.render(renderId, text)).svg;
  } finally {
    // What a failed render may leave behind in <body>.
    document.getElementById(renderId)?.remove();
    document.getElementById(`d${renderId}`)?.remove();
  }
}

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dash-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function incidentPage(id) {
  const view = newView();
  document.title = 'holdfast: incident';
  const path = `/v1/incidents/${encodeURIComponent(id)}`;

  const head = h('header', { class: 'incident-head', id: 'incident-head' }, h('p', {}, 'Loading…'));
  const notice = h('div', { class: 'notice', role: 'status', id: 'incident-notice' });
  const flash = h('div', { class: 'flash', role: 'status', id: 'flash', 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions', id: 'actions' });
  const formHost = h('div', { id: 'form-host' });
  const active = h('div', { id: 'active' });
  const timers = h('div', { id: 'timers' });
  const diagramBody = h('div', { class: 'diagram-body', id: 'diagram' }, 'Loading the diagram…');
  let actualSize = false;
  /** Fit to the panel (an overview) or actual size (readable labels, scroll to move around). */
  const applyZoom = () => {
    const svg = diagramBody.querySelector('svg');
    if (!svg) return;
    const width = svg.viewBox?.baseVal?.width;
    svg.style.maxWidth = actualSize ? 'none' : `${width || 0}px`;
    svg.setAttribute('width', actualSize && width ? String(width) : '100%');
  };
  const zoomButton = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        actualSize = !actualSize;
        zoomButton.textContent = actualSize ? 'Fit to panel' : 'Actual size';
        applyZoom();
      },
    },
    'Actual size',
  );
  const timelineList = h('ol', { class: 'timeline', id: 'timeline', reversed: true });

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
        h('section', { class: 'panel' }, h('h2', {}, 'Next steps you can record'), actions, formHost),
        h('section', { class: 'panel' }, h('h2', {}, 'Active steps'), active),
        h('section', { class: 'panel' }, h('h2', {}, 'Pending timers'), timers),
      ),
      h(
        'div',
        { class: 'col' },
        h(
          'section',
          { class: 'panel' },
          h(
            'details',
            { open: true },
            h('summary', {}, h('h2', {}, 'State diagram')),
            h(
              'div',
              { class: 'diagram-tools' },
              zoomButton,
              ' ',
              h('span', { class: 'muted small' }, 'active states are highlighted'),
            ),
            diagramBody,
          ),
        ),
        h('section', { class: 'panel' }, h('h2', {}, 'Timeline'), timelineList),
      ),
    ),
  );

  let incident = null;
  let definition = null;
  let lastSeq = 0;
  let diagramVersion = -1;
  let diagramShape = '';
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

  async function show(data) {
    incident = data;
    definition ??= await playbook(data.playbookId, data.playbookVersion).catch(() => null);
    if (!view.alive) return;
    document.title = `holdfast: ${data.title}`;
    renderHead();
    renderActions();
    renderActive();
    renderTimers();
    openForm?.incidentChanged(incident);
    await Promise.all([loadTimeline(), renderDiagram()]);
  }

  const eventDef = (type) => definition?.events?.find((e) => e.type === type);

  function renderHead() {
    replace(
      head,
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

  function renderActions() {
    if (incident.status === 'closed') {
      replace(actions, h('p', { class: 'muted' }, 'This incident is closed; it accepts no more events.'));
      return;
    }
    const mine = incident.allowedEvents.filter((e) => e.permitted);
    const others = incident.allowedEvents.filter((e) => !e.permitted);
    replace(
      actions,
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
                  onclick: () => showForm(allowed),
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

  function renderActive() {
    const tracks = byTrack(incident.active);
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

  function renderTimers() {
    const list = [...incident.timers].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    if (list.length === 0) {
      replace(timers, h('p', { class: 'muted' }, 'No pending timers.'));
      return;
    }
    replace(
      timers,
      h(
        'table',
        { class: 'timers' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Deadline'), h('th', {}, 'Due'), h('th', {}, 'Left'))),
        h(
          'tbody',
          {},
          list.map((t) =>
            h(
              'tr',
              { dataset: { timerId: t.id } },
              h('td', { title: t.event }, t.label),
              h('td', {}, formatTime(t.dueAt)),
              h('td', {}, countdown(t.dueAt)),
            ),
          ),
        ),
      ),
    );
  }

  /** Drawn again only when the active states change (most events move no state). */
  async function renderDiagram() {
    const shape = `${incident.status}:${incident.active.map((s) => s.path).join(',')}`;
    if (incident.version === diagramVersion || shape === diagramShape) return;
    const version = incident.version;
    try {
      const [text, mermaid] = await Promise.all([
        getText(
          `/v1/playbooks/${encodeURIComponent(incident.playbookId)}/diagram?incident=${encodeURIComponent(id)}`,
        ),
        loadMermaid(),
      ]);
      if (!view.alive || version < diagramVersion) return;
      const svg = await renderMermaid(mermaid, text);
      if (!view.alive || version < diagramVersion) return;
      diagramVersion = version;
      diagramShape = shape;
      // The SVG comes from Mermaid (securityLevel 'strict' sanitises it) over the server's playbook diagram,
      // which holds no user input.
      diagramBody.innerHTML = svg;
      diagramBody.dataset.version = String(version);
      applyZoom();
    } catch (error) {
      if (view.alive) replace(diagramBody, h('p', { class: 'error' }, `No diagram: ${describeError(error)}`));
    }
  }

  /** Appends the events after the last one shown; one run at a time, so nothing is shown twice. */
  const loadTimeline = coalesced(
    async () => {
      for (;;) {
        const after = lastSeq;
        const { data } = await getJson(`${path}/events?after=${after}&limit=1000`);
        if (!view.alive) return;
        for (const event of data.items) {
          if (event.seq <= lastSeq) continue;
          lastSeq = event.seq;
          timelineList.prepend(timelineItem(event));
        }
        if (data.items.length < 1000) return;
      }
    },
    (error) => {
      if (view.alive)
        replace(
          notice,
          h('span', { class: 'error' }, `Could not load the timeline: ${describeError(error)}`),
        );
    },
  );

  function timelineItem(event) {
    const title = eventDef(event.type)?.title;
    const hasPayload =
      event.payload && typeof event.payload === 'object' && Object.keys(event.payload).length > 0;
    return h(
      'li',
      { class: `event source-${event.source}`, dataset: { seq: String(event.seq), type: event.type } },
      h(
        'div',
        { class: 'event-line' },
        h('span', { class: 'seq' }, `#${event.seq}`),
        ' ',
        h('time', { datetime: event.occurredAt }, formatTime(event.occurredAt)),
        ' ',
        h('code', { class: 'type' }, event.type),
        title ? [' ', h('span', { class: 'event-title' }, title)] : null,
        ' ',
        badge(event.source, `source ${event.source}`),
        ' ',
        h('span', { class: 'actor' }, `by ${event.actor}`),
      ),
      event.payload?.rationale
        ? h('p', { class: 'rationale' }, `Rationale: ${event.payload.rationale}`)
        : null,
      event.note ? h('p', { class: 'note' }, event.note) : null,
      hasPayload
        ? h(
            'details',
            { class: 'payload' },
            h('summary', {}, 'payload'),
            h('pre', {}, JSON.stringify(event.payload, null, 2)),
          )
        : null,
    );
  }

  // ── the event form ──────────────────────────────────────────────────────

  function showForm(allowed) {
    openForm?.close();
    flash.replaceChildren();
    const def = eventDef(allowed.type);
    const form = schemaForm(def?.payloadSchema ?? { type: 'object' });
    // Not "note": payloads may have a field of that name.
    const note = h('textarea', { id: 'event-note', name: 'event-note', rows: 2, maxlength: 4000 });
    const status = h('div', { class: 'form-status', role: 'alert', id: 'form-status' });
    const stale = h('div', { class: 'stale', role: 'status', id: 'form-stale' });
    const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
    const idempotencyKey = randomKey();
    let version = incident.version;

    const el = h(
      'form',
      { class: 'event-form', id: 'event-form', dataset: { eventType: allowed.type }, novalidate: false },
      h('h3', {}, allowed.title),
      h(
        'p',
        {},
        h('code', {}, allowed.type),
        ' ',
        h('span', { class: 'muted' }, `roles: ${allowed.roles.join(', ')}`),
      ),
      def?.description ? h('p', { class: 'description' }, def.description) : null,
      def?.examples?.length
        ? h(
            'p',
            { class: 'examples' },
            'Start from an example: ',
            def.examples.map((example, i) =>
              h(
                'button',
                { type: 'button', class: 'link', onclick: () => form.set(example) },
                `example ${i + 1}`,
              ),
            ),
          )
        : null,
      form.el,
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'event-note' }, 'Note for the timeline (optional)'),
        note,
      ),
      stale,
      status,
      h(
        'div',
        { class: 'form-buttons' },
        send,
        h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
      ),
    );

    const close = () => {
      el.remove();
      if (openForm === handle) openForm = null;
    };

    const reloadButton = (label = 'Reload the incident') =>
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            await load();
            adopt();
          },
        },
        label,
      );

    /** The user has seen the incident as it is now: the form now targets that version. */
    const adopt = () => {
      if (!incident) return;
      version = incident.version;
      stale.replaceChildren();
      const still = incident.allowedEvents.some((e) => e.type === allowed.type && e.permitted);
      status.textContent = still
        ? `Reloaded: the incident is at version ${version}. Check what changed, then send again.`
        : `"${allowed.title}" is no longer open in the incident's current state.`;
      send.disabled = !still;
    };

    const handle = {
      close,
      incidentChanged(latest) {
        if (latest.version === version) return;
        const still = latest.allowedEvents.some((e) => e.type === allowed.type && e.permitted);
        replace(
          stale,
          h(
            'span',
            {},
            `The incident changed while this form was open (you opened it at version ${version}; it is now at ${latest.version}). `,
            still
              ? 'Sending now will be refused; review the changes, then use the latest version. '
              : `"${allowed.title}" is no longer open in the current state. `,
          ),
          h('button', { type: 'button', onclick: adopt }, 'Use the latest version'),
        );
      },
    };

    el.addEventListener('submit', async (submitted) => {
      submitted.preventDefault();
      form.clearErrors();
      status.textContent = '';
      if (!el.reportValidity()) return;
      const { payload, problems } = form.read();
      if (problems.length > 0) {
        form.showErrors(problems.map((p) => ({ path: `payload.${p.path}`, message: p.message })));
        status.textContent = 'Check the highlighted fields.';
        return;
      }
      const body = { type: allowed.type };
      if (payload !== undefined) body.payload = payload;
      if (note.value.trim()) body.note = note.value.trim();
      send.disabled = true;
      status.textContent = 'Sending…';
      try {
        const result = await sendEvent(id, version, body, idempotencyKey);
        close();
        replace(
          flash,
          h(
            'span',
            { class: 'ok' },
            `Recorded "${allowed.title}" as event #${result.event.seq}; the incident is at version ${result.incident.version}.`,
          ),
        );
        if (result.incident.version !== incident?.version) await show(result.incident);
      } catch (error) {
        send.disabled = false;
        showProblem(error);
      }
    });

    function showProblem(error) {
      if (!(error instanceof ApiError)) {
        status.textContent = `Not sent: ${error.message ?? error}`;
        return;
      }
      const p = error.problem;
      el.dataset.problem = error.code;
      const say = (...parts) =>
        replace(status, h('strong', {}, `${error.status} ${p.title ?? ''}`.trim()), ' ', ...parts);
      switch (error.code) {
        case 'version_mismatch':
          say(
            `Not sent: someone changed this incident after you opened the form (you saw version ${version}` +
              `${p.currentVersion ? `; it is now at ${p.currentVersion}` : ''}). Nothing was recorded. ` +
              'Reload, check what changed, then decide again. ',
            reloadButton(),
          );
          break;
        case 'event_not_allowed': {
          const open = (p.allowedEvents ?? []).map((e) => e.title ?? e.type);
          say(
            `Not sent: "${allowed.title}" is not accepted in the incident's current state, or its conditions ` +
              '(sign-offs, gates, who may decide) are not met with these values. Nothing was recorded. ',
            reloadButton(),
            h(
              'details',
              { class: 'why' },
              h('summary', {}, 'Why, in the playbook’s words'),
              h('p', {}, error.message),
              open.length ? h('p', {}, `Open now: ${open.join(', ')}.`) : null,
            ),
          );
          break;
        }
        case 'incident_closed':
          say('Not sent: the incident is closed and accepts no more events. ', reloadButton());
          break;
        case 'invalid_request':
          form.showErrors(p.errors ?? []);
          say(`Not sent: ${error.message}`);
          break;
        case 'forbidden':
          say(`Not sent: your token's roles may not do this. ${error.message}`);
          break;
        case 'idempotency_conflict':
          say(
            'This form was already sent with different values; it was recorded once. Reload to see it. ',
            reloadButton(),
          );
          break;
        case 'network':
          say(
            `${error.message}. It is safe to press Send again: the retry carries the same Idempotency-Key, so it is recorded at most once.`,
          );
          break;
        default:
          say(`Not sent: ${error.message}`);
      }
    }

    replace(formHost, el);
    openForm = handle;
    el.querySelector('input, select, textarea')?.focus();
  }

  const feed = follow({
    path: `${path}/stream`,
    onChange: () => void load(),
    poll: load,
    onStatus: (state, detail, messages) => view.alive && setConnection(state, detail, messages),
    onUnauthorized: (detail) => signOut(`Signed out: ${detail}.`),
    ...liveOptions,
  });
  view.stoppers.push(() => feed.stop());
  void load();
  return view;
}

// ── start ───────────────────────────────────────────────────────────────────

setInterval(tickCountdowns, 1000);
window.addEventListener('hashchange', route);
// A token in this tab, or the sign-in's session cookie: whoever /v1/me says we are.
[offerSignIn, me] = await Promise.all([signInOffered(), whoAmI()]);
route();
