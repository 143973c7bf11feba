// @ts-check
// Small DOM helpers. Text always goes through textContent / attributes, never innerHTML:
// titles, payloads and notes are user input.

/**
 * What `h` and `replace` take as children: text, nodes, nested lists; null, undefined and false are skipped.
 * @typedef {string | number | Node | null | undefined | false | Children} Child
 * @typedef {ReadonlyArray<string | number | Node | null | undefined | false | ReadonlyArray<any>>} Children
 */

/**
 * h('div', { class: 'card', onclick: fn, dataset: { id } }, 'text', child, [more, children])
 * Attributes that are null, undefined or false are left out; `true` sets an empty attribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Replaces every child of `el`.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** 'containment_decision' → 'Containment decision' (the server's humanise, for track names). */
/** @param {string} key */
export function humanise(key) {
  const words = String(key).replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Local date and time, to the second.
 * @param {string | null | undefined} iso
 */
export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** 93784 s → '1d 02:03:04'; negative → same, the caller says "overdue". */
/** @param {number} ms */
export function formatDuration(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return `${days > 0 ? `${days}d ` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}

/**
 * A live countdown to `dueAt`: an element the page-wide ticker updates every second
 * (see `tickCountdowns`).
 */
/** @param {string} dueAt */
export function countdown(dueAt) {
  const el = h('span', { class: 'countdown', dataset: { due: dueAt }, title: formatTime(dueAt) });
  updateCountdown(el, Date.now());
  return el;
}

/**
 * @param {HTMLElement} el
 * @param {number} now
 */
function updateCountdown(el, now) {
  const left = Date.parse(el.dataset.due ?? '') - now;
  const late = left < 0;
  el.textContent = late ? `overdue by ${formatDuration(left)}` : `in ${formatDuration(left)}`;
  el.classList.toggle('late', late);
  el.classList.toggle('soon', !late && left < 3_600_000);
}

/** Updates every countdown on the page; called once a second. */
export function tickCountdowns() {
  const now = Date.now();
  for (const el of document.querySelectorAll('.countdown[data-due]')) {
    if (el instanceof HTMLElement) updateCountdown(el, now);
  }
}

/**
 * @param {string} text
 * @param {string} [kind]
 */
export function badge(text, kind) {
  return h('span', { class: `badge ${kind ?? ''}`.trim() }, text);
}

/** @param {string} severity */
export function severityBadge(severity) {
  return h('span', { class: `badge severity sev-${String(severity).replace(/[^a-z]/g, '')}` }, severity);
}
