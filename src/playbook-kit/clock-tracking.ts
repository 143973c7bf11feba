import {
  type ClockAnchor,
  clockAnchors,
  clockDueAt,
  clocksFor,
  type IncidentCalendar,
  impliedAnchors,
  type NotificationClock,
  notificationClocks,
} from './notification-clocks';

/** An anchor as recorded on an incident: when it happened and which event recorded it. */
export interface RecordedAnchor {
  at: string;
  /** The event type that recorded it. */
  by: string;
  /** True when a later finding implied it (see `impliedAnchors`), not an event naming it. */
  implied: boolean;
}

/** The anchors an incident has recorded, by kind (kept in the machine context under `anchors`). */
export type RecordedAnchors = Partial<Record<ClockAnchor, RecordedAnchor>>;

/**
 * Records anchors found by an event at `at`, and the anchors they imply (see `impliedAnchors`). The first record
 * of a kind stands: a clock counts from the earliest moment the law names, and a later event cannot move it.
 */
export function recordAnchors(
  anchors: RecordedAnchors,
  found: readonly ClockAnchor[],
  at: string,
  by: string,
): RecordedAnchors {
  const next = { ...anchors };
  for (const anchor of found) next[anchor] ??= { at, by, implied: false };
  for (const anchor of found) {
    for (const implied of impliedAnchors[anchor] ?? []) next[implied] ??= { at, by, implied: true };
  }
  return next;
}

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

/**
 * Every clock the recorded anchors start for these jurisdictions that is not running yet, each from its own
 * anchor's recorded time: a jurisdiction profiled late starts its clocks from the anchors already recorded,
 * overdue at once if their due time has passed. `applies` leaves out alternatives (APPI's 30- or 60-day report).
 */
export function clocksToStart(
  running: TrackedClocks,
  jurisdictions: readonly string[],
  anchors: RecordedAnchors,
  incident: IncidentCalendar,
  applies: (clockId: string) => boolean = () => true,
): TrackedClock[] {
  return Object.entries(anchors)
    .flatMap(([anchor, recorded]) =>
      startClocks(running, jurisdictions, anchor as ClockAnchor, recorded.at, incident),
    )
    .filter((clock) => applies(clock.id));
}

/**
 * The anchors an SM-CLOCKS event records (domain reference §3.1). `anchor.recorded` names one kind; the others
 * are the decisions that are anchors themselves. A determination of no evidence, or of no materiality, is none.
 */
export function anchorsOf(type: string, payload: Readonly<Record<string, unknown>> = {}): ClockAnchor[] {
  switch (type) {
    case 'breach.aware':
      return ['aware'];
    case 'breach.determined':
      return payload.finding === 'no_evidence' ? [] : ['determined'];
    case 'materiality.determined':
      return payload.option === 'not_material' ? [] : ['material'];
    case 'payment.executed':
      return ['payment'];
    case 'anchor.recorded':
      return typeof payload.anchor === 'string' && payload.anchor in clockAnchors
        ? [payload.anchor as ClockAnchor]
        : [];
    default:
      return [];
  }
}

/** APPI: the 60-day confirmed report replaces the 30-day one in improper-purpose cases (category 3). */
export const appiAlternative =
  (improperPurpose: boolean) =>
  (clockId: string): boolean =>
    improperPurpose ? clockId !== 'appi-confirmed' : clockId !== 'appi-confirmed-improper';

/** What an incident's clocks depend on: the clocks running, the anchors recorded, where it is. */
export interface ClockState {
  clocks: TrackedClocks;
  anchors: RecordedAnchors;
  jurisdictions: readonly string[];
  calendar: IncidentCalendar;
  /** The determination found an improper purpose (APPI category 3). */
  improperPurpose: boolean;
}

/**
 * SM-CLOCKS, shared by every playbook: records the anchors an event found at `at` and starts every clock the
 * recorded anchors now start for the jurisdictions (see `clocksToStart`). Called with no anchors when
 * jurisdictions were added, it starts theirs from the anchors already recorded.
 */
export function startFromAnchors(
  state: ClockState,
  found: readonly ClockAnchor[],
  at: string,
  by: string,
): { anchors: RecordedAnchors; started: TrackedClock[] } {
  const anchors = recordAnchors(state.anchors, found, at, by);
  const started = clocksToStart(
    state.clocks,
    state.jurisdictions,
    anchors,
    state.calendar,
    appiAlternative(state.improperPurpose),
  );
  return { anchors, started };
}

/** A clock whose regime applies to the incident but which never started, and why. */
export interface UnstartedClock {
  id: string;
  regime: string;
  label: string;
  anchor: ClockAnchor;
  reason: string;
}

/**
 * The clocks of these jurisdictions that never started because their anchor was never recorded (a clock whose
 * anchor was recorded but which did not start is an alternative that did not apply, or a clock shipped off).
 */
export function unstartedClocks(
  running: TrackedClocks,
  jurisdictions: readonly string[],
  anchors: RecordedAnchors,
): UnstartedClock[] {
  return (Object.keys(clockAnchors) as ClockAnchor[])
    .filter((anchor) => !anchors[anchor])
    .flatMap((anchor) => clocksFor(jurisdictions, anchor))
    .filter((clock) => !running[clock.id])
    .map((clock: NotificationClock) => ({
      id: clock.id,
      regime: clock.regime,
      label: clock.label,
      anchor: clock.anchor,
      reason: `never started: its anchor (${clockAnchors[clock.anchor]}) was never recorded`,
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
