import { fire } from '../kernel';
import type { EventRecord } from '../types';
import type { UseCaseContext } from './context';
import { FIRES_PER_UNIT, nextTurn } from './fire-units';

/**
 * The timer worker's use case: fire every live timer that is due, each incident in units of work of its own
 * (a few timers each, so a backlog after downtime never holds the event loop for long).
 */
export function timers(ctx: UseCaseContext) {
  /**
   * Fires every live timer due now, incident by incident; returns how many incidents it touched.
   * `lanes` loops run at once: the store hands each a different incident (SKIP LOCKED), so they never collide.
   * An incident with more due timers than a unit takes is picked again (its earliest due timer is still due).
   */
  async function fireDueTimers(lanes = 4): Promise<number> {
    const touched = new Set<string>();
    // A due incident may run a playbook version another instance published.
    await ctx.registry.refresh();
    const lane = async () => {
      for (;;) {
        const now = ctx.wallNow();
        let events: EventRecord[] = [];
        const written = await ctx.store.withLockedIncident({ dueBy: now }, ({ incident, due }) => {
          const firing = ctx.withReminders(
            fire(ctx.definitionOf(incident), incident, due, now, now, FIRES_PER_UNIT),
          );
          events = firing.events;
          return {
            ...firing,
            checkpoint: events.length > 0 ? ctx.seal(firing.incident) : null,
            outbox: ctx.outbox(incident, firing.incident, events, firing.effects),
          };
        });
        if (!written) return;
        ctx.writeCache.remember(written);
        ctx.announce(written, events);
        touched.add(written.id);
        await nextTurn();
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return touched.size;
  }

  return { fireDueTimers, nextTimerDue: () => ctx.store.nextDueAt() };
}
