import { fire } from '../kernel';
import type { EventRecord } from '../types';
import type { UseCaseContext } from './context';

/** The timer worker's use case: fire every live timer that is due, each incident in a unit of work of its own. */
export function timers(ctx: UseCaseContext) {
  /**
   * Fires every live timer due now, incident by incident; returns how many incidents it touched.
   * `lanes` loops run at once: the store hands each a different incident (SKIP LOCKED), so they never collide.
   */
  async function fireDueTimers(lanes = 4): Promise<number> {
    // A due incident may run a playbook version another instance published.
    await ctx.registry.refresh();
    const lane = async () => {
      let touched = 0;
      for (;;) {
        const now = ctx.wallNow();
        let events: EventRecord[] = [];
        const written = await ctx.store.withLockedIncident({ dueBy: now }, ({ incident, due }) => {
          const firing = fire(ctx.definitionOf(incident), incident, due, now, now);
          events = firing.events;
          return { ...firing, checkpoint: events.length > 0 ? ctx.seal(firing.incident) : null };
        });
        if (!written) return touched;
        ctx.writeCache.remember(written);
        ctx.announce(written, events);
        touched++;
      }
    };
    const counts = await Promise.all(Array.from({ length: lanes }, lane));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  return { fireDueTimers, nextTimerDue: () => ctx.store.nextDueAt() };
}
