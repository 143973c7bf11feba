import { and, cancel, or, raise, stateIn, not as xstateNot } from 'xstate';
import { endOfBusinessDays } from './business-days';
import { clocksClosed, filingNeedsReason } from './clock-tracking';
import type { StateMeta } from './define';
import type { KitAction, KitContext, KitEvent, KitGuard, KitStateConfig, Payload } from './kit';
import { addMs, msUntil } from './time';

/**
 * A step's deadline: when it falls due the step is not done yet, so it escalates (an `escalate` effect and a
 * line in `context.escalations`). It never completes the step. `from` is the anchor; without one the
 * deadline counts from entering the step.
 */
export interface Deadline {
  id: string;
  label: string;
  /** Due this long after the anchor... */
  after?: number;
  from?: (context: KitContext) => string | undefined;
  /** ...or at a computed time, e.g. the end of the day in the incident's time zone. */
  at?: (context: KitContext) => string;
  /** The rule or policy default it comes from. */
  source: string;
  /** It comes round as a matter of course (a situation report every 4 h): see `routineTimers`. */
  routine?: boolean;
  /** The playbook warns of it itself, or it is such a warning: see `warnedTimers`. */
  warned?: boolean;
}

/** A deadline counted from a recorded fact (the time its event happened), or from entering the step. */
export const fromFact =
  (type: string) =>
  (context: KitContext): string | undefined =>
    context.facts[type]?.at;

/** A deadline counted from when the incident was opened. */
export const fromOpening = (context: KitContext): string => context.openedAt;

/** A deadline counted from the outside report that started the incident (SM-INTAKE), else from the opening. */
export const fromReport = (context: KitContext): string =>
  context.input.report?.receivedAt ?? context.openedAt;

/**
 * A deadline counted from an instant the incident was opened with (when the trigger fired, say), else from the
 * outside report, else from the opening.
 */
export const fromInput =
  (field: string) =>
  (context: KitContext): string => {
    const value = context.input[field];
    return typeof value === 'string' ? value : fromReport(context);
  };

/** Labels of deadlines, for a playbook's `timerLabels`. */
export const deadlineLabels = (deadlines: readonly Deadline[]): Record<string, string> =>
  Object.fromEntries(deadlines.map((deadline) => [deadline.id, deadline.label]));

const dueAt = (deadline: Deadline, context: KitContext): string =>
  deadline.at?.(context) ?? addMs(deadline.from?.(context) ?? context.now, deadline.after ?? 0);

/** The end of the incident clock's current day, in the incident's time zone: "the same day". */
export const endOfToday = (context: KitContext): string =>
  endOfBusinessDays(context.now, 0, context.timeZone);

/** Entry action arming a deadline: a delayed raise of `deadline.passed` with the deadline's id. */
const arm = (deadline: Deadline) =>
  raise<KitContext, KitEvent, KitEvent, undefined, never>(
    ({ context }) => ({
      type: 'deadline.passed',
      timer: deadline.id,
      label: deadline.label,
      dueAt: dueAt(deadline, context),
    }),
    { id: deadline.id, delay: ({ context }) => msUntil(dueAt(deadline, context), context.now) },
  );

/** A decision a transition records: its id, and where its option comes from when not the payload's `option`. */
export interface DecisionSpec {
  id: string;
  option?: string;
  field?: string;
}

/** Where a step's event leads: a sibling state, or a transition with a guard and a decision id. */
export type Go =
  | string
  | {
      target?: string;
      guard?: KitGuard;
      /**
       * Records the event as a decision (option, rationale, known facts) under this id, e.g. 'D-P1'. The option is
       * the payload's `option`, or its `field` (a claim's `assessment`), or a fixed `option` for events that are
       * themselves the choice (a site taken offline: 'offline').
       */
      decision?: string | DecisionSpec;
      reenter?: boolean;
      /**
       * A playbook's own filing event (SM-CLOCKS): it meets these clocks, and like `regulator.reported` it is
       * refused when late without a `delayReason` (`lateFilingHasReason`, on top of `guard`).
       */
      files?: readonly string[];
      /** Further kit actions, after the fact (and the decision, and any filing) is recorded. */
      actions?: readonly KitAction[];
    };

export interface StepSpec extends StateMeta {
  description: string;
  deadlines?: readonly Deadline[];
  /**
   * A window the step waits out (a leak watch, a monitoring period): when it ends the step moves on to `target`.
   * Unlike a deadline it is not overdue work.
   */
  endsAfter?: { window: Deadline; target: string };
  on?: Record<string, Go | readonly Go[]>;
  /** Moves on by itself, with no event, as soon as `guard` holds (a filing step once every clock is settled). */
  always?: { target: string; guard: KitGuard };
}

function transitionOf(go: Go) {
  const spec = typeof go === 'string' ? { target: go } : go;
  const files = spec.files ?? [];
  const guards = [
    ...(spec.guard === undefined ? [] : [spec.guard]),
    ...(files.length > 0 ? [lateFilingHasReason(...files)] : []),
  ];
  const actions: KitAction[] = [
    { type: 'note' },
    ...(spec.decision
      ? [
          {
            type: 'decide' as const,
            params: typeof spec.decision === 'string' ? { id: spec.decision } : spec.decision,
          },
        ]
      : []),
    ...(files.length > 0 ? [{ type: 'fileClocks' as const, params: { clockIds: files } }] : []),
    ...(spec.actions ?? []),
  ];
  return {
    ...(spec.target === undefined ? {} : { target: spec.target }),
    ...(guards.length > 0 ? { guard: guards.length === 1 ? guards[0] : allOf(...guards) } : {}),
    ...(spec.reenter === undefined ? {} : { reenter: spec.reenter }),
    actions,
  };
}

/**
 * One step of a track: description and owner for views, the events that move it on (each recorded as a fact,
 * decisions also in the decision log), and deadlines that escalate while it is not done.
 */
export function step({
  description,
  deadlines = [],
  endsAfter,
  on = {},
  always,
  ...meta
}: StepSpec): KitStateConfig {
  const transitions = Object.fromEntries(
    Object.entries(on).map(([type, go]) => [
      type,
      Array.isArray(go) ? go.map((g: Go) => transitionOf(g)) : transitionOf(go as Go),
    ]),
  );
  return {
    description,
    meta,
    ...(deadlines.length > 0
      ? { entry: deadlines.map(arm), exit: deadlines.map((deadline) => cancel(deadline.id)) }
      : {}),
    ...(endsAfter ? { after: { [endsAfter.window.id]: { target: endsAfter.target } } } : {}),
    on: transitions,
    ...(always ? { always } : {}),
    [stepTimers]: { deadlines, windows: endsAfter ? [endsAfter.window] : [] },
  } as KitStateConfig;
}

/**
 * The deadlines and windows a step declares, kept on its state config (under a symbol, which a spread of the
 * config keeps): a playbook's timers are declared once, on their step, and `buildPlaybook` reads their labels
 * (and the windows' delays) from there.
 */
const stepTimers = Symbol('step timers');
type StepTimers = { deadlines: readonly Deadline[]; windows: readonly Deadline[] };

/** The deadlines and windows of every step under `root` (a machine's root state node). */
export function declaredTimers(root: { config: object; states: Record<string, unknown> }): {
  deadlines: Deadline[];
  windows: Deadline[];
} {
  const found = { deadlines: [] as Deadline[], windows: [] as Deadline[] };
  const walk = (node: { config: object; states: Record<string, unknown> }) => {
    const declared = (node.config as { [stepTimers]?: StepTimers })[stepTimers];
    if (declared) {
      found.deadlines.push(...declared.deadlines);
      found.windows.push(...declared.windows);
    }
    for (const child of Object.values(node.states)) walk(child as typeof node);
  };
  walk(root);
  return found;
}

/** Delays of windows (`endsAfter`), by id: due − the incident clock when the step was entered. */
export const windowDelays = (windows: readonly Deadline[]) =>
  Object.fromEntries(
    windows.map((window) => [
      window.id,
      ({ context }: { context: KitContext }) => msUntil(dueAt(window, context), context.now),
    ]),
  );

/** A track's final step. */
export function done(description: string, meta: StateMeta): KitStateConfig {
  return { type: 'final', description, meta };
}

/** A track: a compound state whose first step is its initial one. */
export function track(
  spec: StateMeta & { description: string; initial?: string },
  states: Record<string, KitStateConfig>,
): KitStateConfig {
  const { description, initial, ...meta } = spec;
  return { description, meta, initial: initial ?? Object.keys(states)[0]!, states } as KitStateConfig;
}

/**
 * The steps of a track whose parts run independently (e.g. individuals, public and regulator): a parallel
 * `work` state whose regions each end in a final state, then `done` once all of them have.
 */
export function parallelSteps(
  spec: StateMeta & { description: string; doneDescription: string },
  regions: Record<string, KitStateConfig>,
): Record<string, KitStateConfig> {
  const { description, doneDescription, ...meta } = spec;
  return {
    work: {
      type: 'parallel',
      description: `${description} The parts run in any order.`,
      meta,
      states: regions,
      onDone: 'done',
    } as KitStateConfig,
    done: done(doneDescription, meta),
  };
}

/** A track made of `parallelSteps`. */
export function parallelTrack(
  spec: StateMeta & { description: string; doneDescription: string },
  regions: Record<string, KitStateConfig>,
): KitStateConfig {
  const { doneDescription: _, ...trackSpec } = spec;
  return track(trackSpec, parallelSteps(spec, regions));
}

// ── guards ──────────────────────────────────────────────────────────────────

/** A plain predicate over the machine context and the event: callable, and a `KitGuard` through `guard`. */
export type KitPredicate = (args: { context: KitContext; event: KitEvent }) => boolean;

/**
 * A `KitGuard` from a plain predicate; `name` (e.g. `optionIs(pay)`) is what checks, release snapshots and
 * diagrams show for it.
 */
export const guard = (predicate: KitPredicate, name?: string): KitGuard =>
  name === undefined ? predicate : Object.defineProperty(predicate, 'name', { value: name });

/** The options an `optionIs` guard accepts, kept on the guard so `playbooks check` can compare them with the event's. */
export const optionsOf = (value: unknown): readonly string[] | undefined =>
  (value as { options?: readonly string[] } | null)?.options;

/** Every one of these guards holds (state guards from `statePaths` included). */
export const allOf = (...guards: KitGuard[]): KitGuard => and(guards as never) as unknown as KitGuard;

/** At least one of these guards holds. */
export const anyOf = (...guards: KitGuard[]): KitGuard => or(guards as never) as unknown as KitGuard;

/** This guard does not hold. */
export const not = (negated: KitGuard): KitGuard => xstateNot(negated as never) as unknown as KitGuard;

// ── context readers ──

/** The last payload recorded for a client event, if any. */
export const factPayload = (context: KitContext, type: string): Payload | undefined =>
  context.facts[type]?.payload;

/** A numeric field of an earlier fact's payload (undefined when not recorded or not a number). */
export const factNumber = (context: KitContext, type: string, field: string): number | undefined => {
  const value = factPayload(context, type)?.[field];
  return typeof value === 'number' ? value : undefined;
};

/** The option of the latest decision with this id. */
export const latestOption = (context: KitContext, id: string): string | undefined =>
  context.decisions.findLast((decision) => decision.id === id)?.option;

// ── event and fact guards ──

/** The decision event named one of these options. */
export const optionIs = (...options: string[]): KitGuard =>
  Object.assign(
    guard(({ event }) => options.includes(String(event.payload?.option)), `optionIs(${options.join(', ')})`),
    { options },
  );

/** A payload field of the event has one of these values. */
export const payloadIs = (field: string, ...values: unknown[]): KitGuard =>
  guard(
    ({ event }) => values.includes(event.payload?.[field]),
    `payloadIs(${field}: ${values.map(String).join(', ')})`,
  );

/** A bound on a number: a constant, a numeric field of a recorded fact, or a numeric field of the input. */
export type NumberBound = number | { fact: string; field: string } | { input: string };

const boundOf = (context: KitContext, bound: NumberBound): number | undefined => {
  if (typeof bound === 'number') return bound;
  if ('fact' in bound) return factNumber(context, bound.fact, bound.field);
  const value = context.input[bound.input];
  return typeof value === 'number' ? value : undefined;
};

const boundName = (bound: NumberBound): string =>
  typeof bound === 'number'
    ? String(bound)
    : 'fact' in bound
      ? `${bound.fact}.${bound.field}`
      : `input.${bound.input}`;

/** Each payload number named compares with its bound; a bound not on record (no such fact or input) holds. */
const payloadBounded = (
  name: string,
  sign: string,
  holds: (value: number, bound: number) => boolean,
  bounds: Readonly<Record<string, NumberBound>>,
): KitGuard =>
  guard(
    ({ context, event }) =>
      Object.entries(bounds).every(([field, bound]) => {
        const value = event.payload?.[field];
        const limit = boundOf(context, bound);
        return typeof value === 'number' && (limit === undefined || holds(value, limit));
      }),
    `${name}(${Object.entries(bounds)
      .map(([field, bound]) => `${field} ${sign} ${boundName(bound)}`)
      .join(', ')})`,
  );

/** Each of these payload numbers is at least its bound, e.g. resets covering every compromised account. */
export const payloadAtLeast = (bounds: Readonly<Record<string, NumberBound>>): KitGuard =>
  payloadBounded('payloadAtLeast', '≥', (value, bound) => value >= bound, bounds);

/** Each of these payload numbers is at most its bound, e.g. complaints within a 24 h window. */
export const payloadAtMost = (bounds: Readonly<Record<string, NumberBound>>): KitGuard =>
  payloadBounded('payloadAtMost', '≤', (value, bound) => value <= bound, bounds);

/** A recorded fact's payload field has one of these values, e.g. a sanctions screen that came back clear. */
export const factIs = (type: string, field: string, ...values: unknown[]): KitGuard =>
  guard(
    ({ context }) => values.includes(factPayload(context, type)?.[field]),
    `factIs(${type}.${field}: ${values.map(String).join(', ')})`,
  );

/**
 * `type` is recorded and no `earlier` fact is newer: a sign-off counts for the inputs it saw, and inputs recorded
 * after it withdraw it.
 */
export const recordedSince = (type: string, earlier: string): KitGuard =>
  guard(({ context }) => {
    const fact = context.facts[type];
    const before = context.facts[earlier];
    return fact !== undefined && (before === undefined || Date.parse(fact.at) >= Date.parse(before.at));
  }, `recordedSince(${type}, ${earlier})`);

/** A client event of this type has been recorded. */
export const factRecorded = (type: string): KitGuard =>
  guard(({ context }) => type in context.facts, `factRecorded(${type})`);

/** The latest decision with this id chose one of these options. */
export const decidedAs = (id: string, ...options: string[]): KitGuard =>
  guard(
    ({ context }) => options.includes(latestOption(context, id) ?? ''),
    `decidedAs(${id}: ${options.join(', ')})`,
  );

/** Evidence of every one of these kinds is in the locker (SM-EVIDENCE): evidence before change. */
export const hasEvidence = (...kinds: string[]): KitGuard =>
  guard(
    ({ context }) => kinds.every((kind) => context.evidence.some((item) => item.kind === kind)),
    `hasEvidence(${kinds.join(', ')})`,
  );

/** Two-person rule: the sender is not the person who sent `type`. */
export const notSameActorAs = (type: string): KitGuard =>
  guard(
    ({ context, event }) => event.actor !== undefined && context.facts[type]?.by !== event.actor.id,
    `notSameActorAs(${type})`,
  );

/** The sender holds this role (a token may hold several). */
export const actorHolds = (role: string): KitGuard =>
  guard(({ event }) => event.actor?.roles.includes(role) ?? false, `actorHolds(${role})`);

// ── SM-COMMS guards ──

/** What a message must be for `sendsTo`, beyond its audience. */
export interface MessageRule {
  /** Facts (event types) the message must cite, every one of them. */
  citing?: readonly string[];
  /** Facts only, no "trust us": a `factual` stance citing at least one recorded fact. */
  factual?: boolean;
}

/** The event sends an approved message to this audience (`message.sent` with its `messageId`) that fits `rule`. */
export const sendsTo = (audience: string, { citing = [], factual = false }: MessageRule = {}): KitGuard =>
  guard(
    ({ context, event }) => {
      const message = context.messages[String(event.payload?.messageId)];
      return (
        message?.audience === audience &&
        message.state === 'approved' &&
        citing.every((fact) => message.factsReferenced.includes(fact)) &&
        (!factual || (message.stance === 'factual' && message.factsReferenced.length > 0))
      );
    },
    `sendsTo(${[audience, ...citing.map((fact) => `citing ${fact}`), ...(factual ? ['factual'] : [])].join(', ')})`,
  );

// ── SM-CLOCKS guards ──

/** The clock ids `regulator.reported` names (its schema requires them). */
const clockIdsOf = (event: KitEvent): string[] =>
  Array.isArray(event.payload?.clockIds) ? (event.payload.clockIds as string[]) : [];

/** The event's `regime` is this one (case-insensitive), e.g. for `regulator.reported` or `regulator.not_required`. */
export const regimeIs = (regime: string): KitGuard =>
  guard(
    ({ event }) => String(event.payload?.regime).toLowerCase() === regime.toLowerCase(),
    `regimeIs(${regime})`,
  );

/**
 * SM-CLOCKS' late-filing rule (GDPR Art. 33(1): a late notice gives the reasons for its delay): a filing that
 * meets a clock at or after its due time (see `filingIsLate`) must carry a `delayReason`. With ids, the filing
 * meets those clocks (a playbook's own filing event); without, the `clockIds` `regulator.reported` names. The
 * clocks track refuses such a filing; every track that waits for one uses this guard too, so it never moves on a
 * filing SM-CLOCKS refused.
 */
export const lateFilingHasReason = (...clockIds: string[]): KitGuard =>
  guard(
    ({ context, event }) =>
      !filingNeedsReason(
        context.clocks,
        {
          clockIds: clockIds.length > 0 ? clockIds : clockIdsOf(event),
          delayReason: typeof event.payload?.delayReason === 'string' ? event.payload.delayReason : undefined,
        },
        event.at ?? context.now,
      ),
    `lateFilingHasReason(${clockIds.join(', ')})`,
  );

/**
 * Every notification clock that started has been filed or waived (`regulator.not_required`), and a filing or a
 * waiver is on record: a reportable assessment is not done while a clock of the incident still runs.
 */
export const clocksSettled: KitGuard = guard(
  ({ context }) =>
    ('regulator.reported' in context.facts || 'regulator.not_required' in context.facts) &&
    clocksClosed(context.clocks),
  'clocksSettled',
);

// ── state guards ──

/** `#<machine>.<path>` state ids of one playbook, for `stateIn` guards across tracks. */
export const statePaths =
  (machineId: string) =>
  (path: string): KitGuard =>
    stateIn(`#${machineId}.${path}`) as unknown as KitGuard;
