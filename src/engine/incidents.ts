import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { LRUCache } from 'lru-cache';
import type { AnyMachineSnapshot } from 'xstate';
import type { Actor } from '../playbook-kit';
import { VersionCache } from './changes';
import { EngineError } from './errors';
import { verifyChain } from './hash-chain';
import { type DecideCommand, type Decision, decide, fire, open, timerEventType } from './kernel';
import {
  type ActiveState,
  type AllowedEvent,
  activeStates,
  allowedEvents,
  type PendingTimer,
  publicTimerId,
  restoreSnapshot,
  type StepResult,
} from './machine-runtime';
import { oneAtATimePerKey } from './one-at-a-time';
import { type OverdueItem, overdueItems } from './overdue';
import { mermaidDiagram } from './playbook-diagram';
import { canSeeMode } from './policy';
import type { PlaybookRegistry } from './registry';
import type {
  EventRecord,
  IncidentFilter,
  IncidentMode,
  IncidentRow,
  IncidentStore,
  TimerFiring,
  TimerRow,
} from './types';

export interface EngineDeps {
  store: IncidentStore;
  registry: PlaybookRegistry;
  /** The wall clock, for live incidents and `recorded_at`. */
  now: () => Date;
  newId: () => string;
  /** How often an advance without If-Match re-reads and retries after losing a race. */
  maxRetries?: number;
  /** How many incidents this instance remembers as it last wrote them (default 2000; 0 turns it off). */
  writeCacheSize?: number;
  /** Current versions of incidents, for answering If-None-Match without a query (shared with the change hub). */
  versions?: VersionCache;
  /** Told of every committed write this instance makes, with the events it appended (metrics). */
  onCommitted?: (incident: IncidentRow, events: EventRecord[]) => void;
}

/** The public view of an incident (DESIGN.md section 4). */
export interface IncidentView {
  id: string;
  playbookId: string;
  playbookVersion: number;
  title: string;
  severity: string;
  mode: IncidentMode;
  status: IncidentRow['status'];
  overdue: boolean;
  /** What fell due with its step not done, earliest first (`docs/decisions.md`, the overdue model). */
  overdueItems: OverdueItem[];
  state: unknown;
  active: ActiveState[];
  allowedEvents: AllowedEvent[];
  timers: { id: string; label: string; event: string; dueAt: string }[];
  context: unknown;
  version: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface StartIncidentCommand {
  playbookId: string;
  /** Default: the latest version. */
  playbookVersion?: number;
  title: string;
  severity?: string;
  input?: unknown;
  actor: Actor;
  mode?: IncidentMode;
  /** Exercise incidents: the virtual time they open at (default: now). */
  clockStart?: string;
  /** Exercise incidents: the exercise they belong to. */
  exerciseId?: string;
}

/** An event for an incident: what the kernel decides on, and the precondition the client saw. */
export interface AdvanceCommand extends Omit<DecideCommand, 'requestHash'> {
  incidentId: string;
  /** The version the client saw (`If-Match`); stale → version_mismatch. */
  ifMatch?: number;
}

export interface AppliedEvent {
  row: IncidentRow;
  event: EventRecord;
  /** True when an Idempotency-Key repeat returned the original result. */
  replayed: boolean;
  /** The machine snapshot the event led to, when this call computed it (the view then need not restore it). */
  snapshot?: AnyMachineSnapshot;
}

export interface AdvanceResult extends AppliedEvent {
  incident: IncidentView;
}

export interface SimulationResult {
  state: unknown;
  status: IncidentRow['status'];
  active: ActiveState[];
  timersSet: PendingTimer[];
  timersCancelled: string[];
  effects: StepResult['effects'];
  context: unknown;
}

export type Engine = ReturnType<typeof createEngine>;

/**
 * Incidents as this instance last wrote them, so a write can skip reading the incident first. Only ever a
 * guess: a write on a cached row commits only if the stored version and change_seq still match it.
 */
class WriteCache {
  private readonly rows: LRUCache<string, IncidentRow> | null;

  constructor(size: number) {
    this.rows = size > 0 ? new LRUCache({ max: size }) : null;
  }

  get(id: string): IncidentRow | undefined {
    return this.rows?.get(id);
  }

  remember(row: IncidentRow): IncidentRow {
    if (row.status === 'closed') this.rows?.delete(row.id);
    else this.rows?.set(row.id, row);
    return row;
  }

  forget(id: string): void {
    this.rows?.delete(id);
  }
}

export function createEngine(deps: EngineDeps) {
  const { store, registry } = deps;
  const maxRetries = deps.maxRetries ?? 8;
  const oneWriterPerIncident = oneAtATimePerKey();
  const writeCache = new WriteCache(deps.writeCacheSize ?? 2000);
  const versions = deps.versions ?? new VersionCache();
  const noteVersion = (row: IncidentRow) =>
    versions.note(row.id, { version: row.version, changeSeq: row.changeSeq, mode: row.mode });
  const announce = (incident: IncidentRow, events: EventRecord[]) => {
    noteVersion(incident);
    if (events.length > 0) deps.onCommitted?.(incident, events);
  };

  const incidentNow = (row: Pick<IncidentRow, 'clockNow'>): string =>
    row.clockNow ?? deps.now().toISOString();

  /**
   * Loads an incident; with `actor`, one the actor may not see (see `canSeeMode`) is not found either, with
   * the same answer as a missing id, so a facilitator token cannot even learn that a live incident exists.
   */
  async function loadIncident(id: string, actor?: Actor): Promise<IncidentRow> {
    const row = await store.getIncident(id);
    if (row) noteVersion(row);
    if (!row || (actor && !canSeeMode(actor, row.mode)))
      throw new EngineError('not_found', `no incident ${id}`);
    return row;
  }

  /** The incident as the API shows it to a caller with these roles; `restored`: its snapshot, if at hand. */
  async function view(
    row: IncidentRow,
    callerRoles: readonly string[],
    restored?: AnyMachineSnapshot,
  ): Promise<IncidentView> {
    const definition = registry.get(row.playbookId, row.playbookVersion);
    const snapshot = restored ?? restoreSnapshot(definition, row.snapshot);
    const timers = await store.listTimers(row.id);
    return {
      id: row.id,
      playbookId: row.playbookId,
      playbookVersion: row.playbookVersion,
      title: row.title,
      severity: row.severity,
      mode: row.mode,
      status: row.status,
      overdue: row.overdue,
      overdueItems:
        row.status === 'open'
          ? overdueItems(row.overdueItems, snapshot.context).map((item) => ({
              ...item,
              id: publicTimerId(item.id),
            }))
          : [],
      state: row.state,
      active: row.status === 'open' ? activeStates(definition, snapshot) : [],
      allowedEvents:
        row.status === 'open' ? allowedEvents(definition, snapshot, callerRoles, incidentNow(row)) : [],
      timers: timers
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .map((timer) => ({
          id: publicTimerId(timer.timerId),
          label: timer.label,
          event: timerEventType(timer),
          dueAt: timer.dueAt,
        })),
      context: snapshot.context,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      closedAt: row.closedAt,
    };
  }

  async function startIncident(
    command: StartIncidentCommand,
    callerRoles: readonly string[],
  ): Promise<IncidentView> {
    const definition = registry.get(command.playbookId, command.playbookVersion);
    const mode = command.mode ?? 'live';
    const recordedAt = deps.now().toISOString();
    const write = open(definition, {
      id: deps.newId(),
      title: command.title,
      severity: command.severity,
      input: command.input,
      actor: command.actor,
      mode,
      exerciseId: command.exerciseId ?? null,
      at: mode === 'exercise' && command.clockStart ? new Date(command.clockStart).toISOString() : recordedAt,
      recordedAt,
    });
    const incident = { ...write.incident, changeSeq: await store.insertIncident(write) };
    writeCache.remember(incident);
    announce(incident, [write.event]);
    return view(incident, callerRoles);
  }

  /** Checks an event against the incident as it is now and computes what it writes, writing nothing. */
  function prepare(row: IncidentRow, command: AdvanceCommand, requestHash = ''): Decision {
    const definition = registry.get(row.playbookId, row.playbookVersion);
    return decide(definition, row, { ...command, requestHash }, incidentNow(row), deps.now().toISOString());
  }

  /** Applies an event and returns the rendered incident (what the API answers with). */
  async function advanceIncident(command: AdvanceCommand): Promise<AdvanceResult> {
    const applied = await applyEvent(command);
    return { ...applied, incident: await view(applied.row, command.actor.roles, applied.snapshot) };
  }

  /** Applies an event and returns the stored row and event, without rendering the view. */
  function applyEvent(command: AdvanceCommand): Promise<AppliedEvent> {
    return oneWriterPerIncident(command.incidentId, () => applyEventNow(command));
  }

  async function applyEventNow(command: AdvanceCommand): Promise<AppliedEvent> {
    const requestHash = hashRequest(command);
    const cached = writeCache.get(command.incidentId);
    if (cached) {
      const applied = await applyOnCachedRow(cached, command, requestHash);
      if (applied) return applied;
      writeCache.forget(command.incidentId);
    }
    for (let attempt = 0; ; attempt++) {
      const row = await loadIncident(command.incidentId, command.actor);
      if (command.idempotencyKey) {
        const earlier = await store.findEventByIdempotencyKey(row.id, command.idempotencyKey);
        if (earlier) return replay(row, earlier, requestHash, command);
      }
      if (command.ifMatch !== undefined && command.ifMatch !== row.version) {
        throw versionMismatch(row.version, command.ifMatch);
      }
      const decision = prepare(row, command, requestHash);
      const outcome = await store.commitAdvance(row, decision.write);
      if (outcome.status === 'committed') return committed(decision, outcome.changeSeq);
      if (command.ifMatch !== undefined && outcome.status === 'version_conflict') {
        const latest = await loadIncident(row.id);
        throw versionMismatch(latest.version, command.ifMatch);
      }
      if (attempt >= maxRetries) {
        throw new EngineError(
          'version_mismatch',
          `incident ${row.id} kept changing while this event was applied; read it again and retry`,
          { attempts: attempt + 1 },
        );
      }
      // Lost a race (or a concurrent repeat of the same Idempotency-Key won): re-read and try again.
      await sleep(Math.random() * 5 * (attempt + 1));
    }
  }

  /**
   * The advance without reading the incident first: the write is computed on the row as this instance last
   * wrote it, and the commit's version and change_seq predicate proves it still current. On any doubt (the
   * row changed elsewhere, a refusal, an Idempotency-Key seen before) it gives up and the caller re-reads, so
   * every answer other than success comes from the stored incident.
   */
  async function applyOnCachedRow(
    row: IncidentRow,
    command: AdvanceCommand,
    requestHash: string,
  ): Promise<AppliedEvent | null> {
    if (!canSeeMode(command.actor, row.mode)) return null;
    if (command.ifMatch !== undefined && command.ifMatch !== row.version) return null;
    if (command.idempotencyKey && (await store.findEventByIdempotencyKey(row.id, command.idempotencyKey))) {
      return null;
    }
    let decision: Decision;
    try {
      decision = prepare(row, command, requestHash);
    } catch (error) {
      if (error instanceof EngineError) return null;
      throw error;
    }
    const outcome = await store.commitAdvance(row, decision.write);
    return outcome.status === 'committed' ? committed(decision, outcome.changeSeq) : null;
  }

  function committed({ write, result }: Decision, changeSeq: number): AppliedEvent {
    const row = { ...write.incident, changeSeq };
    writeCache.remember(row);
    announce(row, [write.event]);
    return { row, event: write.event, replayed: false, snapshot: result.snapshot };
  }

  function replay(
    row: IncidentRow,
    earlier: EventRecord,
    requestHash: string,
    command: AdvanceCommand,
  ): AppliedEvent {
    if (earlier.requestHash !== requestHash) {
      throw new EngineError(
        'idempotency_conflict',
        `Idempotency-Key "${command.idempotencyKey}" was already used with a different request (event seq ${earlier.seq})`,
        { seq: earlier.seq },
      );
    }
    return { row, event: earlier, replayed: true };
  }

  async function simulate(command: AdvanceCommand): Promise<SimulationResult> {
    const row = await loadIncident(command.incidentId, command.actor);
    const definition = registry.get(row.playbookId, row.playbookVersion);
    const { result } = prepare(row, command);
    return {
      state: result.snapshot.value,
      status: result.snapshot.status === 'done' ? 'closed' : 'open',
      active: activeStates(definition, result.snapshot),
      timersSet: result.timers.add.map((timer) => ({
        ...timer,
        timerId: publicTimerId(timer.timerId),
        event: { ...timer.event, type: timerEventType(timer) },
      })),
      timersCancelled: result.timers.remove.map(publicTimerId),
      effects: result.effects,
      context: result.snapshot.context,
    };
  }

  /** The firing of due timers up to `horizon`; `fired` keeps what it computed, announced once committed. */
  const fireUntil =
    (horizon: string, fired: TimerFiring[] = []) =>
    (row: IncidentRow, due: TimerRow[]) => {
      const firing = fire(
        registry.get(row.playbookId, row.playbookVersion),
        row,
        due,
        horizon,
        deps.now().toISOString(),
      );
      fired.push(firing);
      return firing;
    };

  /**
   * Fires every live timer due now, incident by incident; returns how many incidents it touched.
   * `lanes` loops run at once: SKIP LOCKED hands each a different incident, so they never collide.
   */
  async function fireDueTimers(lanes = 4): Promise<number> {
    const lane = async () => {
      let touched = 0;
      for (;;) {
        const now = deps.now().toISOString();
        const fired: TimerFiring[] = [];
        if (!(await store.fireNextDue(now, fireUntil(now, fired)))) return touched;
        for (const firing of fired) announce(firing.incident, firing.events);
        touched++;
      }
    };
    const counts = await Promise.all(Array.from({ length: lanes }, lane));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Moves an exercise incident's virtual clock to `to`, firing its timers due by then in order, each at
   * its own due time. Live incidents run on the wall clock and cannot be moved.
   */
  async function advanceClock(incidentId: string, to: string): Promise<IncidentView> {
    return view(await moveClock(incidentId, to), []);
  }

  /** `advanceClock` without rendering the view: the moved row. */
  async function moveClock(incidentId: string, to: string): Promise<IncidentRow> {
    const cached = writeCache.get(incidentId);
    if (cached) {
      const target = checkClockMove(cached, to);
      const changeSeq = await store.moveClockQuietly(incidentId, cached.changeSeq, target);
      if (changeSeq !== null) {
        const row = { ...cached, clockNow: target, changeSeq };
        noteVersion(row);
        return writeCache.remember(row);
      }
    }
    const row = await loadIncident(incidentId);
    const target = checkClockMove(row, to);
    const fired: TimerFiring[] = [];
    const moved = await store.advanceClock(incidentId, target, fireUntil(target, fired));
    if (!moved) throw new EngineError('not_found', `no incident ${incidentId}`);
    for (const firing of fired) announce(moved, firing.events);
    noteVersion(moved);
    return writeCache.remember(moved);
  }

  async function getIncident(id: string, callerRoles: readonly string[]): Promise<IncidentView> {
    return view(await loadIncident(id), callerRoles);
  }

  async function listIncidents(filter: IncidentFilter): Promise<IncidentRow[]> {
    return store.listIncidents(filter);
  }

  async function listEvents(
    incidentId: string,
    after: number,
    limit: number,
    actor?: Actor,
  ): Promise<EventRecord[]> {
    // Whether it exists and who may see it never change, so the write cache answers as well as a read.
    const known = writeCache.get(incidentId);
    if (!known || (actor && !canSeeMode(actor, known.mode))) await loadIncident(incidentId, actor);
    return store.listEvents(incidentId, after, limit);
  }

  /** The playbook's Mermaid diagram with the incident's active states marked; the incident must run `playbookId`. */
  async function incidentDiagram(playbookId: string, incidentId: string, actor?: Actor): Promise<string> {
    const row = await loadIncident(incidentId, actor);
    if (row.playbookId !== playbookId) {
      throw new EngineError(
        'invalid_request',
        `incident ${incidentId} runs playbook ${row.playbookId}, not ${playbookId}`,
      );
    }
    const definition = registry.get(row.playbookId, row.playbookVersion);
    const active =
      row.status === 'open' ? activeStates(definition, restoreSnapshot(definition, row.snapshot)) : [];
    return mermaidDiagram(definition, { active: active.map((state) => state.path) });
  }

  async function verifyIncident(incidentId: string, actor?: Actor) {
    const row = await loadIncident(incidentId, actor);
    const events: EventRecord[] = [];
    for (let after = 0; ; ) {
      const page = await store.listEvents(incidentId, after, 1000);
      events.push(...page);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.seq;
    }
    return verifyChain(events, row.headHash, row.version);
  }

  return {
    startIncident,
    advanceIncident,
    applyEvent,
    simulate,
    getIncident,
    incidentView: view,
    listIncidents,
    listEvents,
    verifyIncident,
    incidentDiagram,
    loadIncident,
    fireDueTimers,
    advanceClock,
    moveClock,
    nextTimerDue: () => store.nextDueAt(),
    /** The incident's current version as this instance knows it without a query, if it does. */
    knownVersion: (id: string) => versions.get(id),
    openIncidentCounts: () => store.countOpenIncidents(),
  };
}

/** Refuses a clock move the incident cannot make; returns the target time in ISO 8601. */
function checkClockMove(row: IncidentRow, to: string): string {
  if (row.mode !== 'exercise') {
    throw new EngineError(
      'invalid_request',
      `incident ${row.id} is live; only exercise incidents have a movable clock`,
    );
  }
  if (Number.isNaN(Date.parse(to))) throw new EngineError('invalid_request', `"${to}" is not a time`);
  if (row.clockNow && Date.parse(to) < Date.parse(row.clockNow)) {
    throw new EngineError(
      'invalid_request',
      `the exercise clock is at ${row.clockNow}; it only moves forward`,
    );
  }
  return new Date(to).toISOString();
}

function hashRequest(command: AdvanceCommand): string {
  const canonical = canonicalize({
    type: command.type,
    payload: command.payload ?? {},
    note: command.note ?? null,
    ...(command.occurredAt === undefined ? {} : { occurredAt: command.occurredAt }),
  });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}

function versionMismatch(current: number, expected: number): EngineError {
  return new EngineError(
    'version_mismatch',
    `If-Match expected version ${expected} but the incident is at version ${current}`,
    { currentVersion: current },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
