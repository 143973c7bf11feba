// @ts-check
// The playbook's state diagram (Mermaid, from the diagram endpoint) with the active states highlighted.

import { getText } from './api.js';
import { h, humanise, replace } from './dom.js';
import { mermaidSvg, zoomToggle } from './mermaid.js';
import { byTrack } from './tracks.js';
import { describeError } from './view.js';

/** @typedef {import('./types.js').Incident} Incident */

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
  const zoom = zoomToggle(body);
  const el = h(
    'details',
    { open: true },
    h('summary', {}, h('h2', {}, 'Where each track stands')),
    tabs,
    h(
      'div',
      { class: 'diagram-tools' },
      zoom.button,
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
      const text = await getText(`/v1/playbooks/${encodeURIComponent(current.playbookId)}/diagram?${query}`);
      if (!view.alive || incident !== current) return;
      const svg = await mermaidSvg(text);
      if (!view.alive || incident !== current) return;
      drawn = shape;
      body.innerHTML = svg;
      body.dataset.version = String(current.version);
      body.dataset.track = shown || 'all';
      zoom.apply();
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
