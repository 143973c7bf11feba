import type { AnyStateNode } from 'xstate';
import type { PlaybookDefinition } from '../playbook-kit';
import { Refusal } from './errors';
import { humanise, timerKey } from './machine-runtime';
import { guardName } from './playbook-release';

export interface DiagramOptions {
  /** Active state paths (e.g. an incident's `active[].path`), highlighted with the `active` class. */
  active?: readonly string[];
  /** One track (a region of the root) alone: a diagram small enough to read. */
  track?: string;
}

/** The tracks of a playbook: the regions of its root, in order. */
export const diagramTracks = (definition: PlaybookDefinition): string[] =>
  definition.machine.root.type === 'parallel' ? Object.keys(definition.machine.root.states) : [];

/** A Mermaid id for a state path: letters, digits and underscores only. */
export const diagramId = (path: readonly string[]): string =>
  path.length === 0 ? 'playbook' : path.join('__').replace(/[^A-Za-z0-9_]/g, '_');

/** Mermaid chokes on `:`, `;`, `#`, quotes and braces inside labels. */
const label = (text: string): string =>
  text
    .replace(/[:;#"{}<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

interface Edge {
  from: AnyStateNode;
  to: AnyStateNode;
  text: string;
}

const isLeaf = (node: AnyStateNode): boolean => Object.keys(node.states).length === 0;

/** What an edge says: the event, `after <timer label>`, or that the state it leaves is done. */
function edgeText(definition: PlaybookDefinition, node: AnyStateNode, descriptor: string): string {
  if (descriptor.startsWith('xstate.after.')) {
    const key = timerKey(descriptor);
    return `after ${definition.timerLabels[key] ?? humanise(key)}`;
  }
  if (descriptor.startsWith('xstate.done.state.'))
    return node.type === 'parallel' ? 'all parts done' : 'done';
  return descriptor;
}

/**
 * An edge's text with the name of its guard when the guard has a short one (`payment.decided [optionIs(pay)]`);
 * an unnamed guard, or a long composite one such as "every track done", stays off the diagram.
 */
function withGuard(text: string, guard: unknown): string {
  const name = guardName(guard);
  const shown =
    name !== null && !['inline', 'guard'].includes(name) && name.length <= 60 && !name.includes('#');
  return shown ? `${text} [${name}]` : text;
}

/**
 * The leaf states a transition into `node` enters. Edges end on these, never on a composite state: Mermaid 11's
 * layout throws ("Cannot set properties of undefined (setting 'rank')") on an edge into a composite state that
 * no other edge crosses, when it sits in the first of several concurrent regions.
 */
function entryLeaves(node: AnyStateNode): AnyStateNode[] {
  if (isLeaf(node)) return [node];
  const entered = node.type === 'parallel' ? Object.values(node.states) : (node.initial?.target ?? []);
  return (entered as AnyStateNode[]).flatMap(entryLeaves);
}

/** The deepest state that holds both `a` and `b` below it: the block an edge between them is written in. */
function commonParent(a: AnyStateNode, b: AnyStateNode): AnyStateNode | undefined {
  for (let current = a.parent; current; current = current.parent) {
    if (isInside(b, current) && b !== current) return current;
  }
  return undefined;
}

/**
 * Every edge, keyed by the state whose block it is written in. Edges across concurrent regions (guards and
 * cross-track targets) are left out so the layout stays readable, and so are self-transitions.
 */
function edgesByBlock(definition: PlaybookDefinition): Map<AnyStateNode, Edge[]> {
  const blocks = new Map<AnyStateNode, Edge[]>();
  const seen = new Set<string>();
  const visit = (node: AnyStateNode) => {
    const transitions = [
      ...[...node.transitions].flatMap(([descriptor, list]) =>
        list.map((transition) => ({
          text: withGuard(edgeText(definition, node, descriptor), transition.guard),
          transition,
        })),
      ),
      ...(node.always ?? []).map((transition) => ({
        text: withGuard('always', transition.guard),
        transition,
      })),
    ];
    for (const { text, transition } of transitions) {
      for (const target of (transition.target ?? []) as AnyStateNode[]) {
        if (isInside(target, node)) continue;
        for (const to of entryLeaves(target)) {
          const block = commonParent(node, to);
          if (block === undefined || block.type === 'parallel') continue;
          const key = `${node.id}|${to.id}|${text}`;
          if (seen.has(key)) continue;
          seen.add(key);
          blocks.set(block, [...(blocks.get(block) ?? []), { from: node, to, text }]);
        }
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(definition.machine.root);
  return blocks;
}

/**
 * The playbook as a Mermaid `stateDiagram-v2`: tracks are concurrent regions (`--`), compound states are
 * composite states, each transition within a region is an edge labelled with its event (or timer label).
 *
 * Mermaid puts a state in the block where it is mentioned last, so every block writes its edges before the
 * states it declares, and an edge is written in the block of the deepest state that holds both its ends.
 */
export function mermaidDiagram(definition: PlaybookDefinition, options: DiagramOptions = {}): string {
  const track = options.track;
  if (track !== undefined && !diagramTracks(definition).includes(track)) {
    throw new Refusal('invalid_request', `playbook ${definition.id} has no track "${track}"`, {
      tracks: diagramTracks(definition),
    });
  }
  const title = track ? `${definition.title}: ${humanise(track)}` : definition.title;
  const lines = ['---', `title: ${label(`${title} (v${definition.version})`)}`, '---', 'stateDiagram-v2'];
  const write = (depth: number, text: string) => lines.push(`${'  '.repeat(depth)}${text}`);
  const edges = edgesByBlock(definition);

  const emit = (node: AnyStateNode, depth: number) => {
    const id = diagramId(node.path);
    if (isLeaf(node)) {
      write(depth, `state "${label(humanise(node.key))}" as ${id}`);
      return;
    }
    write(depth, `state "${label(humanise(node.key))}" as ${id} {`);
    emitChildren(node, depth + 1);
    write(depth, '}');
  };

  const emitChildren = (node: AnyStateNode, depth: number) => {
    const children = Object.values(node.states);
    if (node.type === 'parallel') {
      children.forEach((child, i) => {
        if (i > 0) write(depth, '--');
        emit(child, depth);
      });
      return;
    }
    for (const leaf of entryLeaves(node)) write(depth, `[*] --> ${diagramId(leaf.path)}`);
    for (const edge of edges.get(node) ?? []) {
      write(depth, `${diagramId(edge.from.path)} --> ${diagramId(edge.to.path)} : ${label(edge.text)}`);
    }
    for (const child of children) {
      if (child.type === 'final') write(depth, `${diagramId(child.path)} --> [*]`);
    }
    for (const child of children) emit(child, depth);
  };

  if (track) emit(definition.machine.root.states[track]!, 1);
  else {
    write(1, `state "${label(definition.title)}" as ${diagramId([])} {`);
    emitChildren(definition.machine.root, 2);
    write(1, '}');
  }

  const active = (options.active ?? [])
    .filter((path) => !track || path.startsWith(`${track}.`))
    .map((path) => diagramId(path.split('.')));
  write(1, 'classDef active fill:#ffd54f,stroke:#e65100,stroke-width:3px,color:#000');
  if (active.length > 0) write(1, `class ${active.join(',')} active`);
  return `${lines.join('\n')}\n`;
}

function isInside(node: AnyStateNode, ancestor: AnyStateNode): boolean {
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}
