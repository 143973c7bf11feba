import {
  type Actor,
  type Engine,
  type EventRecord,
  type FireBudget,
  type IncidentView,
  Refusal,
} from '../engine';
import { ConditionChecker, conditionTimes } from './facts';
import { durationMs, type Inject, type Scenario, type ScriptMove } from './scenario';
import { offsetText } from './time-text';

/** An inject as delivered: when (virtual time) and the event it recorded, if any. */
export interface FiredInject {
  id: string;
  at: string;
  offsetMs: number;
  /** seq of the event it emitted into the incident. */
  emittedSeq: number | null;
}

/** A script move the playbook refused, as the script expected (e.g. the evidence gate catching a deletion). */
export interface RefusedMove {
  index: number;
  at: string;
  as: string;
  event: string;
  code: string;
  reason: string;
}

export interface ExerciseRun {
  scenario: Scenario;
  /** The script played: `main` or an alternative's name. */
  script: string;
  incident: IncidentView;
  events: EventRecord[];
  injects: FiredInject[];
  refused: RefusedMove[];
  startMs: number;
  endMs: number;
}

/** A script move or inject that could not be played: which one, prompted by which inject, and why. */
export class TabletopError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TabletopError';
  }
}

/** The simulation cell: records what injects emit. */
export const simcellActor: Actor = { id: 'tabletop:simcell', name: 'simcell', roles: ['admin'] };
const facilitatorActor: Actor = { id: 'tabletop:facilitator', name: 'facilitator', roles: ['admin'] };

export const playerActor = (scenario: Scenario, roleId: string): Actor => {
  const role = scenario.roles.find((r) => r.id === roleId);
  // Named as the scenario names the role ("Web administrator"), so reports speak of people, not ids.
  return {
    id: `player:${roleId}`,
    name: role?.name ?? roleId,
    roles: role?.playbookRole ? [role.playbookRole] : [],
  };
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The log's record of an inject delivered: every inject has one, whether or not it emitted an event. */
export const INJECT_DELIVERED = 'exercise.inject_delivered';

/** The injects delivered so far, in the order they were, read from the incident's log (`startMs`: T0). */
export function firedInjectsOf(events: readonly EventRecord[], startMs: number): FiredInject[] {
  return events
    .filter((event) => event.type === INJECT_DELIVERED)
    .map((event) => {
      const { inject, emittedSeq } = event.payload as { inject: string; emittedSeq: number | null };
      return {
        id: inject,
        at: event.occurredAt,
        offsetMs: Date.parse(event.occurredAt) - startMs,
        emittedSeq,
      };
    });
}
/** Events read per query: a long log is read page by page, letting the event loop go between pages. */
const LOG_PAGE = 250;

/** An exercise incident as the runner sees it: its virtual clock, and its event log read incrementally. */
export class ExerciseIncident {
  private clock: number | null = null;
  private readonly log: EventRecord[] = [];
  /** Whether the log was read since the last write anyone may have made: a clock move, an event applied. */
  private logCurrent = false;

  /** `budget`: the timers its clock moves may fire in all. */
  constructor(
    private readonly engine: Engine,
    readonly id: string,
    private readonly budget?: FireBudget,
  ) {}

  async clockMs(): Promise<number> {
    if (this.clock === null) {
      const row = await this.engine.loadIncident(this.id);
      this.clock = Date.parse(row.clockNow ?? row.createdAt);
    }
    return this.clock;
  }

  /** Moves the virtual clock forward (never back), firing the incident's due timers in order. */
  async moveTo(ms: number): Promise<void> {
    if ((await this.clockMs()) >= ms) return;
    await this.engine.moveClock(this.id, iso(ms), this.budget);
    this.clock = ms;
    this.logCurrent = false;
    await nextTurn();
  }

  /** Something was written to the incident: the log is read again before it is next used. */
  written(): void {
    this.logCurrent = false;
  }

  /** The whole event log so far; only events after the last one read are fetched, and only after a write. */
  async events(): Promise<EventRecord[]> {
    if (this.logCurrent) return this.log;
    await appendLog(this.engine, this.id, this.log);
    this.logCurrent = true;
    return this.log;
  }
}

/** Appends the events after the last one in `log`, page by page, up to `max` events in all. */
async function appendLog(
  engine: Engine,
  incidentId: string,
  log: EventRecord[],
  max = Infinity,
): Promise<void> {
  for (;;) {
    const page = await engine.listEvents(incidentId, log.at(-1)?.seq ?? 0, LOG_PAGE);
    log.push(...page.slice(0, max - log.length));
    if (page.length < LOG_PAGE || log.length >= max) return;
    await nextTurn();
  }
}

/** An incident's event log from the start, at most `max` events. */
export async function wholeLog(engine: Engine, incidentId: string, max?: number): Promise<EventRecord[]> {
  const log: EventRecord[] = [];
  await appendLog(engine, incidentId, log, max);
  return log;
}

/** Opens the exercise incident at the scenario's start (virtual clock, exercise mode). */
export async function openExerciseIncident(
  engine: Engine,
  scenario: Scenario,
  actor: Actor = facilitatorActor,
  exerciseId?: string,
) {
  return engine.startIncident(
    {
      playbookId: scenario.metadata.playbook,
      playbookVersion: scenario.metadata.playbookVersion,
      title: scenario.incident.title,
      severity: scenario.incident.severity,
      input: scenario.incident.input,
      actor,
      mode: 'exercise',
      clockStart: scenario.clock.start,
      exerciseId,
    },
    actor.roles,
  );
}

/** An inject not delivered yet, and the earliest it can fire. */
interface Pending {
  inject: Inject;
  atMs: number;
}

/**
 * Delivers a scenario's injects as virtual time passes: timed ones at their offset, conditional ones as soon as
 * their condition holds, moving the incident's clock to each first so timers fire in order. Shared by scripted
 * runs and facilitated exercises.
 *
 * Each inject's first chance is computed once, and each is reached once, in that order; an inject whose
 * condition does not hold yet waits, and the waiting ones are looked at again, first first, after every
 * delivery (a delivery changes the facts) and at the start of each call.
 */
export class InjectDelivery {
  private readonly startMs: number;
  private readonly conditions: ConditionChecker;
  /** The injects not delivered yet, by first chance; read from the log at the first call. */
  private ahead: Pending[] | null = null;
  private next = 0;
  private readonly waiting: Pending[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly scenario: Scenario,
    private readonly incident: ExerciseIncident,
  ) {
    this.startMs = Date.parse(scenario.clock.start);
    this.conditions = new ConditionChecker(this.startMs);
  }

  /** Delivers the injects due by virtual time `toMs`; returns them in the order they fired. */
  async until(toMs: number): Promise<FiredInject[]> {
    // Anything may have happened since the last call (a player's move): the log is read again.
    this.incident.written();
    this.ahead ??= await this.notDelivered();
    const delivered: FiredInject[] = [];
    await this.deliverWaiting(delivered);
    const ahead = this.ahead;
    while (this.next < ahead.length && ahead[this.next]!.atMs <= toMs) {
      const pending = ahead[this.next++]!;
      await this.incident.moveTo(pending.atMs);
      if (await this.holds(pending)) {
        delivered.push(await this.deliver(pending.inject));
        await this.deliverWaiting(delivered);
      } else {
        this.waiting.push(pending);
      }
      await nextTurn();
    }
    return delivered;
  }

  /** The first waiting inject whose condition holds now is delivered, then the first again, until none holds. */
  private async deliverWaiting(delivered: FiredInject[]): Promise<void> {
    for (let i = 0; i < this.waiting.length; ) {
      if (await this.holds(this.waiting[i]!)) {
        const [pending] = this.waiting.splice(i, 1);
        delivered.push(await this.deliver(pending!.inject));
        await nextTurn();
        i = 0;
      } else {
        i++;
      }
    }
  }

  /** The scenario's injects the log does not record as delivered, in the order of their first chance. */
  private async notDelivered(): Promise<Pending[]> {
    const done = new Set(firedInjectsOf(await this.incident.events(), this.startMs).map((fired) => fired.id));
    return this.scenario.injects
      .filter((inject) => !done.has(inject.id))
      .map((inject) => ({ inject, atMs: firstChance(inject, this.startMs) }))
      .sort((a, b) => a.atMs - b.atMs);
  }

  private async holds(pending: Pending): Promise<boolean> {
    const condition = pending.inject.when;
    if (!condition) return true;
    return this.conditions.holds(condition, await this.incident.events(), await this.incident.clockMs());
  }

  private async deliver(inject: Inject): Promise<FiredInject> {
    await nextTurn();
    const fired = await fire(this.engine, this.scenario, this.incident, inject, this.startMs);
    // Every inject is recorded in the log, so what was delivered is known from the log alone; the key makes a
    // second delivery (a crash between the two writes, a concurrent move) replay the first.
    await this.engine.recordFact({
      incidentId: this.incident.id,
      type: INJECT_DELIVERED,
      payload: { inject: inject.id, emittedSeq: fired.emittedSeq },
      actor: simcellActor,
      source: 'inject',
      idempotencyKey: `inject-delivered:${inject.id}`,
    });
    this.incident.written();
    return fired;
  }
}

/** Lets the event loop answer what is waiting: the embedded database and the rehearsal store never do. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The earliest an inject can fire: its `at`, or for a condition the latest `after` it names (else T0). */
function firstChance(inj: Inject, startMs: number): number {
  if (inj.at !== undefined) return startMs + durationMs(inj.at);
  const times = inj.when ? conditionTimes(inj.when) : [];
  return startMs + (times.length > 0 ? Math.max(...times) : 0);
}

async function fire(
  engine: Engine,
  scenario: Scenario,
  incident: ExerciseIncident,
  inj: Inject,
  startMs: number,
): Promise<FiredInject> {
  const nowMs = await incident.clockMs();
  let emittedSeq: number | null = null;
  if (inj.emits) {
    try {
      const result = await engine.applyEvent({
        incidentId: incident.id,
        type: inj.emits.type,
        payload: inj.emits.payload,
        note: `inject ${inj.id}: ${inj.content.slice(0, 200)}`,
        actor: simcellActor,
        source: 'inject',
        // An inject is delivered once whatever the concurrency: a second delivery replays the first.
        idempotencyKey: `inject:${inj.id}`,
      });
      emittedSeq = result.event.seq;
    } catch (error) {
      throw new TabletopError(
        `${scenario.metadata.id}: inject ${inj.id} at T+${offsetText(nowMs - startMs)} emits ${inj.emits.type}, ` +
          `which the playbook refused: ${reasonOf(error)}`,
      );
    }
  }
  return { id: inj.id, at: iso(nowMs), offsetMs: nowMs - startMs, emittedSeq };
}

const reasonOf = (error: unknown): string =>
  error instanceof Refusal
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);

/** What the main script is called where scripts are named: `tabletop list`, `--script`, the report. */
export const MAIN_SCRIPT = 'main';

/** A scenario's scripts by name: the main one first, then its alternatives. */
export const scriptNames = (scenario: Scenario): string[] => [
  MAIN_SCRIPT,
  ...Object.keys(scenario.alternativeScripts),
];

export interface RunOptions {
  /** A named alternative script instead of the main one. */
  script?: string;
  /** Called as virtual time advances: done and total, in ms from T0. */
  onProgress?: (doneMs: number, totalMs: number) => void;
}

/**
 * Runs a scripted exercise headless with the real engine: opens the exercise incident at T0, then plays the
 * injects and the script in virtual-time order (injects first at equal times: they prompt the moves),
 * moving the incident clock so timers fire in order, and ends at `clock.end`.
 */
export async function runScripted(
  engine: Engine,
  scenario: Scenario,
  options: RunOptions = {},
): Promise<ExerciseRun> {
  const startMs = Date.parse(scenario.clock.start);
  const endMs = startMs + durationMs(scenario.clock.end);
  const name = options.script ?? MAIN_SCRIPT;
  const script = name === MAIN_SCRIPT ? scenario.script : scenario.alternativeScripts[name];
  if (!script) {
    throw new TabletopError(
      `${scenario.metadata.id} has no script "${name}" (scripts: ${scriptNames(scenario).join(', ')})`,
    );
  }
  const opened = await openExerciseIncident(engine, scenario);
  const incident = new ExerciseIncident(engine, opened.id);
  const injects = new InjectDelivery(engine, scenario, incident);
  const fired: FiredInject[] = [];
  const refused: RefusedMove[] = [];
  const progress = (ms: number) => options.onProgress?.(Math.min(ms, endMs) - startMs, endMs - startMs);

  for (const [index, move] of script.entries()) {
    const atMs = startMs + durationMs(move.at);
    if (atMs > endMs)
      throw new TabletopError(
        `${scenario.metadata.id}: script move ${index + 1} is after the end of the exercise`,
      );
    fired.push(...(await injects.until(atMs)));
    await incident.moveTo(atMs);
    progress(atMs);
    await playMove(engine, scenario, opened.id, move, index, fired, refused);
    fired.push(...(await injects.until(atMs)));
  }
  fired.push(...(await injects.until(endMs)));
  await incident.moveTo(endMs);
  progress(endMs);
  const events = await incident.events();
  return {
    scenario,
    script: name,
    incident: await engine.getIncident(opened.id, ['admin']),
    events,
    injects: firedInjectsOf(events, startMs),
    refused,
    startMs,
    endMs,
  };
}

async function playMove(
  engine: Engine,
  scenario: Scenario,
  incidentId: string,
  move: ScriptMove,
  index: number,
  fired: FiredInject[],
  refused: RefusedMove[],
) {
  const prompt = fired.at(-1);
  const where =
    `${scenario.metadata.id}: script move ${index + 1} (T+${move.at}, ${move.as} sends ${move.event}` +
    `${prompt ? `, after inject ${prompt.id}` : ''})`;
  try {
    await engine.applyEvent({
      incidentId,
      type: move.event,
      payload: move.payload,
      note: move.note ?? null,
      actor: playerActor(scenario, move.as),
    });
    if (move.expect === 'refused')
      throw new TabletopError(`${where}: the script expected the playbook to refuse it, and it was accepted`);
  } catch (error) {
    if (error instanceof TabletopError) throw error;
    if (move.expect !== 'refused' || !(error instanceof Refusal)) {
      throw new TabletopError(`${where} was refused: ${reasonOf(error)}`);
    }
    refused.push({
      index,
      at: iso(Date.parse(scenario.clock.start) + durationMs(move.at)),
      as: playerActor(scenario, move.as).name,
      event: move.event,
      code: error.code,
      reason: move.note ?? error.message.split(' (')[0]!,
    });
  }
}
