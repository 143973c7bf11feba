import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import { type Actor, isOwnedBy, type PlaybookDefinition } from '../playbook-kit';
import { timerActor } from './kernel';
import { openSnapshot, type PendingTimer, type StepResult, step } from './machine-runtime';

/** How many configurations (distinct state values) one exploration visits at most. */
const DEFAULT_LIMIT = 400;

interface Visit {
  snapshot: AnyMachineSnapshot;
  timers: PendingTimer[];
  at: string;
}

/**
 * Walks the configurations a playbook reaches from its example incident (breadth first, bounded, one visit
 * per state value): every client event with each of its examples, sent by a fresh actor holding every role,
 * and the next timer firing. Reports each place where the machine would take an event that none of its owning
 * steps handles (bookkeeping alone would make it acceptable) and each guard or action that throws.
 */
export function exploreOwnership(definition: PlaybookDefinition, limit = DEFAULT_LIMIT): string[] {
  const problems = new Set<string>();
  /** Bookkeeping acceptances by event and taking states, with the first configuration seen. */
  const unowned = new Map<string, { message: string; count: number }>();
  const opened = openExample(definition);
  if (typeof opened === 'string') return [opened];
  const roles = ['admin', ...Object.keys(definition.roles)];
  let actors = 0;
  const nextActor = (): Actor => ({ id: `explore-${++actors}`, name: `explorer ${actors}`, roles });

  const seen = new Set<string>();
  const queue: Visit[] = [];
  const enqueue = (from: Visit, result: StepResult, at: string) => {
    const key = JSON.stringify(result.snapshot.value);
    if (result.snapshot.status !== 'active' || seen.has(key)) return;
    seen.add(key);
    const timers = from.timers.filter((t) => !result.timers.remove.includes(t.timerId));
    for (const added of result.timers.add) {
      const index = timers.findIndex((t) => t.timerId === added.timerId);
      if (index >= 0) timers.splice(index, 1);
      timers.push(added);
    }
    queue.push({ snapshot: result.snapshot, timers, at });
  };
  enqueue({ snapshot: opened.snapshot, timers: [], at: opened.at }, opened.result, opened.at);

  for (let visited = 0; queue.length > 0 && visited < limit; visited++) {
    const visit = queue.shift()!;
    const where = describeConfiguration(visit.snapshot);
    const at = new Date(Date.parse(visit.at) + 60_000).toISOString();
    const handled = new Set(
      visit.snapshot._nodes.flatMap((node: AnyStateNode) => [...node.transitions.keys()]),
    );
    for (const clientEvent of definition.events) {
      if (!handled.has(clientEvent.type)) continue;
      const owners = clientEvent.owners ?? [];
      for (const example of clientEvent.examples) {
        const parsed = clientEvent.payload.safeParse(example);
        if (!parsed.success) continue;
        const event = { type: clientEvent.type, payload: parsed.data, at, actor: nextActor() };
        try {
          const taking = definition.machine
            .getTransitionData(visit.snapshot, event)
            .filter((transition) => transition.target?.length || transition.actions.length);
          if (taking.length === 0) continue;
          const sources = taking.map((transition) => transition.source.path.join('.') || '(root)');
          if (!sources.some((source) => isOwnedBy(owners, source === '(root)' ? '' : source))) {
            const key = `${clientEvent.type} ${sources.join(' ')}`;
            const known = unowned.get(key);
            if (known) known.count++;
            else
              unowned.set(key, {
                message:
                  `event ${clientEvent.type} is taken only by ${sources.join(', ')}, none of its owning steps ` +
                  `(${owners.join(', ') || 'none named'}): bookkeeping alone would accept it, e.g. in ${where}`,
                count: 1,
              });
            continue;
          }
          enqueue(visit, step(definition, visit.snapshot, event), at);
        } catch (error) {
          problems.add(`event ${clientEvent.type} throws in ${where}: ${(error as Error).message}`);
        }
      }
    }
    const next = [...visit.timers].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    if (next) {
      const event = { payload: {}, ...next.event, at: next.dueAt, actor: timerActor };
      const after = { ...visit, timers: visit.timers.filter((t) => t !== next) };
      try {
        if (visit.snapshot.can(event)) enqueue(after, step(definition, visit.snapshot, event), next.dueAt);
        else queue.push({ ...after, at: next.dueAt > visit.at ? next.dueAt : visit.at });
      } catch (error) {
        problems.add(`timer ${next.timerId} throws in ${where}: ${(error as Error).message}`);
      }
    }
  }
  for (const { message, count } of unowned.values())
    problems.add(count > 1 ? `${message} (and ${count - 1} more configurations)` : message);
  return [...problems];
}

function openExample(
  definition: PlaybookDefinition,
): { snapshot: AnyMachineSnapshot; result: StepResult; at: string } | string {
  const parsed = definition.inputSchema.safeParse(definition.example?.input ?? {});
  if (!parsed.success) return 'cannot explore: the playbook has no example input its input schema accepts';
  const at = new Date(definition.example?.openedAt ?? '2026-01-01T00:00:00Z').toISOString();
  const actor = { id: 'explore-0', name: 'explorer', roles: ['admin'] };
  try {
    const result = openSnapshot(definition, {
      input: parsed.data,
      at,
      actor,
      title: definition.title,
      severity: definition.defaultSeverity(parsed.data),
    });
    return { snapshot: result.snapshot, result, at };
  } catch (error) {
    return `cannot explore: opening the example incident throws: ${(error as Error).message}`;
  }
}

/** The active leaf states, e.g. `command.active, payment.open.decision`. */
function describeConfiguration(snapshot: AnyMachineSnapshot): string {
  const leaves = snapshot._nodes.filter((node: { states: object }) => Object.keys(node.states).length === 0);
  return leaves.map((node: { path: string[] }) => node.path.join('.')).join(', ');
}
