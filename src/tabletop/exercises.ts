import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  type Actor,
  checkInstant,
  checkInstantsIn,
  clip,
  type Engine,
  type ExerciseRow,
  type ExerciseStore,
  type FireBudget,
  oneAtATimePerKey,
  type PlaybookRegistry,
  parseOrThrow,
  Refusal,
} from '../engine';
import type { PlaybookDefinition } from '../playbook-kit';
import { bundledScenarios } from './catalogue';
import { type AfterActionReport, buildReport } from './report';
import {
  ExerciseIncident,
  firedInjectsOf,
  InjectDelivery,
  openExerciseIncident,
  TabletopError,
} from './runner';
import {
  checkScenarioClock,
  checkScenarioLimits,
  durationMs,
  type ExerciseLimits,
  parseScenario,
  type Scenario,
  ScenarioError,
} from './scenario';
import { offsetText } from './time-text';

/** What players and the facilitator see of an exercise: the clock and the injects delivered so far. */
export interface ExerciseView {
  id: string;
  scenarioId: string;
  title: string;
  playbookId: string;
  status: ExerciseRow['status'];
  incidentId: string;
  start: string;
  clock: string;
  end: string;
  injects: {
    id: string;
    module: string | null;
    at: string;
    offset: string;
    channel: string;
    from: string;
    to: string[];
    content: string;
  }[];
}

export interface ExerciseDeps {
  engine: Engine;
  store: ExerciseStore;
  registry: PlaybookRegistry;
  newId: () => string;
  now: () => Date;
  /**
   * A throwaway engine in memory, holding a copy of incident `incidentId` when given. A start or a clock move
   * is played there first: one that the playbook refuses half-way then writes nothing at all.
   */
  rehearsal: (incidentId?: string) => Promise<Engine>;
  limits: ExerciseLimits;
}

/**
 * Facilitated exercises (DESIGN.md section 4): a facilitator opens the exercise incident at the scenario's
 * start, players send events with their own tokens, and the facilitator moves the virtual clock, which
 * delivers the injects and fires the incident's timers in order.
 */
export function createExerciseService(deps: ExerciseDeps) {
  const { engine, store, registry } = deps;
  const oneMoveAtATime = oneAtATimePerKey();
  /** Scenarios are stored once and never change: each is parsed once per exercise, not on every request. */
  const parsed = new Map<string, Scenario>();
  const scenarioOf = (row: ExerciseRow): Scenario => {
    let scenario = parsed.get(row.id);
    if (!scenario) {
      scenario = parseScenario(row.scenario, `exercise ${row.id}`);
      if (parsed.size >= PARSED_SCENARIOS) parsed.delete(parsed.keys().next().value!);
      parsed.set(row.id, scenario);
    }
    return scenario;
  };

  function scenarioFrom(request: { scenarioId?: string; scenario?: unknown }): Scenario {
    if (request.scenarioId !== undefined) {
      const bundled = bundledScenarios().find((s) => s.id === request.scenarioId);
      if (!bundled) throw new Refusal('not_found', `no bundled scenario "${request.scenarioId}"`);
      checkScenarioLimits(bundled.scenario, deps.limits);
      return bundled.scenario;
    }
    checkScenarioLimits(request.scenario, deps.limits);
    try {
      return parseScenario(request.scenario, 'scenario');
    } catch (error) {
      if (error instanceof ScenarioError) {
        throw new Refusal('invalid_request', 'the scenario is invalid', { problems: error.problems });
      }
      throw error;
    }
  }

  async function load(id: string, actor?: Actor): Promise<{ row: ExerciseRow; scenario: Scenario }> {
    const row = await store.getExercise(id, { scenario: !parsed.has(id) });
    if (!row?.incidentId) throw new Refusal('not_found', `no exercise ${id}`);
    if (actor) await engine.loadIncident(row.incidentId, actor);
    return { row, scenario: scenarioOf(row) };
  }

  async function view(row: ExerciseRow, scenario: Scenario): Promise<ExerciseView> {
    const incident = await engine.loadIncident(row.incidentId!);
    const startMs = Date.parse(scenario.clock.start);
    const injects = new Map(scenario.injects.map((inject) => [inject.id, inject]));
    const fired = firedInjectsOf(await new ExerciseIncident(engine, row.incidentId!).events(), startMs);
    return {
      id: row.id,
      scenarioId: row.scenarioId,
      title: scenario.metadata.title,
      playbookId: scenario.metadata.playbook,
      status: row.status,
      incidentId: row.incidentId!,
      start: new Date(startMs).toISOString(),
      clock: incident.clockNow ?? incident.createdAt,
      end: new Date(startMs + durationMs(scenario.clock.end)).toISOString(),
      injects: fired.map((fired) => {
        const inject = injects.get(fired.id)!;
        return {
          id: fired.id,
          module: inject.module ?? null,
          at: fired.at,
          offset: `T+${offsetText(fired.offsetMs)}`,
          channel: inject.channel,
          from: inject.from,
          to: inject.to,
          content: inject.content,
        };
      }),
    };
  }

  async function start(
    request: { scenarioId?: string; scenario?: unknown },
    actor: Actor,
  ): Promise<ExerciseView> {
    const scenario = scenarioFrom(request);
    let definition: PlaybookDefinition;
    try {
      definition = registry.get(scenario.metadata.playbook, scenario.metadata.playbookVersion);
    } catch (error) {
      if (error instanceof Refusal) throw new Refusal('invalid_request', `the scenario's ${error.message}`);
      throw error;
    }
    const now = deps.now();
    checkAgainstPlaybook(scenario, definition, now);
    checkScenarioClock(scenario, now);
    // Rehearsed first, so a start the playbook refuses leaves no exercise and no incident behind.
    await openAtStart(await deps.rehearsal(), scenario, actor);
    const id = deps.newId();
    const row: ExerciseRow = {
      id,
      scenarioId: scenario.metadata.id,
      scenario,
      scenarioHash: createHash('sha256')
        .update(canonicalize(scenario) ?? '')
        .digest('hex'),
      incidentId: null,
      status: 'running',
      startedAt: now.toISOString(),
      finishedAt: null,
    };
    await store.insertExercise(row);
    const incidentId = await openAtStart(engine, scenario, actor, id);
    const started = { ...row, incidentId };
    await store.updateExercise(id, started);
    return view(started, scenario);
  }

  /**
   * Moves the virtual clock forward by `advance` (ISO 8601 duration) or to `to`, delivering injects on the way.
   * One move at a time per exercise: moves on this instance queue (each applied in turn, from where the one
   * before left the clock); a move while another instance holds the clock is refused with 412.
   */
  function moveClock(
    id: string,
    move: { advance?: string; to?: string },
    actor: Actor,
  ): Promise<ExerciseView> {
    return oneMoveAtATime(id, async () => {
      const holder = deps.newId();
      const now = deps.now().getTime();
      const claimed = await store.claimClockMove(
        id,
        holder,
        new Date(now).toISOString(),
        new Date(now + CLOCK_MOVE_LEASE_MS).toISOString(),
      );
      if (!claimed) {
        if (!(await store.getExercise(id))) throw new Refusal('not_found', `no exercise ${id}`);
        throw new Refusal(
          'version_mismatch',
          `another clock move of exercise ${id} is in progress; read the exercise again and retry`,
        );
      }
      try {
        return await moveClockNow(id, move, actor);
      } finally {
        await store.releaseClockMove(id, holder);
      }
    });
  }

  async function moveClockNow(
    id: string,
    move: { advance?: string; to?: string },
    actor: Actor,
  ): Promise<ExerciseView> {
    const { row, scenario } = await load(id, actor);
    if (row.status === 'finished') throw new Refusal('invalid_request', `exercise ${id} has ended`);
    const incident = await engine.loadIncident(row.incidentId!);
    const nowMs = Date.parse(incident.clockNow ?? incident.createdAt);
    const endMs = Date.parse(scenario.clock.start) + durationMs(scenario.clock.end);
    const targetMs =
      move.to !== undefined
        ? checkInstant('to', move.to, deps.now())
        : nowMs + durationMs(move.advance ?? 'PT0S');
    if (targetMs < nowMs) {
      throw new Refusal(
        'invalid_request',
        `the exercise clock is at ${new Date(nowMs).toISOString()}; it only moves forward`,
      );
    }
    const target = Math.min(targetMs, endMs);
    // Rehearsed first, so a move the playbook refuses half-way leaves the exercise as it was.
    const rehearsal = await deps.rehearsal(row.incidentId!);
    await moveAlong(rehearsal, scenario, row.incidentId!, target, deps.limits);
    await moveAlong(engine, scenario, row.incidentId!, target, deps.limits);
    const finished = target >= endMs;
    const next: ExerciseRow = {
      ...row,
      status: finished ? 'finished' : 'running',
      finishedAt: finished ? deps.now().toISOString() : null,
    };
    await store.updateExercise(id, next);
    return view(next, scenario);
  }

  /**
   * The newest exercises, running and finished, latest start first. Exercise incidents are visible to every
   * token (`canSeeMode`), so the list is the same for every caller.
   */
  async function list(limit: number): Promise<ExerciseView[]> {
    const rows = await store.listExercises(limit);
    const views: ExerciseView[] = [];
    for (const row of rows) {
      views.push(await view(row, scenarioOf(row)));
      // PGlite never yields between queries: let other requests in between exercises.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return views;
  }

  async function get(id: string, actor: Actor): Promise<ExerciseView> {
    const { row, scenario } = await load(id, actor);
    return view(row, scenario);
  }

  /**
   * Keeps a move the engine refused on an exercise incident, for the report: `refusal` is what the caller was
   * answered. Only refusals about the move itself (out of turn, out of role, a bad payload, a closed incident),
   * only on an incident the caller may see, and at most MAX_REFUSED_MOVES per exercise.
   */
  async function noteRefusedMove(
    incidentId: string,
    actor: Actor,
    event: string,
    refusal: Refusal,
  ): Promise<void> {
    if (!refusedMoveCodes.has(refusal.code)) return;
    const incident = await engine.loadIncident(incidentId, actor).catch((error: unknown) => {
      if (error instanceof Refusal) return null;
      throw error;
    });
    if (incident?.mode !== 'exercise' || !incident.exerciseId) return;
    await store.recordRefusedMove(
      {
        id: deps.newId(),
        exerciseId: incident.exerciseId,
        at: incident.clockNow ?? incident.createdAt,
        actor: actor.name,
        event: clip(event, 200),
        code: refusal.code,
        reason: clip(refusal.message, 500),
        recordedAt: deps.now().toISOString(),
      },
      MAX_REFUSED_MOVES,
    );
  }

  /** The after-action report so far (or final, once the exercise has ended). */
  async function report(id: string, actor: Actor): Promise<AfterActionReport> {
    const { row, scenario } = await load(id, actor);
    const incident = await engine.getIncident(row.incidentId!, ['admin']);
    const definition = registry.get(incident.playbookId, incident.playbookVersion);
    const loaded = await engine.loadIncident(row.incidentId!);
    const startMs = Date.parse(scenario.clock.start);
    const events = await new ExerciseIncident(engine, row.incidentId!).events();
    return buildReport(
      {
        scenario,
        script: 'facilitated',
        incident,
        events,
        injects: firedInjectsOf(events, startMs),
        refused: (await store.listRefusedMoves(id, MAX_REFUSED_MOVES)).map((move, index) => ({
          index,
          at: move.at,
          as: move.actor,
          event: move.event,
          code: move.code,
          reason: move.reason,
        })),
        startMs,
        endMs: Date.parse(loaded.clockNow ?? loaded.createdAt),
      },
      definition,
    );
  }

  return { start, moveClock, get, list, report, noteRefusedMove };
}

export type ExerciseService = ReturnType<typeof createExerciseService>;

/** How many exercises' parsed scenarios an instance keeps (the oldest goes first). */
const PARSED_SCENARIOS = 200;

/** How many refused moves an exercise keeps: players cannot grow its report without end. */
export const MAX_REFUSED_MOVES = 500;

/** The refusals that are about a player's move, not about the request (a stale version, a rate limit). */
const refusedMoveCodes = new Set<string>([
  'event_not_allowed',
  'forbidden',
  'invalid_request',
  'incident_closed',
]);

/** How long a clock move holds its exercise's clock at most: a crashed mover's hold runs out. */
const CLOCK_MOVE_LEASE_MS = 5 * 60_000;

/** Opens the exercise incident on `engine` and delivers the injects due at the start. */
async function openAtStart(engine: Engine, scenario: Scenario, actor: Actor, exerciseId?: string) {
  const incident = await openExerciseIncident(engine, scenario, actor, exerciseId);
  const injects = new InjectDelivery(engine, scenario, new ExerciseIncident(engine, incident.id));
  await refusedInjectsAsConflicts(() => injects.until(Date.parse(scenario.clock.start)));
  return incident.id;
}

/**
 * Delivers the injects due by `target` on `engine` (those its log does not record as delivered) and moves the
 * incident's clock there, firing the timers due on the way, up to the limit.
 */
async function moveAlong(
  engine: Engine,
  scenario: Scenario,
  incidentId: string,
  target: number,
  limits: ExerciseLimits,
): Promise<void> {
  const max = limits.maxTimersPerMove;
  const budget: FireBudget = {
    left: max,
    refusal: () =>
      new Refusal(
        'invalid_request',
        `a clock move fires at most ${max} timers (HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE), and this one would fire more; move the clock in smaller steps`,
        { limit: 'HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE', max },
      ),
  };
  const incident = new ExerciseIncident(engine, incidentId, budget);
  const injects = new InjectDelivery(engine, scenario, incident);
  await refusedInjectsAsConflicts(() => injects.until(target));
  await incident.moveTo(target);
}

/**
 * What the playbook would refuse whatever its state, found before an exercise writes anything: the incident
 * input, and injects that emit an event the playbook does not have, or with a payload it rejects (times
 * outside the accepted window included).
 */
function checkAgainstPlaybook(scenario: Scenario, definition: PlaybookDefinition, now: Date): void {
  const input = parseOrThrow(definition.inputSchema, scenario.incident.input, 'incident.input');
  checkInstantsIn(definition.inputSchema, input, 'incident.input', now);
  for (const inject of scenario.injects) {
    if (!inject.emits) continue;
    const event = definition.events.find((e) => e.type === inject.emits!.type);
    if (!event) {
      throw new Refusal(
        'invalid_request',
        `inject ${inject.id} emits "${inject.emits.type}", which is not a client event of playbook ${definition.id}`,
        { events: definition.events.map((e) => e.type) },
      );
    }
    const where = `injects.${inject.id}.emits.payload`;
    checkInstantsIn(event.payload, parseOrThrow(event.payload, inject.emits.payload, where), where, now);
  }
}

/** An inject the playbook refuses in the incident's current state is the scenario's conflict, not a crash. */
async function refusedInjectsAsConflicts<T>(deliver: () => Promise<T>): Promise<T> {
  try {
    return await deliver();
  } catch (error) {
    if (error instanceof TabletopError) throw new Refusal('event_not_allowed', error.message);
    throw error;
  }
}
