import { z } from 'zod';
import type { KitGuard } from './kit';
import {
  actorHolds,
  allOf,
  anyOf,
  clocksSettled,
  decidedAs,
  factIs,
  factRecorded,
  hasEvidence,
  lateFilingHasReason,
  type NumberBound,
  not,
  notSameActorAs,
  optionIs,
  payloadAtLeast,
  payloadAtMost,
  payloadIs,
  recordedSince,
  regimeIs,
  sendsTo,
  statePaths,
} from './steps';

/**
 * The kit's guards by name, for playbooks written as data: each entry says what it checks, what parameters it
 * takes (a zod schema, so the playbook format's JSON Schema and its reference are generated from here) and
 * what it names (events, states, roles), so a checker can find a name the playbook does not declare. A
 * playbook file names guards only from this table: what it cannot say is a request for a new entry here.
 */
export interface NamedGuard<P extends z.ZodType = z.ZodType> {
  summary: string;
  params: P;
  /** An example of its parameters, as a playbook file writes them. */
  example: z.input<P>;
  build: (params: z.output<P>, scope: GuardScope) => KitGuard;
  /** What the parameters name, for the checks. */
  names?: (params: z.output<P>) => GuardNames;
}

/** What a guard needs beyond its parameters: the machine id (for state guards) and how to build a nested guard. */
export interface GuardScope {
  machineId: string;
  nested: (expression: GuardExpression) => KitGuard;
}

export interface GuardNames {
  events?: readonly string[];
  states?: readonly string[];
  roles?: readonly string[];
  options?: readonly string[];
}

/** A guard in a playbook file: a name alone (`clocksSettled`), or a one-key mapping of the name to its parameters. */
export type GuardExpression = string | { [name: string]: unknown };

const eventType = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'a dotted event type');
const oneOrMore = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]));
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const stateRef = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'a state path: track.step');

const named = <P extends z.ZodType>(entry: NamedGuard<P>): NamedGuard => entry as unknown as NamedGuard;

/** Payload fields with their bounds: a number, `{ fact, field }` (a recorded fact's number) or `{ input }`. */
const bounds = z
  .record(
    z.string(),
    z.union([
      z.number(),
      z.strictObject({ fact: eventType, field: z.string() }),
      z.strictObject({ input: z.string() }),
    ]),
  )
  .refine((value) => Object.keys(value).length > 0, 'name at least one payload field');
const boundFacts = (value: Record<string, NumberBound>) =>
  Object.values(value).flatMap((bound) => (typeof bound === 'object' && 'fact' in bound ? [bound.fact] : []));

/** Parameters of the combinators: guard expressions, built by the caller's `nested` (validated there). */
const expressions = z.array(z.unknown()).min(1);

export const namedGuards: Readonly<Record<string, NamedGuard>> = {
  optionIs: named({
    summary: "The decision event's `option` is one of these.",
    params: oneOrMore(z.string()),
    example: 'publish',
    build: (options) => optionIs(...options),
    names: (options) => ({ options }),
  }),
  payloadIs: named({
    summary: "A field of the event's payload has one of these values.",
    params: z.strictObject({ field: z.string(), is: oneOrMore(scalar) }),
    example: { field: 'outstanding', is: 0 },
    build: ({ field, is }) => payloadIs(field, ...is),
  }),
  payloadAtLeast: named({
    summary:
      "Each of these numbers of the event's payload is at least its bound: a number, a recorded fact's field or an input field (a bound not on record holds).",
    params: bounds,
    example: { forcedResets: { fact: 'scope.quantified', field: 'successfulLogins' } },
    build: (value) => payloadAtLeast(value),
    names: (value) => ({ events: boundFacts(value) }),
  }),
  payloadAtMost: named({
    summary: "Each of these numbers of the event's payload is at most its bound (as `payloadAtLeast`).",
    params: bounds,
    example: { windowHours: 24 },
    build: (value) => payloadAtMost(value),
    names: (value) => ({ events: boundFacts(value) }),
  }),
  factIs: named({
    summary: "A field of a recorded event's payload has one of these values.",
    params: z.strictObject({ fact: eventType, field: z.string(), is: oneOrMore(scalar) }),
    example: { fact: 'sanctions.screened', field: 'result', is: 'clear' },
    build: ({ fact, field, is }) => factIs(fact, field, ...is),
    names: ({ fact }) => ({ events: [fact] }),
  }),
  factRecorded: named({
    summary: 'An event of this type has been recorded.',
    params: eventType,
    example: 'affected.listed',
    build: (type) => factRecorded(type),
    names: (type) => ({ events: [type] }),
  }),
  recordedSince: named({
    summary:
      'An event is recorded and no later `notBefore` event withdrew it (a sign-off counts for what it saw).',
    params: z.strictObject({ fact: eventType, notBefore: eventType }),
    example: { fact: 'payment.approved', notBefore: 'sanctions.screened' },
    build: ({ fact, notBefore }) => recordedSince(fact, notBefore),
    names: ({ fact, notBefore }) => ({ events: [fact, notBefore] }),
  }),
  decidedAs: named({
    summary: 'The latest decision with this id chose one of these options.',
    params: z.strictObject({ decision: z.string(), is: oneOrMore(z.string()) }),
    example: { decision: 'payment_stance', is: 'refuse' },
    build: ({ decision, is }) => decidedAs(decision, ...is),
  }),
  hasEvidence: named({
    summary: 'Evidence of every one of these kinds is in the locker (evidence before change).',
    params: oneOrMore(z.string()),
    example: ['disk-image', 'memory-image'],
    build: (kinds) => hasEvidence(...kinds),
  }),
  notSameActorAs: named({
    summary: 'Two-person rule: the sender is not the person who sent this earlier event.',
    params: eventType,
    example: 'payment.requested',
    build: (type) => notSameActorAs(type),
    names: (type) => ({ events: [type] }),
  }),
  actorHolds: named({
    summary: 'The sender holds this role.',
    params: z.string(),
    example: 'executive',
    build: (role) => actorHolds(role),
    names: (role) => ({ roles: [role] }),
  }),
  sendsTo: named({
    summary:
      'The event sends an approved message to this audience; `citing` facts it must cite, `factual` a factual stance.',
    params: z.union([
      z.string(),
      z.strictObject({
        audience: z.string(),
        citing: z.array(eventType).optional(),
        factual: z.boolean().optional(),
      }),
    ]),
    example: { audience: 'customers', citing: ['mitigation.confirmed'] },
    build: (params) => (typeof params === 'string' ? sendsTo(params) : sendsTo(params.audience, params)),
    names: (params) => ({ events: typeof params === 'string' ? [] : (params.citing ?? []) }),
  }),
  regimeIs: named({
    summary: "The filing's `regime` is this one (case-insensitive).",
    params: z.string(),
    example: 'GDPR',
    build: (regime) => regimeIs(regime),
  }),
  lateFilingHasReason: named({
    summary:
      'A filing at or after its clock is due carries a `delayReason`; with clock ids, the filing meets those clocks.',
    params: z.array(z.string()).default([]),
    example: [],
    build: (clockIds) => lateFilingHasReason(...clockIds),
  }),
  clocksSettled: named({
    summary: 'Every notification clock that started has been filed or waived, and one of them is on record.',
    params: z.null().default(null),
    example: null,
    build: () => clocksSettled,
  }),
  stateReached: named({
    summary:
      'Another track is in this step (`track.step`), e.g. scope known before recipients are contacted.',
    params: stateRef,
    example: 'scope.listed',
    build: (path, { machineId }) => statePaths(machineId)(path),
    names: (path) => ({ states: [path] }),
  }),
  allOf: named({
    summary: 'Every one of these guards holds.',
    params: expressions,
    example: [{ factRecorded: 'affected.listed' }, { actorHolds: 'legal' }],
    build: (guards, { nested }) => allOf(...guards.map((g) => nested(g as GuardExpression))),
  }),
  anyOf: named({
    summary: 'At least one of these guards holds.',
    params: expressions,
    example: [{ optionIs: 'publish' }, { actorHolds: 'executive' }],
    build: (guards, { nested }) => anyOf(...guards.map((g) => nested(g as GuardExpression))),
  }),
  not: named({
    summary: 'This guard does not hold.',
    params: z.unknown(),
    example: { factRecorded: 'payment.executed' },
    build: (guard, { nested }) => not(nested(guard as GuardExpression)),
  }),
};

/** The guards that combine others: their parameters are guard expressions. */
export const combinators: Readonly<Record<string, 'list' | 'one'>> = {
  allOf: 'list',
  anyOf: 'list',
  not: 'one',
};

/** Where a deadline counts from: a named anchor, or `{ fact: <event type> }` (the time that event happened). */
export const deadlineAnchors = {
  entry: 'Entering the step (the default).',
  opening: 'Opening the incident.',
  report: 'The outside report that started the incident (SM-INTAKE), else the opening.',
} as const;

/** A deadline anchor on an instant of the input: `{ input: <field> }`. */
export const inputAnchor =
  'The instant in this input field (when the trigger fired, say), else the report, else the opening.';

/** Due instants computed in the incident's time zone. */
export const deadlineInstants = {
  endOfToday: 'The end of the incident clock\'s current day, in the incident\'s time zone: "the same day".',
} as const;
