import { type Actor, hasOverdueClock, type PlaybookDefinition } from '../playbook-kit';
import { hashEvent } from './hash-chain';
import { persistSnapshot, restoreSnapshot, step, timerKey, timerLabel } from './machine-runtime';
import { nextOverdueItems } from './overdue';
import type { EventRecord, IncidentRow, TimerFiring, TimerRow } from './types';

/** The actor of every timer fire. */
export const timerActor: Actor = { id: 'holdfast:timer', name: 'timer', roles: [] };

/** A runaway playbook (a zero-delay timer re-arming itself) stops here instead of looping forever. */
const MAX_FIRES_PER_BATCH = 10_000;

const byDueAt = (a: TimerRow, b: TimerRow) =>
  a.dueAt.localeCompare(b.dueAt) || a.timerId.localeCompare(b.timerId);

/**
 * Fires the timers due by `horizon` on an incident in due_at order, each as an event at its own due
 * time (the incident's clock at that moment), including timers that those fires schedule before the
 * horizon. A timer the machine no longer accepts, or one cancelled by an earlier fire, is dropped
 * without a transition. Pure: the store writes the result.
 */
export function fireTimers(
  definition: PlaybookDefinition,
  incident: IncidentRow,
  due: TimerRow[],
  horizon: string,
  recordedAt: string,
): TimerFiring {
  let snapshot = restoreSnapshot(definition, incident.snapshot);
  let current = incident;
  const events: EventRecord[] = [];
  /** Final fate of each touched timer id: a row to (re)write, or null to delete. */
  const fate = new Map<string, TimerRow | null>();
  const cancelled = new Set<string>();

  const queue = [...due].sort(byDueAt);
  for (let fires = 0; queue.length > 0 && fires < MAX_FIRES_PER_BATCH; fires++) {
    const timer = queue.shift()!;
    if (cancelled.has(timer.timerId)) continue;
    fate.set(timer.timerId, null);
    const event = { payload: {}, ...timer.event, at: timer.dueAt, actor: timerActor };
    if (snapshot.status !== 'active' || !snapshot.can(event)) continue;
    const result = step(definition, snapshot, event);
    snapshot = result.snapshot;
    for (const id of result.timers.remove) {
      fate.set(id, null);
      cancelled.add(id);
    }
    for (const added of result.timers.add) {
      const row = { incidentId: incident.id, ...added };
      fate.set(added.timerId, row);
      cancelled.delete(added.timerId);
      const queued = queue.findIndex((t) => t.timerId === added.timerId);
      if (queued >= 0) queue.splice(queued, 1);
      if (row.dueAt <= horizon) {
        queue.push(row);
        queue.sort(byDueAt);
      }
    }
    const closed = snapshot.status === 'done';
    const items = closed
      ? []
      : nextOverdueItems(definition, current.overdueItems, snapshot, result.timers, timer);
    const facts = {
      incidentId: incident.id,
      seq: current.version + 1,
      type: timerEventType(timer),
      payload: timerEventPayload(definition, timer),
      actor: timerActor.name,
      source: 'timer' as const,
      occurredAt: timer.dueAt,
      recordedAt,
      stateAfter: snapshot.value,
      note: timer.label,
      idempotencyKey: null,
      requestHash: null,
      prevHash: current.headHash,
    };
    const record = { ...facts, hash: hashEvent(facts) };
    events.push(record);
    current = {
      ...current,
      status: closed ? 'closed' : 'open',
      overdue: items.length > 0 || (!closed && hasOverdueClock(snapshot.context)),
      overdueItems: items,
      state: snapshot.value,
      snapshot: persistSnapshot(definition, snapshot),
      version: record.seq,
      headHash: record.hash,
      updatedAt: recordedAt,
      closedAt: closed ? timer.dueAt : null,
    };
  }
  return {
    incident: current,
    events,
    timersToAdd: [...fate.values()].filter((row): row is TimerRow => row !== null),
    timerIdsToRemove: [...fate.entries()].filter(([, row]) => row === null).map(([id]) => id),
  };
}

/**
 * What a timer's event is called in the log, the streams and reports: its own type, except XState's
 * `xstate.after.<delay>.<state>`, which is a `deadline.passed` like the kit's deadlines.
 */
export function timerEventType(timer: Pick<TimerRow, 'event'>): string {
  return timer.event.type.startsWith('xstate.') ? 'deadline.passed' : timer.event.type;
}

/** A timer event's payload: which timer, its label and when it was due (also when it fired late). */
function timerEventPayload(definition: PlaybookDefinition, timer: TimerRow) {
  const { type: _type, ...fields } = timer.event;
  return {
    ...fields,
    timer: timerKey(timer.timerId),
    label: timerLabel(definition, timer.timerId),
    dueAt: timer.dueAt,
  };
}

export interface TimerWorkerOptions {
  fireDueTimers: () => Promise<number>;
  nextDueAt: () => Promise<string | null>;
  now: () => Date;
  /** Longest sleep: other instances may add timers this one does not hear about. */
  pollMs?: number;
  onError: (error: unknown) => void;
  onFired?: (count: number) => void;
}

export interface TimerWorker {
  /** Wake now (e.g. after this instance scheduled a timer). */
  wake(): void;
  stop(): Promise<void>;
}

/** Fires due timers now, then sleeps until the next due time (at most `pollMs`), forever. */
export function startTimerWorker(options: TimerWorkerOptions): TimerWorker {
  const pollMs = options.pollMs ?? 1000;
  let handle: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(handle);
    handle = setTimeout(() => {
      running = tick();
    }, delay);
  };

  async function tick(): Promise<void> {
    let delay = pollMs;
    try {
      const fired = await options.fireDueTimers();
      if (fired > 0) options.onFired?.(fired);
      const next = await options.nextDueAt();
      if (next) delay = Math.min(pollMs, Math.max(0, Date.parse(next) - options.now().getTime()));
    } catch (error) {
      options.onError(error);
    }
    schedule(delay);
  }

  schedule(0);
  return {
    wake: () => schedule(0),
    stop: async () => {
      stopped = true;
      clearTimeout(handle);
      await running;
    },
  };
}
