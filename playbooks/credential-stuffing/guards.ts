import { and, type KitContext, type KitEvent, type KitGuard, type Payload } from '../../src/playbook-kit';

/**
 * Local guard helpers for PB-2 (the kit has `optionIs`, `payloadIs`, `factRecorded`; these read an earlier
 * fact's payload or decision, which the kit does not offer yet).
 */

/** Every guard holds (xstate `and`, typed for kit transitions). */
export const allOf = (...guards: KitGuard[]): KitGuard => and(guards as never) as unknown as KitGuard;

/** The last payload recorded for a client event, if any. */
export const factPayload = (context: KitContext, type: string): Payload | undefined =>
  context.facts[type]?.payload;

/** A numeric field of an earlier fact's payload (undefined when not recorded). */
export const factNumber = (context: KitContext, type: string, field: string): number | undefined => {
  const value = factPayload(context, type)?.[field];
  return typeof value === 'number' ? value : undefined;
};

/** The option of the latest decision with this id. */
export const latestOption = (context: KitContext, id: string): string | undefined =>
  context.decisions.findLast((decision) => decision.id === id)?.option;

/** The latest decision with this id chose one of these options. */
export const decidedAs =
  (id: string, ...options: string[]): KitGuard =>
  ({ context }: { context: KitContext }) =>
    options.includes(latestOption(context, id) ?? '');

/** A guard on the event's payload alone. */
export const payloadCheck =
  (check: (payload: Payload) => boolean): KitGuard =>
  ({ event }: { event: KitEvent }) =>
    check(event.payload ?? {});

/** A guard on the context and the event's payload. */
export const contextCheck =
  (check: (context: KitContext, payload: Payload) => boolean): KitGuard =>
  ({ context, event }: { context: KitContext; event: KitEvent }) =>
    check(context, event.payload ?? {});

/**
 * Every notification clock that started has been filed, and at least one filing is on record: a reportable
 * assessment is not done while a clock of the incident still runs.
 */
export const filingsDone: KitGuard = ({ context }: { context: KitContext }) =>
  'regulator.reported' in context.facts &&
  Object.values(context.clocks).every((clock) => clock.metAt !== null);
