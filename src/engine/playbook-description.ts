import type { AnyStateNode } from 'xstate';
import type { PlaybookDefinition } from '../playbook-kit';
import { humanise, stateMeta } from './machine-runtime';

export interface StateTreeNode {
  key: string;
  path: string;
  title: string;
  type: string;
  description: string;
  owner: string | null;
  checklist: string[];
  evidence: string[];
  source: string | null;
  /** Client events this state handles itself (not its ancestors). */
  on: string[];
  states: StateTreeNode[];
}

/** The states of a playbook as a tree views can render: tracks are the root's children. */
export function describeStates(definition: PlaybookDefinition): StateTreeNode[] {
  const clientTypes = new Set(definition.events.map((event) => event.type));
  const describe = (node: AnyStateNode): StateTreeNode => {
    const meta = stateMeta(node);
    return {
      key: node.key,
      path: node.path.join('.'),
      title: humanise(node.key),
      type: node.type,
      description: node.description ?? '',
      owner: meta?.owner ?? null,
      checklist: meta?.checklist ?? [],
      evidence: meta?.evidence ?? [],
      source: meta?.source ?? null,
      on: [...node.transitions.keys()].filter((type) => clientTypes.has(type)),
      states: Object.values(node.states).map(describe),
    };
  };
  return Object.values(definition.machine.root.states).map(describe);
}
