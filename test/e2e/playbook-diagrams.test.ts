import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { playbooks } from '../../playbooks';
import { humanise, mermaidDiagram } from '../../src/engine';
import type { PlaybookDefinition } from '../../src/playbook-kit';
import { drillPlaybook } from '../fixtures/drill-playbook';

/**
 * Every registered playbook version's diagram, as the server writes it, rendered by the Mermaid the dashboard
 * loads (`/vendor/mermaid.js` serves this same file) in Debian's Chromium.
 */
const mermaidFile = join(
  dirname(createRequire(import.meta.url).resolve('mermaid/package.json')),
  'dist',
  'mermaid.min.js',
);

const definitions: readonly PlaybookDefinition[] = [...playbooks, drillPlaybook];

const statesOf = (node: AnyStateNode): AnyStateNode[] => [
  node,
  ...Object.values(node.states).flatMap(statesOf),
];
const leavesOf = (p: PlaybookDefinition) =>
  statesOf(p.machine.root).filter((node) => Object.keys(node.states).length === 0);

describe('playbook diagrams in Mermaid (Chromium)', () => {
  let browser: Browser;
  let renderer: Page;
  let viewer: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    renderer = await browser.newPage();
    renderer.on('pageerror', (error) => pageErrors.push(error.message));
    renderer.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await renderer.addScriptTag({ content: readFileSync(mermaidFile, 'utf8') });
    // The dashboard's settings (src/dashboard/mermaid.js, loadMermaid).
    await renderer.evaluate(() => {
      const { mermaid } = globalThis as unknown as { mermaid: { initialize(config: object): void } };
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        suppressErrorRendering: true,
        theme: 'neutral',
        maxTextSize: 500_000,
      });
    });
    viewer = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  let renders = 0;
  /** Mermaid's SVG for `text` (shown in the viewer page), or its error; and what the page logged as errors. */
  async function render(text: string): Promise<{ svg?: string; error?: string; pageErrors: string[] }> {
    pageErrors.length = 0;
    const result = await renderer.evaluate(
      async ({ source, id }) => {
        const { mermaid } = globalThis as unknown as {
          mermaid: { render(id: string, text: string): Promise<{ svg: string }> };
        };
        try {
          return { svg: (await mermaid.render(id, source)).svg };
        } catch (error) {
          return { error: error instanceof Error ? error.message : String(error) };
        }
      },
      { source: text, id: `diagram-${++renders}` },
    );
    if (result.svg !== undefined) await viewer.setContent(`<!doctype html><body>${result.svg}</body>`);
    return { ...result, pageErrors: [...pageErrors] };
  }

  it.each(definitions.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'renders %s with every state named and no xstate.* label',
    async (_name, p) => {
      const rendered = await render(mermaidDiagram(p));
      expect(rendered.error).toBeUndefined();
      expect(rendered.pageErrors).toEqual([]);
      expect(rendered.svg).toMatch(/^<svg /);
      const shown = await viewer.locator('body').innerText();
      expect(shown).not.toContain('xstate.');
      for (const node of statesOf(p.machine.root).slice(1)) expect(shown).toContain(humanise(node.key));
    },
  );

  it.each(definitions.map((p) => [`${p.id}@${p.version}`, p] as const))(
    'renders %s with active states marked, as an incident page does',
    async (_name, p) => {
      const leaves = leavesOf(p);
      const rendered = await render(mermaidDiagram(p, { active: leaves.map((node) => node.path.join('.')) }));
      expect(rendered.error).toBeUndefined();
      expect(rendered.pageErrors).toEqual([]);
      expect(await viewer.locator('svg g.node.active').count()).toBe(leaves.length);
    },
  );
});
