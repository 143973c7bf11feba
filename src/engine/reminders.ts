import type { PlaybookDefinition } from '../playbook-kit';
import { timerKey } from './machine-runtime';
import type { TimerRow } from './types';

/**
 * Reminders before a deadline passes: durable timers of their own, armed beside each deadline and notification
 * clock of a live incident, so a person hears of it 24 h, 4 h and 1 h before (the offsets are configured) and
 * not only when it has passed. Firing one logs a `deadline.reminder` event, which sends its outbox message; it
 * leaves the machine alone. Routine timers (a situation report every 4 h, the end of a watch) get none, nor do
 * the timers a playbook warns of itself (`warnedTimers`).
 */
export const reminderEventType = 'deadline.reminder';

const MARK = '~remind:';

/** What a reminder timer carries: the timer it is for, how long before, and that timer's due time. */
export interface Reminder {
  type: typeof reminderEventType;
  timer: string;
  before: string;
  dueAt: string;
}

/** Whether a timer row is a reminder (and not a playbook's own timer). */
export const isReminder = (timer: Pick<TimerRow, 'event'>): boolean => timer.event.type === reminderEventType;

export const reminderOf = (timer: Pick<TimerRow, 'event'>): Reminder => timer.event as unknown as Reminder;

/** An offset as people say it: `24h`, `90m`, `2d`. */
export function offsetLabel(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

const reminderId = (timerId: string, offsetMs: number) => `${timerId}${MARK}${offsetLabel(offsetMs)}`;

interface TimerChanges {
  timersToAdd: TimerRow[];
  timerIdsToRemove: string[];
}

/**
 * A write's timer changes with the reminders of the timers it arms (`before` each one's due time, those still
 * ahead of `now`) and without the reminders of the timers it cancels. A timer armed again gets its reminders
 * again for its new due time; those already behind `now` go.
 */
export function withReminders<W extends TimerChanges>(
  write: W,
  definition: PlaybookDefinition,
  before: readonly number[],
  now: string,
): W {
  if (before.length === 0) return write;
  const unreminded = new Set([...(definition.routineTimers ?? []), ...(definition.warnedTimers ?? [])]);
  const add: TimerRow[] = [];
  const remove: string[] = [];
  for (const timer of write.timersToAdd) {
    if (isReminder(timer) || unreminded.has(timerKey(timer.timerId))) continue;
    for (const offset of before) {
      const remindAt = new Date(Date.parse(timer.dueAt) - offset).toISOString();
      const id = reminderId(timer.timerId, offset);
      if (remindAt <= now) {
        remove.push(id);
        continue;
      }
      add.push({
        incidentId: timer.incidentId,
        timerId: id,
        event: {
          type: reminderEventType,
          timer: timer.timerId,
          before: offsetLabel(offset),
          dueAt: timer.dueAt,
        },
        label: timer.label,
        dueAt: remindAt,
      });
    }
  }
  const armed = new Set(write.timersToAdd.map((timer) => timer.timerId));
  for (const id of write.timerIdsToRemove) {
    if (armed.has(id) || id.includes(MARK)) continue;
    for (const offset of before) remove.push(reminderId(id, offset));
  }
  return {
    ...write,
    timersToAdd: [...write.timersToAdd, ...add],
    timerIdsToRemove: [...write.timerIdsToRemove, ...remove],
  };
}
