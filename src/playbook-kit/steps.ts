import { and, cancel, not, raise, stateIn } from 'xstate';
import { endOfBusinessDays } from './business-days';
import type { StateMeta } from './define';
import type { KitContext, KitEvent, KitGuard, KitStateConfig } from './kit';
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
}

/** A deadline counted from a recorded fact (the time its event happened), or from entering the step. */
export const fromFact =
  (type: string) =>
  (context: KitContext): string | undefined =>
    context.facts[type]?.at;

/** A deadline counted from when the incident was opened. */
export const fromOpening = (context: KitContext): string => context.openedAt;

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

/** Where a step's event leads: a sibling state, or a transition with a guard and a decision id. */
export type Go =
  | string
  | {
      target?: string;
      guard?: KitGuard;
      /** Records the event as a decision (option, rationale, known facts) under this id, e.g. 'D-P1'. */
      decision?: string;
      reenter?: boolean;
    };

export interface StepSpec extends StateMeta {
  description: string;
  deadlines?: readonly Deadline[];
  on?: Record<string, Go | readonly Go[]>;
}

function transitionOf(go: Go) {
  const spec = typeof go === 'string' ? { target: go } : go;
  const actions = spec.decision
    ? [{ type: 'note' as const }, { type: 'decide' as const, params: { id: spec.decision } }]
    : [{ type: 'note' as const }];
  return {
    ...(spec.target === undefined ? {} : { target: spec.target }),
    ...(spec.guard === undefined ? {} : { guard: spec.guard }),
    ...(spec.reenter === undefined ? {} : { reenter: spec.reenter }),
    actions,
  };
}

/**
 * One step of a track: description and owner for views, the events that move it on (each recorded as a fact,
 * decisions also in the decision log), and deadlines that escalate while it is not done.
 */
export function step({ description, deadlines = [], on = {}, ...meta }: StepSpec): KitStateConfig {
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
    on: transitions,
  } as KitStateConfig;
}

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

// ── guards ──────────────────────────────────────────────────────────────────

/** The decision event named one of these options. */
export const optionIs =
  (...options: string[]): KitGuard =>
  ({ event }: { event: KitEvent }) =>
    options.includes(String(event.payload?.option));

/** A payload field of the event has one of these values. */
export const payloadIs =
  (field: string, ...values: unknown[]): KitGuard =>
  ({ event }: { event: KitEvent }) =>
    values.includes(event.payload?.[field]);

/** A client event of this type has been recorded. */
export const factRecorded =
  (type: string): KitGuard =>
  ({ context }: { context: KitContext }) =>
    type in context.facts;

/** Evidence of this kind is in the locker (SM-EVIDENCE): evidence before change. */
export const hasEvidence =
  (...kinds: string[]): KitGuard =>
  ({ context }: { context: KitContext }) =>
    kinds.every((kind) => context.evidence.some((item) => item.kind === kind));

/** Two-person rule: the sender is not the person who sent `type`. */
export const notSameActorAs =
  (type: string): KitGuard =>
  ({ context, event }: { context: KitContext; event: KitEvent }) =>
    event.actor !== undefined && context.facts[type]?.by !== event.actor.id;

/** The sender holds this role (a token may hold several). */
export const actorHolds =
  (role: string): KitGuard =>
  ({ event }: { event: KitEvent }) =>
    event.actor?.roles.includes(role) ?? false;

/** An approved message to this audience has been sent (SM-COMMS). */
export const messageSentTo =
  (audience: string): KitGuard =>
  ({ context }: { context: KitContext }) =>
    Object.values(context.messages).some((m) => m.audience === audience && m.state === 'sent');

/** The event sends an approved message to this audience (`message.sent` with its `messageId`). */
export const sendsTo =
  (audience: string): KitGuard =>
  ({ context, event }: { context: KitContext; event: KitEvent }) => {
    const message = context.messages[String(event.payload?.messageId)];
    return message?.audience === audience && message.state === 'approved';
  };

export { and, not, stateIn };

/** `#<machine>.<path>` state ids of one playbook, for `stateIn` guards across tracks. */
export const statePaths =
  (machineId: string) =>
  (path: string): KitGuard =>
    stateIn(`#${machineId}.${path}`) as unknown as KitGuard;
