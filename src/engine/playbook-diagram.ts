import type { AnyStateNode } from 'xstate';
import type { PlaybookDefinition } from '../playbook-kit';
import { humanise, timerLabel } from './machine-runtime';

export interface DiagramOptions {
  /** Active state paths (e.g. an incident's `active[].path`), highlighted with the `active` class. */
  active?: readonly string[];
}

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

/** The top-level region (track) a node belongs to. */
const trackOf = (node: AnyStateNode): string | undefined => node.path[0];

function edgesOf(definition: PlaybookDefinition, node: AnyStateNode): Edge[] {
  const edges: Edge[] = [];
  const add = (descriptor: string, targets: readonly AnyStateNode[] | undefined) => {
    for (const to of targets ?? []) {
      if (to === node && descriptor !== '') continue;
      if (trackOf(to) !== trackOf(node)) continue;
      edges.push({ from: node, to, text: descriptor });
    }
  };
  for (const [descriptor, transitions] of node.transitions) {
    const text = descriptor.startsWith('xstate.after.')
      ? `after ${timerLabel(definition, descriptor)}`
      : descriptor;
    for (const transition of transitions) add(text, transition.target as AnyStateNode[] | undefined);
  }
  for (const transition of node.always ?? []) add('always', transition.target as AnyStateNode[] | undefined);
  const seen = new Set<string>();
  return edges.filter((edge) => {
    const key = `${edge.to.id}|${edge.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The playbook as a Mermaid `stateDiagram-v2`: tracks are concurrent regions (`--`), compound states are
 * composite states, each transition within a track is an edge labelled with its event (or timer label).
 * Transitions across tracks (guards and cross-track targets) are left out so the layout stays readable.
 */
export function mermaidDiagram(definition: PlaybookDefinition, options: DiagramOptions = {}): string {
  const lines = [
    '---',
    `title: ${label(`${definition.title} (v${definition.version})`)}`,
    '---',
    'stateDiagram-v2',
  ];
  const write = (depth: number, text: string) => lines.push(`${'  '.repeat(depth)}${text}`);

  const emit = (node: AnyStateNode, depth: number) => {
    const id = diagramId(node.path);
    const children = Object.values(node.states);
    if (children.length === 0) {
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
    const initial = (node.initial?.target ?? []) as AnyStateNode[];
    for (const target of initial) write(depth, `[*] --> ${diagramId(target.path)}`);
    for (const child of children) emit(child, depth);
    for (const child of children) {
      for (const edge of allEdges(child)) {
        write(depth, `${diagramId(edge.from.path)} --> ${diagramId(edge.to.path)} : ${label(edge.text)}`);
      }
      if (child.type === 'final') write(depth, `${diagramId(child.path)} --> [*]`);
    }
  };

  /** Edges of a leaf; a compound's edges are written inside it, except those leaving it. */
  const allEdges = (node: AnyStateNode): Edge[] =>
    Object.keys(node.states).length === 0
      ? edgesOf(definition, node)
      : edgesOf(definition, node).filter((edge) => !isInside(edge.to, node));

  write(1, `state "${label(definition.title)}" as ${diagramId([])} {`);
  emitChildren(definition.machine.root, 2);
  write(1, '}');

  const active = (options.active ?? []).map((path) => diagramId(path.split('.')));
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
