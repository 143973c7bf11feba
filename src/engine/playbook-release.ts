import type { AnyStateNode } from 'xstate';
import { jsonSchemaOf, type PlaybookDefinition } from '../playbook-kit';
import { publicTimerId } from './machine-runtime';
import { stateTimers } from './playbook-timers';

/**
 * What a released playbook version promises, as plain JSON: its state tree (each state's transitions with
 * their guards, targets and effects by name), its client events (roles, owners, payload schemas), its
 * deadlines and timer labels. A released version never changes: a snapshot of it is committed, and any
 * difference (a shared track included) needs a new version.
 */
export function releaseSnapshot(definition: PlaybookDefinition) {
  const timers = stateTimers(definition);
  const state = (node: AnyStateNode): unknown => ({
    type: node.type,
    owner: (node.meta as { owner?: string } | undefined)?.owner ?? null,
    deadlines: (timers.get(node) ?? []).map((timer) => timer.key),
    on: Object.fromEntries(
      [...node.transitions].map(([type, transitions]) => [
        type,
        transitions.map((transition) => ({
          guard: guardName(transition.guard),
          target: (transition.target ?? []).map((t: AnyStateNode) => t.path.join('.')),
          actions: transition.actions.map(actionName),
        })),
      ]),
    ),
    always: (node.always ?? []).map((transition) => ({
      guard: guardName(transition.guard),
      target: (transition.target ?? []).map((t: AnyStateNode) => t.path.join('.')),
    })),
    states: Object.fromEntries(Object.entries(node.states).map(([key, child]) => [key, state(child)])),
  });
  return {
    id: definition.id,
    version: definition.version,
    releasedAt: definition.releasedAt ?? null,
    roles: Object.keys(definition.roles).sort(),
    inputSchema: jsonSchemaOf(definition.inputSchema),
    events: definition.events.map((event) => ({
      type: event.type,
      roles: [...event.roles],
      owners: [...(event.owners ?? [])],
      payloadSchema: jsonSchemaOf(event.payload),
    })),
    timers: Object.fromEntries(
      Object.entries(definition.timerLabels).map(([key, label]) => [publicTimerId(key), label]),
    ),
    machine: state(definition.machine.root),
  };
}

/** Where a version's release snapshot is committed, relative to the project root. */
export const releaseSnapshotPath = (definition: Pick<PlaybookDefinition, 'id' | 'version'>): string =>
  `playbooks/${definition.id}/released/v${definition.version}.json`;

type GuardLike = unknown;

/** A guard by name: a named guard, `stateIn(<state>)`, `and(…)` / `or(…)` / `not(…)`, or a function's name. */
export function guardName(guard: GuardLike): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object') {
    const { type, params } = guard as { type?: unknown; params?: unknown };
    return params === undefined ? String(type) : `${String(type)}(${JSON.stringify(params)})`;
  }
  const fn = guard as { name?: string; stateValue?: unknown; guards?: GuardLike[] };
  if (fn.stateValue !== undefined) return `stateIn(${JSON.stringify(fn.stateValue)})`;
  if (fn.guards) return `${fn.name || 'guard'}(${fn.guards.map(guardName).join(', ')})`;
  return fn.name || 'inline';
}

function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function')
    return (action as { type?: string; name?: string }).type ?? (action.name || 'inline');
  if (action && typeof action === 'object') return String((action as { type?: unknown }).type);
  return String(action);
}
