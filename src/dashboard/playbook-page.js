// @ts-check
// Playbooks (#/playbooks): every playbook, latest version first; one playbook (#/playbooks/<id>, a version:
// #/playbooks/<id>/<version>): its title and summary, its diagram, and the YAML file it was compiled from,
// shown as text with a download link (a playbook written in code has no file, and the page says so).

import { ApiError, getJson, getText } from './api.js';
import { h, replace } from './dom.js';
import { mermaidSvg, zoomToggle } from './mermaid.js';
import { describeError, newView } from './view.js';

/** @typedef {import('./types.js').Playbook} Playbook */
/** @typedef {import('./types.js').PlaybookItem} PlaybookItem */

/** @param {string} id @param {number} [version] */
const pageHash = (id, version) =>
  `#/playbooks/${encodeURIComponent(id)}${version === undefined ? '' : `/${version}`}`;

/** @param {HTMLElement} main */
export function playbooksPage(main) {
  const view = newView();
  document.title = 'holdfast: playbooks';
  const list = h('div', { id: 'playbooks' }, h('p', {}, 'Loading…'));
  replace(main, h('div', { class: 'page-title' }, h('h1', {}, 'Playbooks')), list);
  getJson('/v1/playbooks').then(
    ({ data }) => {
      if (!view.alive) return;
      /** @type {PlaybookItem[]} */
      const items = data.items;
      replace(
        list,
        h(
          'table',
          { class: 'playbooks' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'Playbook'), h('th', {}, 'Versions'), h('th', {}, 'Summary')),
          ),
          h(
            'tbody',
            {},
            items.map((p) =>
              h(
                'tr',
                { dataset: { playbookId: p.id } },
                h(
                  'td',
                  {},
                  h('a', { href: pageHash(p.id) }, p.title),
                  h('div', { class: 'muted small' }, p.id),
                ),
                h(
                  'td',
                  {},
                  p.versions.map((v, i) => [
                    i ? ', ' : '',
                    h('a', { href: pageHash(p.id, v), dataset: { version: String(v) } }, `v${v}`),
                  ]),
                ),
                h('td', {}, p.summary),
              ),
            ),
          ),
        ),
      );
    },
    (error) => {
      if (view.alive)
        replace(list, h('p', { class: 'error' }, `Could not list the playbooks: ${describeError(error)}`));
    },
  );
  return view;
}

/**
 * @param {HTMLElement} main
 * @param {string} id
 * @param {string} [version] the latest when left out
 */
export function playbookPage(main, id, version) {
  const view = newView();
  document.title = 'holdfast: playbook';
  const path = `/v1/playbooks/${encodeURIComponent(id)}`;
  const head = h('header', { class: 'incident-head', id: 'playbook-head' }, h('p', {}, 'Loading…'));
  const diagram = h('div', { class: 'diagram-body', id: 'playbook-diagram' }, 'Loading the diagram…');
  const zoom = zoomToggle(diagram);
  const file = h('div', { id: 'playbook-file-panel' }, 'Loading the file…');
  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/playbooks' }, '← Playbooks')),
    head,
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Diagram'),
      h('div', { class: 'diagram-tools' }, zoom.button),
      diagram,
    ),
    h('section', { class: 'panel' }, h('h2', {}, 'Playbook file'), file),
  );

  /** @param {Playbook} shown */
  function showHead(shown) {
    document.title = `holdfast: ${shown.title}`;
    const versions = shown.versions ?? [shown.version];
    const picker = h(
      'select',
      { id: 'playbook-version', 'aria-label': 'Version' },
      versions.map((v) => h('option', { value: String(v), selected: v === shown.version }, `version ${v}`)),
    );
    picker.addEventListener('change', () => {
      location.hash = pageHash(shown.id, Number(picker.value));
    });
    replace(
      head,
      h('h1', { id: 'playbook-title' }, shown.title),
      h('p', { class: 'meta' }, h('code', {}, shown.id), ' · ', picker),
      h('p', { id: 'playbook-summary' }, shown.summary ?? ''),
    );
  }

  /** @param {Playbook} shown */
  async function showDiagram(shown) {
    try {
      const svg = await mermaidSvg(await getText(`${path}/diagram?version=${shown.version}`));
      if (!view.alive) return;
      diagram.innerHTML = svg;
      diagram.dataset.version = String(shown.version);
      zoom.apply();
    } catch (error) {
      if (view.alive) replace(diagram, h('p', { class: 'error' }, `No diagram: ${describeError(error)}`));
    }
  }

  /** @param {Playbook} shown */
  async function showFile(shown) {
    let text;
    try {
      text = await getText(`${path}/file?version=${shown.version}`);
    } catch (error) {
      if (!view.alive) return;
      replace(
        file,
        error instanceof ApiError && error.status === 404
          ? h(
              'p',
              { id: 'playbook-in-code' },
              `${shown.title} version ${shown.version} is written in code (TypeScript): it has no playbook file.`,
            )
          : h('p', { class: 'error' }, `Could not get the file: ${describeError(error)}`),
      );
      return;
    }
    if (!view.alive) return;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    view.stoppers.push(() => URL.revokeObjectURL(url));
    const name = `${shown.id}-v${shown.version}.playbook.yaml`;
    replace(
      file,
      h('p', {}, h('a', { href: url, download: name, id: 'playbook-download' }, `Download ${name}`)),
      h('pre', { class: 'playbook-file', id: 'playbook-file' }, text),
    );
  }

  const query = version === undefined ? '' : `?version=${encodeURIComponent(version)}`;
  getJson(`${path}${query}`).then(
    ({ data }) => {
      if (!view.alive) return;
      /** @type {Playbook} */
      const shown = data;
      showHead(shown);
      void showDiagram(shown);
      void showFile(shown);
    },
    (error) => {
      if (!view.alive) return;
      const gone = error instanceof ApiError && error.status === 404;
      replace(
        head,
        h('h1', {}, gone ? 'Playbook not available' : 'Could not load the playbook'),
        h('p', { class: 'error' }, describeError(error)),
      );
      diagram.replaceChildren();
      file.replaceChildren();
    },
  );
  return view;
}
