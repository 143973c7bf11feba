import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AnyMachineSnapshot } from 'xstate';
import { Refusal } from '../errors';
import { type DecideCommand, type Decision, decide, timerEventType } from '../kernel';
import {
  type ActiveState,
  activeStates,
  type PendingTimer,
  publicTimerId,
  type StepResult,
} from '../machine-runtime';
import { oneAtATimePerKey } from '../one-at-a-time';
import { canSeeMode } from '../policy';
import type { EventRecord, IncidentRow } from '../types';
import type { UseCaseContext } from './context';
import type { IncidentView, views } from './views';

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
  function prepare(row: IncidentRow, command: AdvanceCommand, requestHash = ''): Decision {
    return decide(
      ctx.definitionOf(row),
      row,
      { ...command, requestHash },
      ctx.incidentNow(row),
      ctx.wallNow(),
      ctx.limits,
    );
  }

  /** Applies an event and returns the rendered incident (what the API answers with). */
  async function advanceIncident(command: AdvanceCommand): Promise<AdvanceResult> {
    const applied = await applyEvent(command);
    return { ...applied, incident: await incidentView(applied.row, command.actor.roles, applied.snapshot) };
  }

  /** Applies an event and returns the stored row and event, without rendering the view. */
  function applyEvent(command: AdvanceCommand): Promise<AppliedEvent> {
    return oneWriterPerIncident(command.incidentId, () => applyEventNow(command));
  }

  async function applyEventNow(sent: AdvanceCommand): Promise<AppliedEvent> {
    const command = { ...sent, idempotencyKey: storedKey(sent) };
    const requestHash = hashRequest(command);
    const cached = writeCache.get(command.incidentId);
    if (cached) {
      const applied = await applyOnCachedRow(cached, command, requestHash);
      if (applied) return applied;
      writeCache.forget(command.incidentId);
    }
    for (let attempt = 0; ; attempt++) {
      const row = await ctx.loadIncident(command.incidentId, command.actor);
      if (command.idempotencyKey) {
        const earlier = await store.findEventByIdempotencyKey(row.id, command.idempotencyKey);
        if (earlier) return replay(row, earlier, requestHash, command);
      }
      if (command.ifMatch !== undefined && command.ifMatch !== row.version) {
        throw versionMismatch(row.version, command.ifMatch);
      }
      const decision = prepare(row, command, requestHash);
      const outcome = await commit(row, decision);
      if (outcome.status === 'committed') return committed(decision, outcome.changeSeq);
      if (command.ifMatch !== undefined && outcome.status === 'version_conflict') {
        const latest = await ctx.loadIncident(row.id);
        throw versionMismatch(latest.version, command.ifMatch);
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
      if (error instanceof Refusal) return null;
      throw error;
    }
    const outcome = await commit(row, decision);
    return outcome.status === 'committed' ? committed(decision, outcome.changeSeq) : null;
  }

  /** Stores the decision's write, with the signed checkpoint of its new head, if the row is still current. */
  function commit(row: IncidentRow, { write, result }: Decision) {
    const effects = result.effects.map((effect) => ({ ...effect, at: write.event.occurredAt }));
    return store.commitAdvance(row, {
      ...write,
      checkpoint: ctx.seal(write.incident),
      outbox: ctx.outbox(row, write.incident, [write.event], effects),
    });
  }

  function committed({ write, result }: Decision, changeSeq: number): AppliedEvent {
    const row = { ...write.incident, changeSeq };
    writeCache.remember(row);
    ctx.announce(row, [write.event]);
    return { row, event: write.event, replayed: false, snapshot: result.snapshot };
  }

  function replay(
    row: IncidentRow,
    earlier: EventRecord,
    requestHash: string,
    command: AdvanceCommand,
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
    const { result } = prepare(row, command);
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

  return { advanceIncident, applyEvent, simulate };
}

/**
 * An Idempotency-Key belongs to the principal that sent it: stored as `<principal id>:<key>`, so another
 * principal's repeat of it is a request of its own, authorized and decided as such.
 */
function storedKey({ actor, idempotencyKey }: AdvanceCommand): string | undefined {
  return idempotencyKey === undefined ? undefined : `${actor.id}:${idempotencyKey}`;
}

const sentKey = ({ actor, idempotencyKey }: AdvanceCommand) => idempotencyKey?.slice(actor.id.length + 1);

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

function versionMismatch(current: number, expected: number): Refusal {
  return new Refusal(
    'version_mismatch',
    `If-Match expected version ${expected} but the incident is at version ${current}`,
    { currentVersion: current },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
