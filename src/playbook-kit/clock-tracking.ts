import {
  type ClockAnchor,
  clockDueAt,
  clocksFor,
  type IncidentCalendar,
  notificationClocks,
} from './notification-clocks';

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
  /**
   * `overdue` from its due time until filed; `met_late` once filed at or after the due time; `not_required` once
   * the threshold analysis concluded its regime needs no report (`regulator.not_required`).
   */
  state: 'running' | 'met' | 'met_late' | 'overdue' | 'not_required';
  /** When it was filed; null while open and when not required. */
  metAt: string | null;
}

export type TrackedClocks = Record<string, TrackedClock>;

/** The timer id of a clock's due time (a delayed raise of `clock.due`). */
export const clockTimerId = (clockId: string): string => `clock:${clockId}`;

/** Labels of every clock timer, for a playbook's `timerLabels`. */
export const clockTimerLabels: Readonly<Record<string, string>> = Object.fromEntries(
  notificationClocks.map((clock) => [clockTimerId(clock.id), clock.label]),
);

/** The clocks an anchor event starts for these jurisdictions that are not already running, each in its calendar. */
export function startClocks(
  running: TrackedClocks,
  jurisdictions: readonly string[],
  anchor: ClockAnchor,
  at: string,
  incident: IncidentCalendar,
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
      dueAt: clockDueAt(clock, at, incident),
      policyDefault: clock.policyDefault,
      state: 'running',
      metAt: null,
    }));
}

/** A filing names the clocks it meets (one phase of a phased regime: `appi-preliminary`, not the confirmed report). */
export interface Filing {
  clockIds: readonly string[];
  /** Why it is late; required when it is late for any clock it meets (see `filingNeedsReason`). */
  delayReason?: string;
}

const sameRegime = (a: string, b: string | undefined) =>
  b !== undefined && a.toLowerCase() === b.toLowerCase();

/** A clock still waiting for its report: running, or overdue. */
export const clockIsOpen = (clock: TrackedClock): boolean =>
  clock.state === 'running' || clock.state === 'overdue';

/**
 * Whether a filing at `at` is late for this clock. The due instant itself is late: the `clock.due` timer raised
 * for `dueAt` fires before any client event of the same instant (the engine fires the timers due at or before an
 * event's time first), so the clock is already `overdue` at `dueAt`, and a filing then is `met_late` and needs
 * its delay reason. On time means strictly before `dueAt`.
 */
export const filingIsLate = (clock: TrackedClock, at: string): boolean =>
  Date.parse(at) >= Date.parse(clock.dueAt);

/** The open clocks a filing meets: the ones it names. A clock it names that is not open keeps its record. */
export function clocksFiled(clocks: TrackedClocks, filing: Pick<Filing, 'clockIds'>): TrackedClock[] {
  return Object.values(clocks).filter((clock) => clockIsOpen(clock) && filing.clockIds.includes(clock.id));
}

/**
 * A late filing must give the reasons for its delay (GDPR Art. 33(1)): true when the filing at `at` is late for
 * a clock it meets and carries no `delayReason`.
 */
export const filingNeedsReason = (clocks: TrackedClocks, filing: Filing, at: string): boolean =>
  filing.delayReason === undefined && clocksFiled(clocks, filing).some((clock) => filingIsLate(clock, at));

/** Files the open clocks a filing names: met before the due time, met late from it on (see `filingIsLate`). */
export function fileClocks(
  clocks: TrackedClocks,
  filing: Pick<Filing, 'clockIds'>,
  at: string,
): { clocks: TrackedClocks; filed: string[] } {
  const next = { ...clocks };
  const met = clocksFiled(clocks, filing);
  for (const clock of met) {
    next[clock.id] = { ...clock, state: filingIsLate(clock, at) ? 'met_late' : 'met', metAt: at };
  }
  return { clocks: next, filed: met.map((clock) => clock.id) };
}

/**
 * `regulator.not_required`: every open clock of `regime` (running, or overdue: the analysis says there was no
 * obligation to miss) becomes `not_required`. Filed clocks keep their record.
 */
export function waiveClocks(
  clocks: TrackedClocks,
  regime: string,
): { clocks: TrackedClocks; waived: string[] } {
  const next = { ...clocks };
  const waived = Object.values(clocks).filter(
    (clock) => clockIsOpen(clock) && sameRegime(clock.regime, regime),
  );
  for (const clock of waived) next[clock.id] = { ...clock, state: 'not_required' };
  return { clocks: next, waived: waived.map((clock) => clock.id) };
}

/** Every clock that started has been filed or waived (true when none started). */
export const clocksClosed = (clocks: TrackedClocks): boolean => !Object.values(clocks).some(clockIsOpen);

/** A clock's due time passed before it was filed. */
export function markOverdue(clocks: TrackedClocks, clockId: string): TrackedClocks {
  const clock = clocks[clockId];
  return clock?.state === 'running' ? { ...clocks, [clockId]: { ...clock, state: 'overdue' } } : clocks;
}

/** Whether any of these clocks missed its deadline unfiled (waived ones did not). */
export function hasOverdueClock(clocks: readonly TrackedClock[]): boolean {
  return clocks.some((clock) => clock.state === 'overdue');
}
