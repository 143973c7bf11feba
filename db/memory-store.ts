import type { Checkpoint } from '../src/engine/checkpoints';
import type {
  CommitResult,
  EventRecord,
  ExerciseRow,
  ExerciseStore,
  IncidentFilter,
  IncidentMode,
  IncidentPick,
  IncidentRow,
  IncidentStore,
  IncidentWrite,
  LockedIncident,
  OutboxMessage,
  PrincipalRecord,
  RefusedMoveRecord,
  Sealed,
  TimerFiring,
  TimerRow,
  TokenIssue,
  TokenRecord,
  TokenStore,
} from '../src/engine/types';

/**
 * The stores of `db/store.ts` kept in memory, for one process: the same ports with the same results, so the
 * engine runs on them in tests without a database. Rows are stored the way Postgres would return them
 * (timestamps as ISO 8601 with milliseconds, json values round-tripped through JSON, missing nullable
 * columns as null) and copied on the way in and out, so no caller can change what is stored.
 */

/** A unique constraint refused a row: the error Postgres reports as SQLSTATE 23505. */
export class UniqueViolation extends Error {
  readonly code = '23505';
}

interface StoredTimer extends TimerRow {
  /** The incident was live when the timer was first armed (the `timers.live` column). */
  live: boolean;
}

interface StoredToken extends TokenRecord {
  tokenHash: string;
}

interface StoredExercise extends ExerciseRow {
  clockMoveBy: string | null;
  clockMoveUntil: string | null;
}

/**
 * The tables of one in-memory database. Every store built on it shares them, as instances share a database,
 * and every operation runs alone, one after the other, as if it were a transaction of its own.
 */
export class MemoryDatabase {
  readonly incidents = new Map<string, IncidentRow>();
  readonly events = new Map<string, EventRecord[]>();
  /** Checkpoints by incident, in seq order. */
  readonly checkpoints = new Map<string, Checkpoint[]>();
  /** Timers by incident, then by timer id. */
  readonly timers = new Map<string, Map<string, StoredTimer>>();
  readonly tokens = new Map<string, StoredToken>();
  /** Principals by name key. */
  readonly principals = new Map<string, PrincipalRecord>();
  readonly exercises = new Map<string, StoredExercise>();
  /** Outbox messages by incident, in the order written. */
  readonly outbox = new Map<string, OutboxMessage[]>();
  /** Refused moves by exercise. */
  readonly refusedMoves = new Map<string, RefusedMoveRecord[]>();
  /** `incident_change_seq`: one counter for every write to an incident and every event. */
  private changeSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  nextChangeSeq(): number {
    this.changeSeq += 1;
    return this.changeSeq;
  }

  /** Runs `work` once every operation queued before it has finished. */
  transaction<T>(work: () => T): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** An incident's timers, in no particular order. */
  timersOf(incidentId: string): StoredTimer[] {
    return [...(this.timers.get(incidentId)?.values() ?? [])];
  }

  /** An incident's timer table to write to, created on first use. */
  timerTable(incidentId: string): Map<string, StoredTimer> {
    let table = this.timers.get(incidentId);
    if (!table) {
      table = new Map();
      this.timers.set(incidentId, table);
    }
    return table;
  }
}

/** `timestamptz(3)`: any ISO 8601 string in, milliseconds in UTC out. */
const timestamp = (value: string): string => new Date(value).toISOString();
const timestampOrNull = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : timestamp(value);
const millis = (value: string): number => Date.parse(value);
/** `jsonb`: what JSON can say, nothing more. */
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const copy = <T>(value: T): T => structuredClone(value);

const storedIncident = (row: IncidentRow, changeSeq: number): IncidentRow => ({
  id: row.id,
  playbookId: row.playbookId,
  playbookVersion: row.playbookVersion,
  title: row.title,
  severity: row.severity,
  mode: row.mode,
  exerciseId: row.exerciseId ?? null,
  status: row.status,
  overdue: row.overdue ?? false,
  overdueItems: json(row.overdueItems ?? []),
  state: json(row.state),
  snapshot: json(row.snapshot),
  version: row.version,
  changeSeq,
  headHash: row.headHash,
  clockNow: timestampOrNull(row.clockNow),
  lastOccurredAt: timestampOrNull(row.lastOccurredAt),
  createdAt: timestamp(row.createdAt),
  updatedAt: timestamp(row.updatedAt),
  closedAt: timestampOrNull(row.closedAt),
});

const storedEvent = (event: EventRecord): EventRecord => ({
  incidentId: event.incidentId,
  seq: event.seq,
  type: event.type,
  payload: json(event.payload),
  actor: event.actor,
  actorId: event.actorId ?? null,
  source: event.source,
  occurredAt: timestamp(event.occurredAt),
  recordedAt: timestamp(event.recordedAt),
  stateAfter: json(event.stateAfter),
  note: event.note ?? null,
  idempotencyKey: event.idempotencyKey ?? null,
  requestHash: event.requestHash ?? null,
  prevHash: event.prevHash,
  hash: event.hash,
});

const storedCheckpoint = (checkpoint: Checkpoint): Checkpoint => ({
  ...copy(checkpoint),
  signedAt: timestamp(checkpoint.signedAt),
});

const storedMessage = (message: OutboxMessage): OutboxMessage => ({
  ...json(message),
  createdAt: timestamp(message.createdAt),
});

const storedTimer = (incidentId: string, timer: TimerRow, live: boolean): StoredTimer => ({
  incidentId,
  timerId: timer.timerId,
  event: json(timer.event),
  label: timer.label,
  dueAt: timestamp(timer.dueAt),
  live,
});

const timerRow = ({ live: _live, ...timer }: StoredTimer): TimerRow => copy(timer);

/** due_at, then timer_id: the order timers fire in. */
const byDue = (a: TimerRow, b: TimerRow) =>
  millis(a.dueAt) - millis(b.dueAt) || (a.timerId < b.timerId ? -1 : a.timerId > b.timerId ? 1 : 0);

export class MemoryIncidentStore implements IncidentStore {
  constructor(private readonly data = new MemoryDatabase()) {}

  insertIncident(write: IncidentWrite & Sealed): Promise<number> {
    return this.data.transaction(() => {
      const { incident } = write;
      const ids = write.timersToAdd.map((timer) => timer.timerId);
      if (this.data.incidents.has(incident.id) || new Set(ids).size < ids.length)
        throw new UniqueViolation(`incident ${incident.id} or one of its timers repeats a key`);
      const live = incident.mode === 'live';
      const timers = write.timersToAdd.map((timer) => storedTimer(incident.id, timer, live));
      const event = storedEvent(write.event);
      const changeSeq = this.data.nextChangeSeq();
      this.data.incidents.set(incident.id, storedIncident(incident, changeSeq));
      this.data.events.set(incident.id, [event]);
      this.data.checkpoints.set(incident.id, write.checkpoint ? [storedCheckpoint(write.checkpoint)] : []);
      this.data.outbox.set(incident.id, write.outbox.map(storedMessage));
      this.data.nextChangeSeq(); // the event's own change_seq
      const table = this.data.timerTable(incident.id);
      for (const timer of timers) table.set(timer.timerId, timer);
      return changeSeq;
    });
  }

  async commitAdvance(
    expected: Pick<IncidentRow, 'version' | 'changeSeq'>,
    write: IncidentWrite & Sealed,
  ): Promise<CommitResult> {
    try {
      const changeSeq = await this.data.transaction(() =>
        this.advance(expected, { ...write, events: [write.event] }),
      );
      return changeSeq === null ? { status: 'version_conflict' } : { status: 'committed', changeSeq };
    } catch (error) {
      if (error instanceof UniqueViolation) return { status: 'idempotency_conflict' };
      throw error;
    }
  }

  withLockedIncident(
    pick: IncidentPick,
    work: (locked: LockedIncident) => TimerFiring & Sealed,
  ): Promise<IncidentRow | null> {
    return this.data.transaction(() => {
      const incidentId = 'id' in pick ? pick.id : this.earliestDue(pick.dueBy);
      const stored = incidentId === null ? undefined : this.data.incidents.get(incidentId);
      if (!stored) return null;
      const before = copy(stored);
      const by = millis(pick.dueBy);
      const due = this.data
        .timersOf(before.id)
        .filter((timer) => millis(timer.dueAt) <= by)
        .sort(byDue)
        .map(timerRow);
      return this.writeFiring(before, work({ incident: copy(before), due }));
    });
  }

  /** The open incident with the earliest live timer due by `dueBy` (every operation runs alone: none is locked). */
  private earliestDue(dueBy: string): string | null {
    const at = millis(dueBy);
    let picked: { incidentId: string; dueAt: number } | null = null;
    for (const [incidentId, table] of this.data.timers) {
      if (this.data.incidents.get(incidentId)?.status !== 'open') continue;
      for (const timer of table.values()) {
        const dueAt = millis(timer.dueAt);
        if (timer.live && dueAt <= at && (!picked || dueAt < picked.dueAt)) picked = { incidentId, dueAt };
      }
    }
    return picked?.incidentId ?? null;
  }

  moveClockQuietly(incidentId: string, expectedChangeSeq: number, to: string): Promise<number | null> {
    return this.data.transaction(() => {
      const incident = this.data.incidents.get(incidentId);
      if (!incident || incident.changeSeq !== expectedChangeSeq) return null;
      const by = millis(to);
      for (const timer of this.data.timersOf(incidentId)) if (millis(timer.dueAt) <= by) return null;
      incident.clockNow = timestamp(to);
      incident.changeSeq = this.data.nextChangeSeq();
      return incident.changeSeq;
    });
  }

  countOpenIncidents(): Promise<{ playbookId: string; mode: IncidentMode; count: number }[]> {
    return this.data.transaction(() => {
      const counts = new Map<string, { playbookId: string; mode: IncidentMode; count: number }>();
      for (const { playbookId, mode, status } of this.data.incidents.values()) {
        if (status !== 'open') continue;
        const key = JSON.stringify([playbookId, mode]);
        const group = counts.get(key) ?? { playbookId, mode, count: 0 };
        group.count += 1;
        counts.set(key, group);
      }
      return [...counts.values()];
    });
  }

  nextDueAt(): Promise<string | null> {
    return this.data.transaction(() => {
      let next: string | null = null;
      for (const table of this.data.timers.values()) {
        for (const timer of table.values()) {
          if (timer.live && (next === null || millis(timer.dueAt) < millis(next))) next = timer.dueAt;
        }
      }
      return next;
    });
  }

  getIncident(id: string, mode?: IncidentMode): Promise<IncidentRow | null> {
    return this.data.transaction(() => {
      const incident = this.data.incidents.get(id);
      return incident && (mode === undefined || incident.mode === mode) ? copy(incident) : null;
    });
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentRow[]> {
    return this.data.transaction(() =>
      [...this.data.incidents.values()]
        .filter(
          (row) =>
            (!filter.status || row.status === filter.status) &&
            (!filter.playbookId || row.playbookId === filter.playbookId) &&
            (!filter.mode || row.mode === filter.mode) &&
            (filter.overdue === undefined || row.overdue === filter.overdue),
        )
        .sort((a, b) => millis(b.createdAt) - millis(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, filter.limit)
        .map(copy),
    );
  }

  listEvents(incidentId: string, after: number, limit: number): Promise<EventRecord[]> {
    return this.data.transaction(() =>
      (this.data.events.get(incidentId) ?? [])
        .filter((event) => event.seq > after)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
        .map(copy),
    );
  }

  findEventByIdempotencyKey(incidentId: string, key: string): Promise<EventRecord | null> {
    return this.data.transaction(() => {
      const event = (this.data.events.get(incidentId) ?? []).find((e) => e.idempotencyKey === key);
      return event ? copy(event) : null;
    });
  }

  listCheckpoints(incidentId: string): Promise<Checkpoint[]> {
    return this.data.transaction(() => (this.data.checkpoints.get(incidentId) ?? []).map(copy));
  }

  listTimers(incidentId: string): Promise<TimerRow[]> {
    return this.data.transaction(() => this.data.timersOf(incidentId).sort(byDue).map(timerRow));
  }

  listOutboxMessages(incidentId: string): Promise<OutboxMessage[]> {
    return this.data.transaction(() =>
      (this.data.outbox.get(incidentId) ?? []).map(copy).sort((a, b) => a.seq - b.seq),
    );
  }

  /**
   * `advanceStatement` of db/store.ts: if the incident is still at `expected`, updates it, appends the
   * events and applies the timer changes; resolves to the new change_seq, or null when the guard failed.
   * A repeated Idempotency-Key (or seq) throws UniqueViolation. Everything is computed before anything is
   * changed, so a write that throws changes nothing.
   */
  private advance(
    expected: Pick<IncidentRow, 'version' | 'changeSeq'>,
    write: Omit<IncidentWrite, 'event'> & { events: EventRecord[] } & Sealed,
  ): number | null {
    const { incident } = write;
    const stored = this.data.incidents.get(incident.id);
    if (!stored || stored.version !== expected.version || stored.changeSeq !== expected.changeSeq)
      return null;
    const seen = [...(this.data.events.get(incident.id) ?? [])];
    for (const event of write.events) {
      const clash = seen.some(
        (other) =>
          other.seq === event.seq ||
          (event.idempotencyKey != null && other.idempotencyKey === event.idempotencyKey),
      );
      if (clash) throw new UniqueViolation(`event ${event.seq} of ${incident.id} repeats a unique key`);
      seen.push(storedEvent(event));
    }

    const changed = {
      status: incident.status,
      overdue: incident.overdue,
      overdueItems: json(incident.overdueItems),
      state: json(incident.state),
      snapshot: json(incident.snapshot),
      version: incident.version,
      headHash: incident.headHash,
      updatedAt: timestamp(incident.updatedAt),
      closedAt: timestampOrNull(incident.closedAt),
      lastOccurredAt: timestampOrNull(incident.lastOccurredAt),
    };
    this.writeTimers(incident, write.timersToAdd, write.timerIdsToRemove);
    const changeSeq = this.data.nextChangeSeq();
    Object.assign(stored, changed, { changeSeq });
    for (const _event of write.events) this.data.nextChangeSeq(); // each event's own change_seq
    this.data.events.set(incident.id, seen);
    if (write.checkpoint) {
      const checkpoints = this.data.checkpoints.get(incident.id) ?? [];
      this.data.checkpoints.set(incident.id, [...checkpoints, storedCheckpoint(write.checkpoint)]);
    }
    const outbox = this.data.outbox.get(incident.id) ?? [];
    this.data.outbox.set(incident.id, [...outbox, ...write.outbox.map(storedMessage)]);
    return changeSeq;
  }

  /**
   * Timer rows follow the incident: a closed incident keeps none; re-arming an id replaces its row (an id
   * both removed and re-armed is re-armed); a replaced row keeps its `live` flag, like the upsert.
   */
  private writeTimers(incident: IncidentRow, add: TimerRow[], remove: string[]): void {
    const table = this.data.timerTable(incident.id);
    if (incident.status === 'closed') {
      table.clear();
      return;
    }
    const armed = add.map((timer) =>
      storedTimer(incident.id, timer, table.get(timer.timerId)?.live ?? incident.mode === 'live'),
    );
    const armedIds = new Set(armed.map((timer) => timer.timerId));
    for (const id of remove) if (!armedIds.has(id)) table.delete(id);
    for (const timer of armed) table.set(timer.timerId, timer);
  }

  /** `writeFiring` of db/store.ts: the events and the incident like an advance, else the timers; then the clock. */
  private writeFiring(before: IncidentRow, firing: TimerFiring & Sealed): IncidentRow {
    if (firing.events.length > 0) this.advance(before, firing);
    // Messages come with events: a firing without events sends none.
    else this.writeTimers(before, firing.timersToAdd, firing.timerIdsToRemove);
    const stored = this.data.incidents.get(before.id)!;
    const clockNow = timestampOrNull(firing.incident.clockNow);
    if (clockNow !== stored.clockNow) {
      stored.clockNow = clockNow;
      stored.changeSeq = this.data.nextChangeSeq();
    }
    return copy(stored);
  }
}

export class MemoryTokenStore implements TokenStore {
  constructor(
    private readonly data = new MemoryDatabase(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  issueToken({ principal, token }: TokenIssue) {
    return this.data.transaction(() => {
      for (const other of this.data.tokens.values()) {
        if (other.id === token.id || other.tokenHash === token.tokenHash)
          throw new UniqueViolation(`token ${token.id} repeats a unique key`);
      }
      let holder = this.data.principals.get(principal.nameKey);
      if (!holder) {
        holder = {
          id: principal.id,
          name: principal.name,
          kind: principal.kind ?? 'person',
          createdAt: this.now().toISOString(),
          oidcSubject: null,
        };
        this.data.principals.set(principal.nameKey, holder);
      }
      if (holder.name !== principal.name || (principal.kind && holder.kind !== principal.kind)) {
        return { principal: copy(holder), token: null };
      }
      const stored: StoredToken = {
        id: token.id,
        name: holder.name,
        principalId: holder.id,
        roles: [...token.roles],
        tokenHash: token.tokenHash,
        createdAt: this.now().toISOString(),
        revokedAt: null,
      };
      this.data.tokens.set(stored.id, stored);
      return { principal: copy(holder), token: tokenRecord(stored) };
    });
  }

  signedInPrincipal(subject: string, id: string, names: { name: string; nameKey: string }[]) {
    return this.data.transaction(() => {
      const found = this.principalOf(subject);
      if (found) return copy(found);
      const free = names.find(({ nameKey }) => !this.data.principals.has(nameKey));
      if (!free) return null;
      const made: PrincipalRecord = {
        id,
        name: free.name,
        kind: 'person',
        createdAt: this.now().toISOString(),
        oidcSubject: subject,
      };
      this.data.principals.set(free.nameKey, made);
      return copy(made);
    });
  }

  linkOidcSubject(nameKey: string, subject: string) {
    return this.data.transaction(() => {
      const principal = this.data.principals.get(nameKey);
      if (principal && principal.oidcSubject === null && !this.principalOf(subject)) {
        principal.oidcSubject = subject;
      }
      const holder = this.principalOf(subject);
      return { principal: principal ? copy(principal) : null, holder: holder ? copy(holder) : null };
    });
  }

  private principalOf(subject: string): PrincipalRecord | undefined {
    return [...this.data.principals.values()].find((principal) => principal.oidcSubject === subject);
  }

  listPrincipals(): Promise<PrincipalRecord[]> {
    return this.data.transaction(() =>
      [...this.data.principals.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, principal]) => copy(principal)),
    );
  }

  findActiveTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.data.transaction(() => {
      const token = [...this.data.tokens.values()].find(
        (t) => t.tokenHash === tokenHash && t.revokedAt === null,
      );
      return token ? tokenRecord(token) : null;
    });
  }

  listTokens(): Promise<TokenRecord[]> {
    return this.data.transaction(() =>
      [...this.data.tokens.values()]
        .sort((a, b) => millis(a.createdAt) - millis(b.createdAt))
        .map(tokenRecord),
    );
  }

  revokeToken(id: string): Promise<TokenRecord | null> {
    return this.data.transaction(() => {
      const token = this.data.tokens.get(id);
      if (!token) return null;
      token.revokedAt ??= this.now().toISOString();
      return tokenRecord(token);
    });
  }

  countTokens(): Promise<number> {
    return this.data.transaction(() => this.data.tokens.size);
  }
}

const tokenRecord = ({ tokenHash: _secret, ...token }: StoredToken): TokenRecord => copy(token);

export class MemoryExerciseStore implements ExerciseStore {
  constructor(private readonly data = new MemoryDatabase()) {}

  insertExercise(row: ExerciseRow): Promise<void> {
    return this.data.transaction(() => {
      if (this.data.exercises.has(row.id)) throw new UniqueViolation(`exercise ${row.id} exists`);
      this.data.exercises.set(row.id, {
        id: row.id,
        scenarioId: row.scenarioId,
        scenario: json(row.scenario),
        scenarioHash: row.scenarioHash ?? '',
        incidentId: row.incidentId ?? null,
        status: row.status,
        startedAt: timestamp(row.startedAt),
        finishedAt: timestampOrNull(row.finishedAt),
        clockMoveBy: null,
        clockMoveUntil: null,
      });
    });
  }

  recordRefusedMove(move: RefusedMoveRecord, max: number): Promise<boolean> {
    return this.data.transaction(() => {
      if (!this.data.exercises.has(move.exerciseId)) {
        throw new Error(`no exercise ${move.exerciseId} (foreign key)`);
      }
      const moves = this.data.refusedMoves.get(move.exerciseId) ?? [];
      if (moves.length >= max) return false;
      moves.push({ ...move, at: timestamp(move.at), recordedAt: timestamp(move.recordedAt) });
      this.data.refusedMoves.set(move.exerciseId, moves);
      return true;
    });
  }

  listRefusedMoves(exerciseId: string, limit: number): Promise<RefusedMoveRecord[]> {
    return this.data.transaction(() =>
      copy(
        [...(this.data.refusedMoves.get(exerciseId) ?? [])]
          .sort((a, b) => millis(a.at) - millis(b.at) || millis(a.recordedAt) - millis(b.recordedAt))
          .slice(0, limit),
      ),
    );
  }

  getExercise(id: string, { scenario = true } = {}): Promise<ExerciseRow | null> {
    return this.data.transaction(() => {
      const stored = this.data.exercises.get(id);
      if (!stored) return null;
      const { clockMoveBy: _by, clockMoveUntil: _until, ...row } = stored;
      return copy({ ...row, scenario: scenario ? row.scenario : null });
    });
  }

  listExercises(limit: number): Promise<ExerciseRow[]> {
    return this.data.transaction(() =>
      [...this.data.exercises.values()]
        .filter((stored) => stored.incidentId !== null)
        .sort((a, b) => millis(b.startedAt) - millis(a.startedAt) || b.id.localeCompare(a.id))
        .slice(0, limit)
        .map(({ clockMoveBy: _by, clockMoveUntil: _until, ...row }) => copy(row)),
    );
  }

  claimClockMove(id: string, holder: string, now: string, until: string): Promise<boolean> {
    return this.data.transaction(() => {
      const stored = this.data.exercises.get(id);
      if (!stored) return false;
      if (stored.clockMoveUntil !== null && millis(stored.clockMoveUntil) > millis(now)) return false;
      stored.clockMoveBy = holder;
      stored.clockMoveUntil = timestamp(until);
      return true;
    });
  }

  releaseClockMove(id: string, holder: string): Promise<void> {
    return this.data.transaction(() => {
      const stored = this.data.exercises.get(id);
      if (stored?.clockMoveBy !== holder) return;
      stored.clockMoveBy = null;
      stored.clockMoveUntil = null;
    });
  }

  updateExercise(
    id: string,
    change: Pick<ExerciseRow, 'status' | 'finishedAt' | 'incidentId'>,
  ): Promise<void> {
    return this.data.transaction(() => {
      const stored = this.data.exercises.get(id);
      if (!stored) return;
      if (change.status !== undefined) stored.status = change.status;
      if (change.finishedAt !== undefined) stored.finishedAt = timestampOrNull(change.finishedAt);
      if (change.incidentId !== undefined) stored.incidentId = change.incidentId;
    });
  }
}
