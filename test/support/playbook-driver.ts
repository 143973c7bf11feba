import type { AnyMachineSnapshot } from 'xstate';
import {
  acceptsEvent,
  activeStates,
  allowedEvents,
  mayActAs,
  openSnapshot,
  type PendingTimer,
  type StepResult,
  step,
  timerActor,
} from '../../src/engine';
import type { Actor, PlaybookDefinition } from '../../src/playbook-kit';

/**
 * Drives a playbook the way the engine does, without a database: payloads parsed by the event's schema,
 * roles checked, `snapshot.can` before `transition`, timers kept as the engine keeps them and fired in
 * due order as the clock moves. For table tests of a playbook's paths.
 */
export class PlaybookDriver {
  snapshot: AnyMachineSnapshot;
  now: string;
  readonly timers = new Map<string, PendingTimer>();
  /** Custom actions (effects) returned so far, e.g. `escalate`. */
  readonly effects: { type: string; params?: unknown; at: string }[] = [];
  /** Every event applied, in order, with its source. */
  readonly log: { type: string; source: 'client' | 'timer'; at: string }[] = [];

  constructor(
    readonly definition: PlaybookDefinition,
    input: unknown,
    openedAt: string,
    readonly opener: Actor = { id: 'opener', name: 'opener', roles: ['incident_commander'] },
  ) {
    const parsed = definition.inputSchema.parse(input);
    this.now = openedAt;
    const opened = openSnapshot(definition, {
      input: parsed,
      at: openedAt,
      actor: opener,
      title: `${definition.title} (test)`,
      severity: definition.defaultSeverity(parsed),
    });
    this.snapshot = opened.snapshot;
    this.apply(opened, openedAt);
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

  /** The reason a client event would be refused, or null after applying it. */
  refusal(type: string, payload?: unknown, options: { actor?: Actor; at?: string } = {}): string | null {
    if (options.at) this.advanceTo(options.at);
    const def = this.eventDef(type);
    const parsed = def.payload.safeParse(payload ?? def.examples[0]);
    if (!parsed.success) return `invalid payload: ${parsed.error.message}`;
    const actor = options.actor ?? this.actorFor(type);
    if (!mayActAs(actor.roles, def.roles)) return `role: ${actor.roles.join(',')} may not send it`;
    const event = { type, payload: parsed.data, at: this.now, actor };
    if (!acceptsEvent(this.definition, this.snapshot, def, event)) return 'event_not_allowed';
    this.apply(step(this.definition, this.snapshot, event), this.now);
    this.log.push({ type, source: 'client', at: this.now });
    return null;
  }

  /** Moves the clock to `to`, firing due timers in order, each at its own due time. */
  advanceTo(to: string): this {
    for (;;) {
      const next = [...this.timers.values()]
        .filter((timer) => timer.dueAt <= to)
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.timerId.localeCompare(b.timerId))[0];
      if (!next) break;
      this.timers.delete(next.timerId);
      this.now = next.dueAt > this.now ? next.dueAt : this.now;
      const event = { payload: {}, ...next.event, at: next.dueAt, actor: timerActor };
      if (this.snapshot.status !== 'active' || !this.snapshot.can(event)) continue;
      this.apply(step(this.definition, this.snapshot, event), next.dueAt);
      this.log.push({ type: next.event.type, source: 'timer', at: next.dueAt });
    }
    if (to > this.now) this.now = to;
    return this;
  }

  /** Moves the clock forward by `ms`. */
  advanceBy(ms: number): this {
    return this.advanceTo(new Date(Date.parse(this.now) + ms).toISOString());
  }

  private apply(result: StepResult, at: string) {
    this.snapshot = result.snapshot;
    for (const id of result.timers.remove) this.timers.delete(id);
    for (const timer of result.timers.add) this.timers.set(timer.timerId, timer);
    for (const effect of result.effects) this.effects.push({ ...effect, at });
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
