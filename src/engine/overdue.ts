import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { PlaybookDefinition, TrackedClock } from '../playbook-kit';
import { type PendingTimer, type TimerChanges, timerKey, timerLabel } from './machine-runtime';
import { stateTimers } from './playbook-timers';

/**
 * Something that fell due with its step not done: a playbook deadline (escalation, warning, ransom deadline,
 * report due) whose timer fired while the step that armed it was still active, or a notification clock past
 * its due time unfiled. It stays until the step is done.
 */
export interface OverdueItem {
  kind: 'deadline' | 'clock';
  /** The timer id (deadlines) or the clock id. */
  id: string;
  label: string;
  /** When it fell due (the latest time, for a deadline that recurs while its step waits). */
  dueAt: string;
  /** The state path of the step that is not done (a clock: `clocks`). */
  step: string | null;
  /** When the step first became overdue. */
  since: string;
}

/** The `clock.due` timers are notification clocks: their items come from the clocks themselves. */
const isClockTimer = (timer: Pick<PendingTimer, 'event'>) => timer.event.type === 'clock.due';

const activePaths = (snapshot: AnyMachineSnapshot): Set<string> =>
  new Set(snapshot._nodes.map((node: AnyStateNode) => node.path.join('.')));

/**
 * The step that arms a timer, among the active states: an `after` timer names its state in its id
 * (`xstate.after.<delay>.<state id>`); a delayed raise is found among the states whose entry arms it.
 */
export function armingStep(
  definition: PlaybookDefinition,
  snapshot: AnyMachineSnapshot,
  timerId: string,
): string | null {
  const active = activePaths(snapshot);
  if (timerId.startsWith('xstate.after.')) {
    const stateId = timerId.slice('xstate.after.'.length).split('.').slice(1).join('.');
    const node = snapshot._nodes.find((n: AnyStateNode) => n.id === stateId);
    return node ? node.path.join('.') : null;
  }
  for (const [node, timers] of armingStates(definition)) {
    const path = node.path.join('.');
    if (active.has(path) && timers.includes(timerKey(timerId))) return path;
  }
  return null;
}

const armingCache = new WeakMap<PlaybookDefinition, [AnyStateNode, string[]][]>();
function armingStates(definition: PlaybookDefinition): [AnyStateNode, string[]][] {
  let found = armingCache.get(definition);
  if (!found) {
    found = [...stateTimers(definition)].map(([node, timers]) => [node, timers.map((t) => t.key)]);
    armingCache.set(definition, found);
  }
  return found;
}

/**
 * The deadline items after one transition. An item goes when its step is done: the step was left (its timer
 * cancelled, or its state no longer active) or entered afresh (its timer re-armed for a later time). A timer
 * re-armed for the same, already passed time (the next step of the same wait) keeps it. `fired`: the timer
 * this transition fired, which becomes an item if its step is still active after it.
 */
export function nextOverdueItems(
  definition: PlaybookDefinition,
  previous: readonly OverdueItem[],
  snapshot: AnyMachineSnapshot,
  timers: TimerChanges,
  fired?: Pick<PendingTimer, 'timerId' | 'event' | 'dueAt'>,
): OverdueItem[] {
  const active = activePaths(snapshot);
  const items: OverdueItem[] = [];
  for (const item of previous) {
    const rearmed = timers.add.find((timer) => timer.timerId === item.id);
    if (rearmed && rearmed.dueAt > item.dueAt) continue;
    if (!rearmed && timers.remove.includes(item.id)) continue;
    const step = rearmed ? (armingStep(definition, snapshot, item.id) ?? item.step) : item.step;
    if (step === null || !active.has(step)) continue;
    items.push({ ...item, step });
  }
  if (fired && !isClockTimer(fired)) {
    const step = armingStep(definition, snapshot, fired.timerId);
    if (step !== null) {
      const earlier = items.findIndex((item) => item.id === fired.timerId);
      const item: OverdueItem = {
        kind: 'deadline',
        id: fired.timerId,
        label: timerLabel(definition, fired.timerId),
        dueAt: fired.dueAt,
        step,
        since: earlier >= 0 ? items[earlier]!.since : fired.dueAt,
      };
      if (earlier >= 0) items.splice(earlier, 1, item);
      else items.push(item);
    }
  }
  return items;
}

/** Notification clocks past their due time unfiled, as overdue items. */
export function overdueClockItems(clocks: readonly TrackedClock[]): OverdueItem[] {
  return clocks
    .filter((clock) => clock.state === 'overdue')
    .map((clock) => ({
      kind: 'clock',
      id: clock.id,
      label: clock.label,
      dueAt: clock.dueAt,
      step: 'clocks',
      since: clock.dueAt,
    }));
}

/** Every overdue item of an incident, earliest due first. */
export function overdueItems(
  deadlines: readonly OverdueItem[],
  clocks: readonly TrackedClock[],
): OverdueItem[] {
  return [...deadlines, ...overdueClockItems(clocks)].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}
