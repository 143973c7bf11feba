import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notificationClocks } from '../../src/playbook-kit';

/**
 * docs/sources.md accounts for every source the code cites: each case file (C1–C9), seed account (S0…)
 * and rule or guidance (R1…) cited in `playbooks/**` or `src/**` has an entry there, as a heading or as
 * the id of a table row. A new citation without an entry fails here.
 */
const root = resolve(import.meta.dirname, '../..');
const sources = readFileSync(join(root, 'docs/sources.md'), 'utf8');

/** The citation pattern of `grep -rhoE "\b(R|S)[0-9]{1,2}\b|C[1-9]\b" playbooks src`. */
const citation = /\b(R|S)[0-9]{1,2}\b|C[1-9]\b/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|yaml)$/.test(entry.name) ? [path] : [];
  });
}

function citedIds(): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const file of [...sourceFiles(join(root, 'playbooks')), ...sourceFiles(join(root, 'src'))]) {
    const relative = file.slice(root.length + 1);
    for (const [id] of readFileSync(file, 'utf8').matchAll(citation)) {
      const files = cited.get(id) ?? [];
      if (!files.includes(relative)) files.push(relative);
      cited.set(id, files);
    }
  }
  return cited;
}

/** Ids with an entry: a heading that starts with the id, or a table row whose first cell is the id. */
function entries(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const line of markdown.split('\n')) {
    const id =
      /^#{2,6}\s+((?:R|S)[0-9]{1,2}|C[1-9])\b/.exec(line)?.[1] ??
      /^\|\s*((?:R|S)[0-9]{1,2}|C[1-9])\s*\|/.exec(line)?.[1];
    if (id) found.add(id);
  }
  return found;
}

describe('docs/sources.md', () => {
  it('has an entry for every R/S/C id cited in playbooks and src', () => {
    const cited = citedIds();
    // The walk found the citations at all (the reference playbook cites C2 and R1).
    expect(cited.has('C2')).toBe(true);
    expect(cited.has('R1')).toBe(true);
    const listed = entries(sources);
    const missing = [...cited.keys()]
      .filter((id) => !listed.has(id))
      .sort()
      .map((id) => `${id} (cited in ${cited.get(id)?.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('recognises entries only as headings or table-row ids', () => {
    expect(entries('### C1. A case\n| R3 | a rule |\nprose citing S4 and R9\n| x | R7 |')).toEqual(
      new Set(['C1', 'R3']),
    );
  });

  it('lists every clock of the notification-clock library', () => {
    const missing = notificationClocks
      .map((clock) => clock.id)
      .filter((id) => !sources.includes(`| \`${id}\` |`));
    expect(missing).toEqual([]);
  });
});
