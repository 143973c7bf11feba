import { type AnyStateNode, initialTransition } from 'xstate';
import type { PlaybookDefinition } from '../playbook-kit';
import { timerLabel } from './machine-runtime';

/** A timer a state arms on entry (an `after` delay or a delayed `raise` with an id), as declared. */
export interface StateTimer {
  /** The delay name of an `after` timer, or the id of a delayed raise: the key of `timerLabels`. */
  key: string;
  label: string;
  /** Its delay if the state were entered as the incident opens, from the playbook's example input. */
  nominalMs: number | null;
}

interface RaiseLike {
  type?: string;
  id?: unknown;
  delay?: unknown;
}

type DelayFn = (args: { context: unknown; event: unknown }) => number;

/**
 * The timers each state arms, read from the statechart itself: XState turns `after` into delayed raises on
 * entry, so one walk over the entry actions finds both kinds. Timers started from `enqueueActions` (the
 * notification clocks) are dynamic and are not listed.
 */
export function stateTimers(definition: PlaybookDefinition): Map<AnyStateNode, StateTimer[]> {
  const evaluate = nominalDelay(definition);
  const result = new Map<AnyStateNode, StateTimer[]>();
  const walk = (node: AnyStateNode) => {
    const timers: StateTimer[] = [];
    for (const action of node.entry as RaiseLike[]) {
      if (action?.type !== 'xstate.raise' || action.delay === undefined || typeof action.id !== 'string')
        continue;
      const key = action.id.startsWith('xstate.after.') ? String(action.delay) : action.id;
      timers.push({ key, label: timerLabel(definition, action.id), nominalMs: evaluate(action.delay) });
    }
    if (timers.length > 0) result.set(node, timers);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(definition.machine.root);
  return result;
}

/** Evaluates a delay (number, named delay or function) against the context an incident opens with. */
function nominalDelay(definition: PlaybookDefinition): (delay: unknown) => number | null {
  if (definition.example === undefined) return (delay) => (typeof delay === 'number' ? delay : null);
  const openedAt = new Date(definition.example.openedAt).toISOString();
  const actor = { id: 'example', name: 'example', roles: [] };
  const input = definition.inputSchema.parse(definition.example.input);
  const [snapshot] = initialTransition(definition.machine, {
    input,
    at: openedAt,
    actor,
    title: definition.title,
    severity: definition.defaultSeverity(input),
  });
  const named = definition.machine.implementations.delays as Record<string, unknown>;
  const args = { context: snapshot.context, event: { type: 'example', payload: {}, at: openedAt, actor } };
  return (delay) => {
    const resolved = typeof delay === 'string' ? named[delay] : delay;
    if (typeof resolved === 'number') return resolved;
    if (typeof resolved !== 'function') return null;
    try {
      const ms = (resolved as DelayFn)(args);
      return Number.isFinite(ms) && ms > 0 ? ms : null;
    } catch {
      return null;
    }
  };
}
