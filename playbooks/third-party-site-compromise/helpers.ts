import {
  and,
  clockTimerId,
  done,
  type KitContext,
  type KitEvent,
  type KitGuard,
  type KitStateConfig,
  kit,
  type StateMeta,
  type TrackedClocks,
  track,
} from '../../src/playbook-kit';

/**
 * Local helpers PB-6 needs that the kit does not offer yet (candidates for `src/playbook-kit`, see the report):
 * a track made of independent parallel sub-steps, filing one named clock instead of a whole regime, and
 * appending an action to a `step()` transition.
 */

/**
 * A track whose parts run independently (e.g. individuals, public report and regulator): a parallel `work`
 * state whose regions each end in a final state, then `done` once all of them have.
 */
export function parallelTrack(
  spec: StateMeta & { description: string; doneDescription: string },
  regions: Record<string, KitStateConfig>,
): KitStateConfig {
  const { description, doneDescription, ...meta } = spec;
  return track(
    { description, ...meta },
    {
      work: {
        type: 'parallel',
        description: `${description} The parts run in any order.`,
        meta,
        states: regions,
        onDone: 'done',
      } as KitStateConfig,
      done: done(doneDescription, meta),
    },
  );
}

/**
 * SM-CLOCKS for one filing of a phased regime: meets the named clocks only (met, or met late past due) and
 * cancels their timers. The kit's `regulator.reported` meets every clock of a regime at once, so the APPI
 * preliminary report would also meet the confirmed-report clock.
 */
export const fileClocksById = (...ids: string[]) =>
  kit.enqueueActions(({ context, event, enqueue }) => {
    const at = event.at ?? context.now;
    const clocks: TrackedClocks = { ...context.clocks };
    for (const id of ids) {
      const clock = clocks[id];
      if (!clock || clock.metAt) continue;
      clocks[id] = { ...clock, state: at <= clock.dueAt ? 'met' : 'met_late', metAt: at };
      enqueue.cancel(clockTimerId(id));
    }
    enqueue.assign({ clocks });
  });

/** A filing past any of these clocks' due times must give its delay reason (as the kit's filing rule). */
export const lateFilingHasReason =
  (...ids: string[]): KitGuard =>
  ({ context, event }: { context: KitContext; event: KitEvent }) => {
    const at = event.at ?? context.now;
    const late = ids.some((id) => {
      const clock = context.clocks[id];
      return clock !== undefined && !clock.metAt && clock.dueAt < at;
    });
    return !late || typeof event.payload?.delayReason === 'string';
  };

type Transition = { actions: unknown[] };

/** Appends actions to every transition of `type` that `step()` built (it only records facts and decisions). */
export function withActions(config: KitStateConfig, type: string, ...actions: unknown[]): KitStateConfig {
  const on = config.on as unknown as Record<string, Transition | Transition[]>;
  for (const transition of [on[type]!].flat()) transition.actions = [...transition.actions, ...actions];
  return config;
}

/** The event's `messageId` is an approved message to `audience` that cites every one of `facts` (facts only). */
export const sendsCiting =
  (audience: string, ...facts: string[]): KitGuard =>
  ({ context, event }: { context: KitContext; event: KitEvent }) => {
    const message = context.messages[String(event.payload?.messageId)];
    return (
      message?.audience === audience &&
      message.state === 'approved' &&
      facts.every((fact) => message.factsReferenced.includes(fact))
    );
  };

/** Every one of these guards holds (the kit's `and`, typed for step transitions). */
export const allOf = (...guards: KitGuard[]): KitGuard => and(guards as never) as unknown as KitGuard;
