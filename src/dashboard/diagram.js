// @ts-check
// The playbook's state diagram (Mermaid, from the diagram endpoint) with the active states highlighted.

import { getText } from './api.js';
import { h, humanise, replace } from './dom.js';
import { byTrack } from './tracks.js';
import { describeError } from './view.js';

/** @typedef {import('./types.js').Incident} Incident */

let diagramCounter = 0;
/** @type {Promise<any> | undefined} */
let mermaidLoading;
function loadMermaid() {
  mermaidLoading ??= new Promise((resolve, reject) => {
    const script = h('script', { src: '/vendor/mermaid.js' });
    script.addEventListener('load', () => {
      const mermaid = /** @type {any} */ (globalThis).mermaid;
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        suppressErrorRendering: true,
        theme: 'neutral',
        maxTextSize: 500_000,
      });
      resolve(mermaid);
    });
    script.addEventListener('error', () => {
      mermaidLoading = undefined;
      reject(new Error('could not load Mermaid'));
    });
    document.head.appendChild(script);
  });
  return mermaidLoading;
}

/**
 * @param {any} mermaid
 * @param {string} text
 * @returns {Promise<string>}
 */
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

/**
 * The diagram panel: one track at a time (readable at its size, its active state highlighted), the whole
 * playbook on demand. `update(incident)` draws again only when what is shown changes (most events move no state).
 * @param {{ alive: boolean }} view
 */
export function diagramPanel(view) {
  const body = h('div', { class: 'diagram-body', id: 'diagram' }, 'Loading the diagram…');
  const tabs = h('div', { class: 'diagram-tabs', id: 'diagram-tabs', role: 'tablist' });
  /** '' = the whole playbook. */
  let shown = '';
  let chosen = false;
  let drawn = '';
  /** @type {Incident | null} */
  let incident = null;
  let actualSize = false;
  /** Fit to the panel (an overview) or actual size (readable labels, scroll to move around). */
  const applyZoom = () => {
    const svg = body.querySelector('svg');
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
  const el = h(
    'details',
    { open: true },
    h('summary', {}, h('h2', {}, 'Where each track stands')),
    tabs,
    h(
      'div',
      { class: 'diagram-tools' },
      zoomButton,
      ' ',
      h('span', { class: 'muted small' }, 'active states are highlighted'),
    ),
    body,
  );

  /** @param {Incident} current */
  function renderTabs(current) {
    const tracks = [...byTrack(current.active).keys()];
    if (!chosen) shown = tracks[0] ?? '';
    /** @param {string} track @param {string} text */
    const tab = (track, text) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: `tab${track === shown ? ' selected' : ''}`,
          'aria-selected': String(track === shown),
          dataset: { track: track || 'all' },
          onclick: () => {
            chosen = true;
            shown = track;
            renderTabs(current);
            void draw(current);
          },
        },
        text,
      );
    replace(
      tabs,
      tracks.map((track) => tab(track, humanise(track))),
      tab('', 'Full diagram'),
    );
  }

  /** @param {Incident} current */
  async function draw(current) {
    const shape = `${shown}|${current.status}:${current.active.map((s) => s.path).join(',')}`;
    if (shape === drawn) return;
    const query = `incident=${encodeURIComponent(current.id)}${shown ? `&track=${encodeURIComponent(shown)}` : ''}`;
    try {
      const [text, mermaid] = await Promise.all([
        getText(`/v1/playbooks/${encodeURIComponent(current.playbookId)}/diagram?${query}`),
        loadMermaid(),
      ]);
      if (!view.alive || incident !== current) return;
      const svg = await renderMermaid(mermaid, text);
      if (!view.alive || incident !== current) return;
      drawn = shape;
      // The SVG comes from Mermaid (securityLevel 'strict' sanitises it) over the server's playbook diagram,
      // which holds no user input.
      body.innerHTML = svg;
      body.dataset.version = String(current.version);
      body.dataset.track = shown || 'all';
      applyZoom();
    } catch (error) {
      if (view.alive) replace(body, h('p', { class: 'error' }, `No diagram: ${describeError(error)}`));
    }
  }

  /** @param {Incident} current */
  async function update(current) {
    incident = current;
    renderTabs(current);
    await draw(current);
  }
  return { el, update };
}
