import { type ClockAnchor, clockDueAt, clocksFor, notificationClocks } from './notification-clocks';

/** A notification clock running on an incident, kept in the machine context under `clocks`. */
export interface TrackedClock {
  id: string;
  regime: string;
  label: string;
  recipient: string;
  source: string;
  anchor: ClockAnchor;
  anchorAt: string;
  dueAt: string;
  policyDefault: boolean;
  /** `overdue` until filed; `met_late` once filed after the due time. */
  state: 'running' | 'met' | 'met_late' | 'overdue';
  metAt: string | null;
}

export type TrackedClocks = Record<string, TrackedClock>;

/** The timer id of a clock's due time (a delayed raise of `clock.due`). */
export const clockTimerId = (clockId: string): string => `clock:${clockId}`;

/** Labels of every clock timer, for a playbook's `timerLabels`. */
export const clockTimerLabels: Readonly<Record<string, string>> = Object.fromEntries(
  notificationClocks.map((clock) => [clockTimerId(clock.id), clock.label]),
);

/** The clocks an anchor event starts for these jurisdictions that are not already running. */
export function startClocks(
  running: TrackedClocks,
  jurisdictions: readonly string[],
  anchor: ClockAnchor,
  at: string,
  timeZone: string,
  holidayJurisdiction?: string,
): TrackedClock[] {
  return clocksFor(jurisdictions, anchor)
    .filter((clock) => !running[clock.id])
    .map((clock) => ({
      id: clock.id,
      regime: clock.regime,
      label: clock.label,
      recipient: clock.recipient,
      source: clock.source,
      anchor,
      anchorAt: at,
      dueAt: clockDueAt(clock, at, timeZone, holidayJurisdiction),
      policyDefault: clock.policyDefault,
      state: 'running',
      metAt: null,
    }));
}

/** Files every open clock of `regime`: met if before its due time, met late otherwise. */
export function fileClocks(
  clocks: TrackedClocks,
  regime: string,
  at: string,
): { clocks: TrackedClocks; filed: string[] } {
  const next = { ...clocks };
  const filed: string[] = [];
  for (const clock of Object.values(clocks)) {
    if (clock.regime.toLowerCase() !== regime.toLowerCase() || clock.metAt) continue;
    next[clock.id] = { ...clock, state: at <= clock.dueAt ? 'met' : 'met_late', metAt: at };
    filed.push(clock.id);
  }
  return { clocks: next, filed };
}

/** A clock's due time passed before it was filed. */
export function markOverdue(clocks: TrackedClocks, clockId: string): TrackedClocks {
  const clock = clocks[clockId];
  return clock?.state === 'running' ? { ...clocks, [clockId]: { ...clock, state: 'overdue' } } : clocks;
}

/** Whether a machine context (of any playbook using `clocks`) has a missed, unfiled deadline. */
export function hasOverdueClock(context: unknown): boolean {
  const clocks = (context as { clocks?: TrackedClocks } | null)?.clocks;
  return clocks ? Object.values(clocks).some((clock) => clock.state === 'overdue') : false;
}
