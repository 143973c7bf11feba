import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AnyMachineSnapshot } from 'xstate';
import type { Actor } from '../../playbook-kit';
import { Refusal } from '../errors';
import { type DecideCommand, decide, type LogOnlyEventType, record, timerEventType } from '../kernel';
import {
  type ActiveState,
  activeStates,
  type PendingTimer,
  publicTimerId,
  type StepResult,
} from '../machine-runtime';
import { oneAtATimePerKey } from '../one-at-a-time';
import { canSeeMode } from '../policy';
import type { EventRecord, EventSource, IncidentRow, IncidentWrite } from '../types';
import type { UseCaseContext } from './context';
import type { IncidentView, views } from './views';

/** An event for an incident: what the kernel decides on, and the precondition the client saw. */
export interface AdvanceCommand extends Omit<DecideCommand, 'requestHash'> {
  incidentId: string;
  /** The version the client saw (`If-Match`); stale → version_mismatch. */
  ifMatch?: number;
}

/** A fact for an exercise incident's log that its playbook does not see (e.g. an inject delivered). */
export interface RecordFactCommand {
  incidentId: string;
  type: LogOnlyEventType;
  payload: Record<string, unknown>;
  actor: Actor;
  source: EventSource;
  /** A repeat with the same key answers with the event first recorded. */
  idempotencyKey?: string;
}

/** What a command writes, and the machine's step when it moved. */
interface Prepared {
  write: IncidentWrite;
  result?: StepResult;
}

type Prepare<C> = (row: IncidentRow, command: C, requestHash: string) => Prepared;

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

/**
 * Advancing an incident by one event: one writer per incident in this instance, the write cache first, then
 * read, decide, commit guarded by version and change_seq, and retry on a lost race; Idempotency-Key repeats
 * answer with the original event.
 */
export function advance(ctx: UseCaseContext, { incidentView }: ReturnType<typeof views>) {
  const { store, writeCache } = ctx;
  const maxRetries = ctx.deps.maxRetries ?? 8;
  const oneWriterPerIncident = oneAtATimePerKey();

  /** Checks an event against the incident as it is now and computes what it writes, writing nothing. */
  const prepare: Prepare<AdvanceCommand> = (row, command, requestHash) => {
    const decision = decide(
      ctx.definitionOf(row),
      row,
      { ...command, requestHash },
      ctx.incidentNow(row),
      ctx.wallNow(),
      ctx.limits,
    );
    return { ...decision, write: ctx.withReminders(decision.write) };
  };

  const prepareFact: Prepare<RecordFactCommand> = (row, command, requestHash) => ({
    write: record(row, { ...command, requestHash }, ctx.incidentNow(row), ctx.wallNow()),
  });

  /** Applies an event and returns the rendered incident (what the API answers with). */
  async function advanceIncident(command: AdvanceCommand): Promise<AdvanceResult> {
    const applied = await applyEvent(command);
    return { ...applied, incident: await incidentView(applied.row, command.actor.roles, applied.snapshot) };
  }

  /** Applies an event and returns the stored row and event, without rendering the view. */
  function applyEvent(command: AdvanceCommand): Promise<AppliedEvent> {
    return oneWriterPerIncident(command.incidentId, () => applyNow(command, prepare));
  }

  /** Records a fact in an exercise incident's log, with the same one-writer, retry and idempotency rules. */
  function recordFact(command: RecordFactCommand): Promise<AppliedEvent> {
    return oneWriterPerIncident(command.incidentId, () => applyNow(command, prepareFact));
  }

  async function applyNow<C extends AdvanceCommand | RecordFactCommand>(
    sent: C,
    prepareOn: Prepare<C>,
  ): Promise<AppliedEvent> {
    const command = { ...sent, idempotencyKey: storedKey(sent) };
    const requestHash = hashRequest(command);
    const cached = writeCache.get(command.incidentId);
    if (cached) {
      const applied = await applyOnCachedRow(cached, command, requestHash, prepareOn);
      if (applied) return applied;
      writeCache.forget(command.incidentId);
    }
    for (let attempt = 0; ; attempt++) {
      const row = await ctx.loadIncident(command.incidentId, command.actor);
      if (command.idempotencyKey) {
        const earlier = await store.findEventByIdempotencyKey(row.id, command.idempotencyKey);
        if (earlier) return replay(row, earlier, requestHash, command);
      }
      const ifMatch = ifMatchOf(command);
      if (ifMatch !== undefined && ifMatch !== row.version) throw versionMismatch(row.version, ifMatch);
      const prepared = prepareOn(row, command, requestHash);
      const outcome = await commit(row, prepared);
      if (outcome.status === 'committed') return committed(prepared, outcome.changeSeq);
      if (ifMatch !== undefined && outcome.status === 'version_conflict') {
        const latest = await ctx.loadIncident(row.id);
        throw versionMismatch(latest.version, ifMatch);
      }
      if (attempt >= maxRetries) {
        throw new Refusal(
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
  async function applyOnCachedRow<C extends AdvanceCommand | RecordFactCommand>(
    row: IncidentRow,
    command: C,
    requestHash: string,
    prepareOn: Prepare<C>,
  ): Promise<AppliedEvent | null> {
    if (!canSeeMode(command.actor, row.mode)) return null;
    const ifMatch = ifMatchOf(command);
    if (ifMatch !== undefined && ifMatch !== row.version) return null;
    if (command.idempotencyKey && (await store.findEventByIdempotencyKey(row.id, command.idempotencyKey))) {
      return null;
    }
    let prepared: Prepared;
    try {
      prepared = prepareOn(row, command, requestHash);
    } catch (error) {
      if (error instanceof Refusal) return null;
      throw error;
    }
    const outcome = await commit(row, prepared);
    return outcome.status === 'committed' ? committed(prepared, outcome.changeSeq) : null;
  }

  /** Stores the write, its outbox messages and the signed checkpoint of its new head, if the row is still current. */
  function commit(row: IncidentRow, { write, result }: Prepared) {
    const effects = (result?.effects ?? []).map((effect) => ({ ...effect, at: write.event.occurredAt }));
    return store.commitAdvance(row, {
      ...write,
      checkpoint: ctx.seal(write.incident),
      outbox: ctx.outbox(row, write.incident, [write.event], effects),
    });
  }

  function committed({ write, result }: Prepared, changeSeq: number): AppliedEvent {
    const row = { ...write.incident, changeSeq };
    writeCache.remember(row);
    ctx.announce(row, [write.event]);
    return { row, event: write.event, replayed: false, snapshot: result?.snapshot };
  }

  function replay(
    row: IncidentRow,
    earlier: EventRecord,
    requestHash: string,
    command: AdvanceCommand | RecordFactCommand,
  ): AppliedEvent {
    if (earlier.requestHash !== requestHash) {
      throw new Refusal(
        'idempotency_conflict',
        `Idempotency-Key "${sentKey(command)}" was already used with a different request (event seq ${earlier.seq})`,
        { seq: earlier.seq },
      );
    }
    return { row, event: earlier, replayed: true };
  }

  /** What the event would do, computed on the stored incident and written nowhere. */
  async function simulate(command: AdvanceCommand): Promise<SimulationResult> {
    const row = await ctx.loadIncident(command.incidentId, command.actor);
    const result = prepare(row, command, '').result!;
    return {
      state: result.snapshot.value,
      status: result.snapshot.status === 'done' ? 'closed' : 'open',
      active: activeStates(ctx.definitionOf(row), result.snapshot),
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

  return { advanceIncident, applyEvent, recordFact, simulate };
}

/**
 * An Idempotency-Key belongs to the principal that sent it: stored as `<principal id>:<key>`, so another
 * principal's repeat of it is a request of its own, authorized and decided as such.
 */
function storedKey({ actor, idempotencyKey }: AdvanceCommand | RecordFactCommand): string | undefined {
  return idempotencyKey === undefined ? undefined : `${actor.id}:${idempotencyKey}`;
}

const sentKey = ({ actor, idempotencyKey }: AdvanceCommand | RecordFactCommand) =>
  idempotencyKey?.slice(actor.id.length + 1);

const ifMatchOf = (command: AdvanceCommand | RecordFactCommand) =>
  'ifMatch' in command ? command.ifMatch : undefined;

function hashRequest(command: AdvanceCommand | RecordFactCommand): string {
  const note = 'note' in command ? command.note : null;
  const occurredAt = 'occurredAt' in command ? command.occurredAt : undefined;
  const canonical = canonicalize({
    type: command.type,
    payload: command.payload ?? {},
    note: note ?? null,
    ...(occurredAt === undefined ? {} : { occurredAt }),
  });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}

function versionMismatch(current: number, expected: number): Refusal {
  return new Refusal(
    'version_mismatch',
    `If-Match expected version ${expected} but the incident is at version ${current}`,
    { currentVersion: current },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
