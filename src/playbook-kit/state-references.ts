import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** A guard as XState keeps it: a named guard, a `{ type, params }` object, or a function (maybe `stateIn`, `and`…). */
type GuardLike =
  | string
  | { type?: unknown }
  | (((...args: never[]) => unknown) & { stateValue?: unknown; guards?: readonly GuardLike[] });

/**
 * Every state a guard of the machine refers to (`stateIn`, also inside `and` / `or` / `not` and named guards)
 * exists. XState resolves `#id` references only when the guard runs, so a mistyped path would otherwise pass
 * the type checker and fail mid-incident.
 */
export function stateReferenceProblems(machine: AnyStateMachine): string[] {
  const problems = new Set<string>();
  const named = (machine.implementations.guards ?? {}) as Record<string, GuardLike>;
  const check = (guard: GuardLike | undefined, where: string, seen: Set<GuardLike>) => {
    if (guard === undefined || seen.has(guard)) return;
    seen.add(guard);
    if (typeof guard === 'string') return check(named[guard], where, seen);
    if (typeof guard === 'object') {
      if (typeof guard.type === 'string') check(named[guard.type], where, seen);
      return;
    }
    for (const inner of guard.guards ?? []) check(inner, where, seen);
    if (guard.stateValue !== undefined && !refersToState(machine, guard.stateValue))
      problems.add(
        `${where}: a guard refers to state ${JSON.stringify(guard.stateValue)}, which does not exist`,
      );
  };
  const walk = (node: AnyStateNode) => {
    const where = `state ${node.path.join('.') || '(root)'}`;
    for (const [type, transitions] of node.transitions)
      for (const transition of transitions)
        check(transition.guard as GuardLike, `${where} on ${type}`, new Set());
    for (const transition of node.always ?? [])
      check(transition.guard as GuardLike, `${where} (always)`, new Set());
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return [...problems];
}

function refersToState(machine: AnyStateMachine, value: unknown): boolean {
  if (typeof value === 'string' && value.startsWith('#')) {
    try {
      machine.getStateNodeById(value);
      return true;
    } catch {
      return false;
    }
  }
  const exists = (node: AnyStateNode, value: unknown): boolean => {
    if (typeof value === 'string') {
      let current: AnyStateNode | undefined = node;
      for (const key of value.split('.')) current = current?.states[key];
      return current !== undefined;
    }
    if (!value || typeof value !== 'object') return false;
    return Object.entries(value).every(([key, sub]) => {
      const child = node.states[key];
      return child !== undefined && (sub === undefined || sub === null || exists(child, sub));
    });
  };
  return exists(machine.root, value);
}
