import type { AnyStateNode } from 'xstate';
import { allStates, definitionProblems, type PlaybookDefinition } from '../playbook-kit';
import { stateMeta } from './machine-runtime';
import { exploreOwnership } from './playbook-explore';
import { stateTimers } from './playbook-timers';

/**
 * Checks over a playbook. Static, guards ignored (every transition counts as possible): the declared shape
 * (every client event with a title, description, payload schema, roles, valid examples and owning steps that
 * exist, every state a guard names), every state reachable, every state able to finish its region (or leave
 * it), every client event handled somewhere, every timer labelled, every state described with an owner.
 * Then a bounded walk of the reachable configurations (`exploreOwnership`): no event accepted by bookkeeping
 * alone, no guard that throws with a declared example (unless `explore` is false).
 */
export function checkPlaybook(definition: PlaybookDefinition, { explore = true } = {}): string[] {
  const root = definition.machine.root;
  const nodes = allStates(root);
  const problems: string[] = definitionProblems(definition);
  const name = (node: AnyStateNode) => node.path.join('.') || '(root)';

  const reachable = reachableNodes(root, nodes);
  for (const node of nodes) if (!reachable.has(node)) problems.push(`state ${name(node)} is unreachable`);

  for (const node of nodes) {
    const parent = node.parent;
    if (parent?.type !== 'compound') continue;
    if (!canFinish(node, parent))
      problems.push(`state ${name(node)} can never reach a final state of ${name(parent)}`);
  }

  const handled = new Set(nodes.flatMap((node) => [...node.transitions.keys()]));
  for (const event of definition.events) {
    if (!handled.has(event.type)) problems.push(`client event ${event.type} is accepted in no state`);
  }
  for (const [node, timers] of stateTimers(definition)) {
    for (const timer of timers) {
      if (!(timer.key in definition.timerLabels))
        problems.push(`timer "${timer.key}" of state ${name(node)} has no label in timerLabels`);
    }
  }
  for (const node of nodes) {
    if (node === root) continue;
    if (!node.description?.trim()) problems.push(`state ${name(node)} has no description`);
    if (!stateMeta(node)?.owner) problems.push(`state ${name(node)} has no meta.owner`);
  }
  // The walk takes seconds on a large playbook: a request that must not hold the event loop skips it.
  if (explore) problems.push(...exploreOwnership(definition));
  return problems;
}

const targetsOf = (node: AnyStateNode): AnyStateNode[] =>
  [...node.transitions.values(), node.always ?? []].flat().flatMap((t) => (t.target ?? []) as AnyStateNode[]);

function reachableNodes(root: AnyStateNode, nodes: AnyStateNode[]): Set<AnyStateNode> {
  const reached = new Set<AnyStateNode>();
  const enter = (node: AnyStateNode) => {
    if (reached.has(node)) return;
    reached.add(node);
    if (node.parent) enter(node.parent);
    if (node.type === 'parallel') for (const child of Object.values(node.states)) enter(child);
    if (node.type === 'compound')
      for (const target of (node.initial?.target ?? []) as AnyStateNode[]) enter(target);
  };
  enter(root);
  for (let size = -1; size !== reached.size; ) {
    size = reached.size;
    for (const node of nodes) if (reached.has(node)) for (const target of targetsOf(node)) enter(target);
  }
  return reached;
}

const isInside = (node: AnyStateNode, ancestor: AnyStateNode): boolean => {
  for (let current: AnyStateNode | undefined = node; current; current = current.parent)
    if (current === ancestor) return true;
  return false;
};

/** The child of `parent` that contains `node`. */
const childUnder = (node: AnyStateNode, parent: AnyStateNode): AnyStateNode | undefined => {
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    if (current.parent === parent) return current;
  }
  return undefined;
};

/** Can `start` (a child of the compound `parent`) reach a final sibling, or leave `parent`? */
function canFinish(start: AnyStateNode, parent: AnyStateNode): boolean {
  // A transition declared on `parent` or an ancestor that leaves it exits every child too.
  for (let ancestor: AnyStateNode | undefined = parent; ancestor?.parent; ancestor = ancestor.parent) {
    const node = ancestor;
    if (targetsOf(node).some((target) => !isInside(target, node))) return true;
  }
  const seen = new Set<AnyStateNode>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.type === 'final') return true;
    for (const source of allStates(node)) {
      for (const target of targetsOf(source)) {
        if (!isInside(target, parent)) return true;
        const sibling = childUnder(target, parent);
        if (sibling && sibling !== node) queue.push(sibling);
      }
    }
  }
  return false;
}
