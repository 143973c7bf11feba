// @ts-check
// Mermaid, loaded once from /vendor/mermaid.js at the strict security level: diagrams drawn as SVG, and a
// toggle between fitting the panel and actual size.

import { h } from './dom.js';

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
 * The SVG Mermaid draws for `text`. Labels may come from a published playbook file: securityLevel 'strict'
 * sanitises them, so the SVG may be set as HTML.
 * @param {string} text Mermaid source
 * @returns {Promise<string>}
 */
export async function mermaidSvg(text) {
  const mermaid = await loadMermaid();
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
 * A button switching the SVG in `body` between fitting the panel (an overview) and actual size (readable
 * labels, scroll to move around); `apply()` after each drawing.
 * @param {HTMLElement} body
 */
export function zoomToggle(body) {
  let actualSize = false;
  const apply = () => {
    const svg = body.querySelector('svg');
    if (!svg) return;
    const width = svg.viewBox?.baseVal?.width;
    svg.style.maxWidth = actualSize ? 'none' : `${width || 0}px`;
    svg.setAttribute('width', actualSize && width ? String(width) : '100%');
  };
  const button = h(
    'button',
    {
      type: 'button',
      class: 'zoom',
      onclick: () => {
        actualSize = !actualSize;
        button.textContent = actualSize ? 'Fit to panel' : 'Actual size';
        apply();
      },
    },
    'Actual size',
  );
  return { button, apply };
}
