import { and, or } from 'xstate';
import type { KitContext, KitEvent, KitGuard } from '../../src/playbook-kit';

/**
 * Local helpers of PB-5 (kept in the playbook folder; see the report for the kit suggestions): guards built
 * from plain predicates, so they can be combined, and the filing rule of SM-CLOCKS, which the kit does not
 * export.
 */

/** A predicate over the machine context and the event, callable and composable (a KitGuard is not). */
export type Check = (args: { context: KitContext; event: KitEvent }) => boolean;

/** A KitGuard from a predicate. */
export const guard = (check: Check): KitGuard => check as KitGuard;

/** Every one of these guards holds (xstate `and`, typed for the kit). */
export const allOf = (...guards: KitGuard[]): KitGuard => and(guards as never) as unknown as KitGuard;

/** One of these guards holds (xstate `or`, typed for the kit). */
export const anyOf = (...guards: KitGuard[]): KitGuard => or(guards as never) as unknown as KitGuard;

/** A client event of this type has been recorded as a fact. */
export const recorded =
  (type: string): Check =>
  ({ context }) =>
    type in context.facts;

/** Evidence of every one of these kinds is in the locker (SM-EVIDENCE). */
export const evidenceOf =
  (...kinds: string[]): Check =>
  ({ context }) =>
    kinds.every((kind) => context.evidence.some((item) => item.kind === kind));

/** Evidence of at least one of these kinds is in the locker. */
export const someEvidenceOf =
  (...kinds: string[]): Check =>
  ({ context }) =>
    context.evidence.some((item) => kinds.includes(item.kind));

/**
 * SM-CLOCKS' own rule for `regulator.reported`, repeated so a track waiting for a filing does not move on a
 * late filing the clocks track refuses (no delay reason; GDPR Art. 33(1)).
 */
export const filingAccepted: Check = ({ context, event }) => {
  const regime = String(event.payload?.regime).toLowerCase();
  const at = event.at ?? context.now;
  const late = Object.values(context.clocks).some(
    (clock) => clock.regime.toLowerCase() === regime && !clock.metAt && clock.dueAt < at,
  );
  return !late || typeof event.payload?.delayReason === 'string';
};

/**
 * The event sends an approved, factual message to `audience` that cites at least one recorded fact and every
 * one of `facts`: the facts-only rule, no "trust us" (C1).
 */
export const sendsFactualTo =
  (audience: string, ...facts: string[]): Check =>
  ({ context, event }) => {
    const message = context.messages[String(event.payload?.messageId)];
    return (
      message?.audience === audience &&
      message.state === 'approved' &&
      message.stance === 'factual' &&
      message.factsReferenced.length > 0 &&
      facts.every((fact) => message.factsReferenced.includes(fact))
    );
  };
