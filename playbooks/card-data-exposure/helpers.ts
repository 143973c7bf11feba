import {
  done,
  endOfBusinessDays,
  type KitContext,
  type KitGuard,
  type KitStateConfig,
  type StateMeta,
} from '../../src/playbook-kit';

/** PB-7's own track helpers: standing a track down once verification finds the data is not ours. */

/**
 * A track that stands down when `when` holds (PB-7: verification found the data is not ours): every step that is
 * not final gets an eventless move to a final `not_applicable` state, so the incident can still close.
 */
export function standsDownWhen(
  when: KitGuard,
  description: string,
  meta: StateMeta,
  states: Record<string, KitStateConfig>,
): Record<string, KitStateConfig> {
  const withExit = Object.fromEntries(
    Object.entries(states).map(([key, config]) => {
      if (config.type === 'final') return [key, config];
      const always = config.always === undefined ? [] : [config.always].flat();
      return [key, { ...config, always: [{ target: 'not_applicable', guard: when }, ...always] }];
    }),
  );
  return { ...withExit, not_applicable: done(description, meta) } as Record<string, KitStateConfig>;
}

/** The end of the day the outside report arrived (or the incident opened), in the incident's time zone. */
export const endOfReportDay = (context: KitContext): string =>
  endOfBusinessDays(context.input.report?.receivedAt ?? context.openedAt, 0, context.timeZone);
