// @ts-check
// Reports (an incident's, an exercise's after-action report): read in the page or downloaded as HTML,
// Markdown or JSON. Fetched with the token (a plain link could not send it), saved through a Blob.

import { ApiError, request } from './api.js';
import { h, replace } from './dom.js';
import { describeError } from './view.js';

const FORMATS = [
  { label: 'HTML', accept: 'text/html', ext: 'html' },
  { label: 'Markdown', accept: 'text/markdown', ext: 'md' },
  { label: 'JSON', accept: 'application/json', ext: 'json' },
];

/**
 * @param {string} path
 * @param {string} accept
 */
async function fetchReport(path, accept) {
  const response = await request(path, { headers: { accept } });
  return response.text();
}

/**
 * "Read the report" and download buttons; a server without this report says so in words.
 * @param {string} path the report's API path
 * @param {string} name the downloaded file's name, without extension
 */
export function reportLinks(path, name) {
  const status = h('span', { class: 'report-status', role: 'status' });
  const reader = h('pre', { class: 'report-text', hidden: true });
  /** @param {unknown} error */
  const failed = (error) => {
    status.textContent =
      error instanceof ApiError && (error.status === 404 || error.status === 405)
        ? ' No report here: this server does not offer it (it answered 404).'
        : ` Could not get the report: ${describeError(error)}`;
  };
  const read = h(
    'button',
    {
      type: 'button',
      class: 'link report-read',
      onclick: async () => {
        status.textContent = '';
        try {
          reader.textContent = await fetchReport(path, 'text/markdown');
          reader.hidden = false;
        } catch (error) {
          failed(error);
        }
      },
    },
    'Read the report',
  );
  const downloads = FORMATS.map(({ label, accept, ext }) =>
    h(
      'button',
      {
        type: 'button',
        class: 'link report-download',
        dataset: { format: ext },
        onclick: async () => {
          status.textContent = '';
          try {
            const text = await fetchReport(path, accept);
            const url = URL.createObjectURL(new Blob([text], { type: accept }));
            const link = h('a', { href: url, download: `${name}.${ext}` });
            document.body.append(link);
            link.click();
            link.remove();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
            status.textContent = ` Saved ${name}.${ext}.`;
          } catch (error) {
            failed(error);
          }
        },
      },
      label,
    ),
  );
  const el = h(
    'span',
    { class: 'report-links' },
    read,
    ' · download: ',
    downloads.flatMap((b, i) => (i ? [' ', b] : [b])),
    status,
  );
  return h('span', {}, el, reader);
}

/**
 * Replaces `el` with the report read as Markdown (for a page that shows it at once).
 * @param {HTMLElement} el
 * @param {string} path
 */
export async function showReport(el, path) {
  try {
    replace(el, h('pre', { class: 'report-text' }, await fetchReport(path, 'text/markdown')));
  } catch (error) {
    replace(el, h('p', { class: 'error' }, `Could not get the report: ${describeError(error)}`));
  }
}
