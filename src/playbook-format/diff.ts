import { releaseSnapshot } from '../engine';
import type { PlaybookDefinition } from '../playbook-kit';

type Leaves = Map<string, string>;

/** Every leaf of a JSON value by its dotted path; arrays of objects with a `type` are keyed by it. */
function leaves(value: unknown, path: string, into: Leaves): Leaves {
  if (Array.isArray(value) && value.every((item) => typeof item === 'object' && item && 'type' in item)) {
    for (const item of value) leaves(item, `${path}[${String((item as { type: unknown }).type)}]`, into);
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) leaves(child, path ? `${path}.${key}` : key, into);
  } else into.set(path, JSON.stringify(value));
  return into;
}

/**
 * What a new version changes, as its release snapshot sees it (states, transitions with guards and targets,
 * events with roles, owners and payload schemas, timers): `+` added, `-` removed, `~` changed.
 */
export function playbookDiff(before: PlaybookDefinition, after: PlaybookDefinition): string[] {
  const a = leaves(JSON.parse(JSON.stringify(releaseSnapshot(before))), '', new Map());
  const b = leaves(JSON.parse(JSON.stringify(releaseSnapshot(after))), '', new Map());
  const lines: string[] = [];
  for (const [path, value] of a) {
    if (!b.has(path)) lines.push(`- ${path}: ${value}`);
    else if (b.get(path) !== value) lines.push(`~ ${path}: ${value} → ${b.get(path)}`);
  }
  for (const [path, value] of b) if (!a.has(path)) lines.push(`+ ${path}: ${value}`);
  return lines;
}
