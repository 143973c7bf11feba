import type { AnyMachineSnapshot } from 'xstate';
import {
  activeStates,
  allowedEvents,
  decide,
  type Effect,
  fire,
  type IncidentRow,
  type IncidentWrite,
  open,
  Refusal,
  restoreSnapshot,
  type TimerRow,
} from '../../src/engine';
import type { Actor, PlaybookDefinition } from '../../src/playbook-kit';

/**
 * Drives a playbook through the engine's own kernel (`open`, `decide`, `fire`), without a database: an
 * incident row kept in memory, refusals exactly as the API gives them, timers kept and fired in due order as
 * the clock moves. For table tests of a playbook's paths; it cannot drift from the engine.
 */
export class PlaybookDriver {
  row: IncidentRow;
  snapshot: AnyMachineSnapshot;
  now: string;
  readonly timers = new Map<string, TimerRow>();
  /** Custom actions (effects) returned so far, e.g. `escalate`. */
  readonly effects: Effect[] = [];
  /** Every event applied, in order, with its source. */
  readonly log: { type: string; source: 'client' | 'timer'; at: string }[] = [];

  constructor(
    readonly definition: PlaybookDefinition,
    input: unknown,
    openedAt: string,
    readonly opener: Actor = { id: 'opener', name: 'opener', roles: ['incident_commander'] },
  ) {
    this.now = new Date(openedAt).toISOString();
    const opened = open(definition, {
      id: '00000000-0000-4000-8000-000000000000',
      title: `${definition.title} (test)`,
      input,
      actor: opener,
      mode: 'exercise',
      exerciseId: null,
      at: this.now,
      recordedAt: this.now,
    });
    this.row = opened.incident;
    this.snapshot = restoreSnapshot(definition, this.row.snapshot);
    this.commit(opened);
    this.effects.push(...opened.effects);
  }

  get context(): Record<string, unknown> & {
    facts: Record<string, unknown>;
    decisions: { id: string; option: string }[];
    escalations: { timer: string; at: string; dueAt: string }[];
  } {
    return this.snapshot.context;
  }

  get done(): boolean {
    return this.snapshot.status === 'done';
  }

  /** Active leaf paths, e.g. `scope.quantify`. */
  active(): string[] {
    return activeStates(this.definition, this.snapshot).map((state) => state.path);
  }

  /** Whether `path` (a track state, e.g. `containment.contained`) is active. */
  in(path: string): boolean {
    return this.snapshot.matches(pathToValue(path));
  }

  allowed(roles: readonly string[] = ['admin']): string[] {
    return allowedEvents(this.definition, this.snapshot, roles, this.now).map((event) => event.type);
  }

  /** A person holding the event's first role. */
  actorFor(type: string): Actor {
    const role = this.eventDef(type).roles[0]!;
    return { id: `person-${role}`, name: role, roles: [role] };
  }

  /**
   * Sends a client event at the current clock (or `at`, which first fires the timers due before it).
   * Payload defaults to the event's first example; the actor to a person holding its first role.
   * Throws, like the API would refuse, when the payload, role or state does not allow it.
   */
  send(type: string, payload?: unknown, options: { actor?: Actor; at?: string } = {}): this {
    const refusal = this.refusal(type, payload, options);
    if (refusal) throw new Error(`${type} refused: ${refusal}; active: ${this.active().join(', ')}`);
    return this;
  }

  /** The reason a client event would be refused (the engine's error code, or its message), or null after applying it. */
  refusal(type: string, payload?: unknown, options: { actor?: Actor; at?: string } = {}): string | null {
    if (options.at) this.advanceTo(options.at);
    const def = this.eventDef(type);
    const actor = options.actor ?? this.actorFor(type);
    try {
      const { write, result } = decide(
        this.definition,
        this.row,
        { type, payload: payload ?? def.examples[0], actor, requestHash: '' },
        this.now,
        this.now,
      );
      this.commit(write);
      this.snapshot = result.snapshot;
      this.effects.push(...result.effects.map((effect) => ({ ...effect, at: this.now })));
      this.log.push({ type, source: 'client', at: this.now });
      return null;
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (error.code === 'invalid_request') return `invalid payload: ${error.message}`;
      if (error.code === 'forbidden') return `role: ${actor.roles.join(',')} may not send it`;
      return error.code;
    }
  }

  /** Moves the clock to `to`, firing due timers in order, each at its own due time. */
  advanceTo(to: string): this {
    const due = [...this.timers.values()].filter((timer) => timer.dueAt <= to);
    if (due.length > 0) {
      const firing = fire(this.definition, this.row, due, to, to);
      for (const id of due.map((timer) => timer.timerId)) this.timers.delete(id);
      this.commit(firing);
      this.snapshot = restoreSnapshot(this.definition, this.row.snapshot);
      this.effects.push(...firing.effects);
      for (const event of firing.events) {
        this.log.push({ type: event.type, source: 'timer', at: event.occurredAt });
        if (event.occurredAt > this.now) this.now = event.occurredAt;
      }
    }
    if (to > this.now) this.now = to;
    return this;
  }

  /** Moves the clock forward by `ms`. */
  advanceBy(ms: number): this {
    return this.advanceTo(new Date(Date.parse(this.now) + ms).toISOString());
  }

  /** Keeps what a write leaves: the row, and the timer rows added and removed (a closed incident keeps none). */
  private commit(write: Pick<IncidentWrite, 'incident' | 'timersToAdd' | 'timerIdsToRemove'>) {
    this.row = write.incident;
    for (const id of write.timerIdsToRemove) this.timers.delete(id);
    for (const timer of write.timersToAdd) this.timers.set(timer.timerId, timer);
    if (this.row.status === 'closed') this.timers.clear();
  }

  private eventDef(type: string) {
    const def = this.definition.events.find((event) => event.type === type);
    if (!def) throw new Error(`${this.definition.id} has no client event ${type}`);
    return def;
  }
}

function pathToValue(path: string): Record<string, unknown> | string {
  const [head, ...rest] = path.split('.');
  return rest.length === 0 ? head! : { [head!]: pathToValue(rest.join('.')) };
}
