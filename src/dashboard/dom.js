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

/** Words written in capitals (or their own way) wherever a key holds them. @type {Record<string, string>} */
const SPELLED = {
  id: 'ID',
  ids: 'IDs',
  ir: 'IR',
  ip: 'IP',
  url: 'URL',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  md5: 'MD5',
  pii: 'PII',
  tlp: 'TLP',
  gdpr: 'GDPR',
  ciso: 'CISO',
  btc: 'BTC',
  usd: 'USD',
  pipeda: 'PIPEDA',
  le: 'LE',
  ofac: 'OFAC',
  sec: 'SEC',
};

/**
 * A key in words: 'containment_decision' → 'Containment decision', 'caseNumber' → 'Case number',
 * 'irVendor' → 'IR vendor', 'sha256' → 'SHA-256'. For keys that have no title of their own.
 * @param {string} key
 */
export function humanise(key) {
  const words = String(key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.\s]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(' ');
  return words
    .map((word, i) => SPELLED[word] ?? (i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word))
    .join(' ');
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
