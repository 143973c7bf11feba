import { Refusal } from '../errors';
import { fire } from '../kernel';
import type { EventRecord, IncidentRow } from '../types';
import type { UseCaseContext } from './context';
import { FIRES_PER_UNIT, nextTurn } from './fire-units';
import type { IncidentView, views } from './views';

/**
 * How many timers a clock move may still fire, across its units of work; `refusal` is thrown by the unit that
 * would fire more, which then writes nothing.
 */
export interface FireBudget {
  left: number;
  refusal: () => Refusal;
}

/**
 * Moving an exercise incident's virtual clock: its timers due by the target fire in order, each at its own
 * due time, and the clock lands on the target. A few timers are one unit of work; more are several, the clock
 * standing at the last timer fired between them. Live incidents run on the wall clock.
 */
export function clock(ctx: UseCaseContext, { incidentView }: ReturnType<typeof views>) {
  const { store, writeCache } = ctx;

  async function advanceClock(incidentId: string, to: string): Promise<IncidentView> {
    return incidentView(await moveClock(incidentId, to), []);
  }

  /** `advanceClock` without rendering the view: the moved row. With `budget`, it fires no more than it allows. */
  async function moveClock(incidentId: string, to: string, budget?: FireBudget): Promise<IncidentRow> {
    const target = clockTarget(to);
    const cached = writeCache.get(incidentId);
    if (cached) {
      // The common move (nothing falls due) in one statement, guarded by the change_seq this instance wrote.
      checkClockMove(cached, target);
      const changeSeq = await store.moveClockQuietly(incidentId, cached.changeSeq, target);
      if (changeSeq !== null) {
        const row = { ...cached, clockNow: target, changeSeq };
        ctx.noteVersion(row);
        return writeCache.remember(row);
      }
    }
    for (;;) {
      let events: EventRecord[] = [];
      let arrived = false;
      const moved = await store.withLockedIncident({ id: incidentId, dueBy: target }, ({ incident, due }) => {
        checkClockMove(incident, target);
        const firing = fire(ctx.definitionOf(incident), incident, due, target, ctx.wallNow(), FIRES_PER_UNIT);
        if (budget) {
          if (firing.events.length > budget.left) throw budget.refusal();
          budget.left -= firing.events.length;
        }
        events = firing.events;
        arrived = firing.stoppedAt === null;
        const clockNow = arrived ? target : latest(firing.stoppedAt!, incident.clockNow);
        return {
          ...firing,
          incident: { ...firing.incident, clockNow },
          checkpoint: events.length > 0 ? ctx.seal(firing.incident) : null,
          outbox: ctx.outbox(incident, firing.incident, events, firing.effects),
        };
      });
      if (!moved) throw new Refusal('not_found', `no incident ${incidentId}`);
      ctx.announce(moved, events);
      writeCache.remember(moved);
      if (arrived) return moved;
      await nextTurn();
    }
  }

  return { advanceClock, moveClock };
}

/** The later of two instants (an exercise clock never goes back, even to a timer armed in its past). */
const latest = (a: string, b: string | null): string => (b !== null && Date.parse(b) > Date.parse(a) ? b : a);

/** The time a clock move names, in ISO 8601. */
function clockTarget(to: string): string {
  if (Number.isNaN(Date.parse(to))) throw new Refusal('invalid_request', `"${to}" is not a time`);
  return new Date(to).toISOString();
}

/** Refuses a clock move the incident cannot make. */
function checkClockMove(row: IncidentRow, target: string): void {
  if (row.mode !== 'exercise') {
    throw new Refusal(
      'invalid_request',
      `incident ${row.id} is live; only exercise incidents have a movable clock`,
    );
  }
  if (row.clockNow && Date.parse(target) < Date.parse(row.clockNow)) {
    throw new Refusal('invalid_request', `the exercise clock is at ${row.clockNow}; it only moves forward`);
  }
}
