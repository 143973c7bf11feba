// @ts-check
// The playbook's state diagram (Mermaid, from the diagram endpoint) with the active states highlighted.

import { getText } from './api.js';
import { h, replace } from './dom.js';
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
 * The diagram panel. `update(incident)` draws it again only when the active states change (most events
 * move no state).
 * @param {{ alive: boolean }} view
 */
export function diagramPanel(view) {
  const body = h('div', { class: 'diagram-body', id: 'diagram' }, 'Loading the diagram…');
  let actualSize = false;
  let drawnVersion = -1;
  let drawnShape = '';
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
    h('summary', {}, h('h2', {}, 'State diagram')),
    h(
      'div',
      { class: 'diagram-tools' },
      zoomButton,
      ' ',
      h('span', { class: 'muted small' }, 'active states are highlighted'),
    ),
    body,
  );

  /** @param {Incident} incident */
  async function update(incident) {
    const shape = `${incident.status}:${incident.active.map((s) => s.path).join(',')}`;
    if (incident.version === drawnVersion || shape === drawnShape) return;
    const version = incident.version;
    try {
      const [text, mermaid] = await Promise.all([
        getText(
          `/v1/playbooks/${encodeURIComponent(incident.playbookId)}/diagram?incident=${encodeURIComponent(incident.id)}`,
        ),
        loadMermaid(),
      ]);
      if (!view.alive || version < drawnVersion) return;
      const svg = await renderMermaid(mermaid, text);
      if (!view.alive || version < drawnVersion) return;
      drawnVersion = version;
      drawnShape = shape;
      // The SVG comes from Mermaid (securityLevel 'strict' sanitises it) over the server's playbook diagram,
      // which holds no user input.
      body.innerHTML = svg;
      body.dataset.version = String(version);
      applyZoom();
    } catch (error) {
      if (view.alive) replace(body, h('p', { class: 'error' }, `No diagram: ${describeError(error)}`));
    }
  }
  return { el, update };
}
