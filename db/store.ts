import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNotNull,
  isNull,
  lte,
  min,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
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
  OverdueItem,
  PrincipalRecord,
  RefusedMoveRecord,
  Sealed,
  TimerFiring,
  TimerRow,
  TokenIssue,
  TokenRecord,
  TokenStore,
} from '../src/engine/types';
import { toCheckpoint } from './checkpoint-store';
import { type Db, iso, isoOrNull, rowsOf } from './client';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

import {
  exerciseRefusedMoves,
  exercises,
  incidentCheckpoints,
  incidentEvents,
  incidents,
  outboxMessages,
  principals,
  timers,
  tokens,
} from './schema';

type IncidentSelect = typeof incidents.$inferSelect;
type EventSelect = typeof incidentEvents.$inferSelect;

function toIncident(row: IncidentSelect): IncidentRow {
  return {
    ...row,
    overdueItems: row.overdueItems as OverdueItem[],
    clockNow: isoOrNull(row.clockNow),
    lastOccurredAt: isoOrNull(row.lastOccurredAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    closedAt: isoOrNull(row.closedAt),
  };
}

const toTimer = (row: typeof timers.$inferSelect): TimerRow => ({
  ...row,
  event: row.event as TimerRow['event'],
  dueAt: iso(row.dueAt),
});

const toOutboxMessage = ({
  fannedOut: _fanned,
  ...row
}: typeof outboxMessages.$inferSelect): OutboxMessage => ({
  ...row,
  type: row.type as OutboxMessage['type'],
  data: row.data as OutboxMessage['data'],
  details: row.details as OutboxMessage['details'],
  createdAt: iso(row.createdAt),
});

function toEvent({ changeXid: _xid, changeSeq: _seq, ...row }: EventSelect): EventRecord {
  return { ...row, occurredAt: iso(row.occurredAt), recordedAt: iso(row.recordedAt) };
}

const isUniqueViolation = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: string } }).cause ?? error;
  return (cause as { code?: string }).code === '23505';
};

export class PgIncidentStore implements IncidentStore {
  constructor(private readonly db: Db) {}

  async insertIncident(write: IncidentWrite & Sealed): Promise<number> {
    const { changeSeq: _assigned, ...incident } = write.incident;
    return this.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(incidents)
        .values(incident)
        .returning({ changeSeq: incidents.changeSeq });
      await tx.insert(incidentEvents).values(write.event);
      if (write.checkpoint) await tx.insert(incidentCheckpoints).values(write.checkpoint);
      if (write.outbox.length > 0) await tx.insert(outboxMessages).values(write.outbox);
      if (write.timersToAdd.length > 0)
        await tx.insert(timers).values(withLiveFlag(write.incident, write.timersToAdd));
      return inserted!.changeSeq;
    });
  }

  async commitAdvance(
    expected: Pick<IncidentRow, 'version' | 'changeSeq'>,
    write: IncidentWrite & Sealed,
  ): Promise<CommitResult> {
    try {
      const rows = rowsOf<{ change_seq: string | number }>(
        await this.db.execute(advanceStatement(expected, { ...write, events: [write.event] })),
      );
      const [row] = rows;
      return row
        ? { status: 'committed', changeSeq: Number(row.change_seq) }
        : { status: 'version_conflict' };
    } catch (error) {
      if (isUniqueViolation(error)) return { status: 'idempotency_conflict' };
      throw error;
    }
  }

  async withLockedIncident(
    pick: IncidentPick,
    work: (locked: LockedIncident) => TimerFiring & Sealed,
  ): Promise<IncidentRow | null> {
    return this.db.transaction(async (tx) => {
      const locked = 'id' in pick ? await lockIncident(tx, pick.id) : await lockEarliestDue(tx, pick.dueBy);
      if (!locked) return null;
      // The due timers are read by a statement of their own, begun after the lock was taken: a statement that
      // waited for the lock still sees the timers as they were when it started, including ones the previous
      // holder fired.
      const due = await tx
        .select()
        .from(timers)
        .where(and(eq(timers.incidentId, locked.id), lte(timers.dueAt, pick.dueBy)))
        .orderBy(asc(timers.dueAt), asc(timers.timerId));
      const firing = work({ incident: locked, due: due.map(toTimer) });
      return writeFiring(tx, locked, firing);
    });
  }

  async moveClockQuietly(incidentId: string, expectedChangeSeq: number, to: string): Promise<number | null> {
    const [row] = rowsOf<{ change_seq: string | number }>(
      await this.db.execute(sql`
        update incidents set clock_now = ${to}::timestamptz, change_seq = nextval('incident_change_seq')
        where id = ${incidentId} and change_seq = ${expectedChangeSeq}
          and not exists (select 1 from timers where incident_id = ${incidentId} and due_at <= ${to}::timestamptz)
        returning change_seq`),
    );
    return row ? Number(row.change_seq) : null;
  }

  async countOpenIncidents() {
    return this.db
      .select({ playbookId: incidents.playbookId, mode: incidents.mode, count: sql<number>`count(*)::int` })
      .from(incidents)
      .where(eq(incidents.status, 'open'))
      .groupBy(incidents.playbookId, incidents.mode);
  }

  async nextDueAt(): Promise<string | null> {
    const [row] = await this.db
      .select({ dueAt: min(timers.dueAt) })
      .from(timers)
      .where(eq(timers.live, true));
    return row?.dueAt ? iso(row.dueAt) : null;
  }

  async getIncident(id: string, mode?: IncidentMode): Promise<IncidentRow | null> {
    const [row] = await this.db
      .select()
      .from(incidents)
      .where(and(eq(incidents.id, id), mode && eq(incidents.mode, mode)));
    return row ? toIncident(row) : null;
  }

  async listIncidents(filter: IncidentFilter): Promise<IncidentRow[]> {
    const conditions = [
      filter.status && eq(incidents.status, filter.status),
      filter.playbookId && eq(incidents.playbookId, filter.playbookId),
      filter.mode && eq(incidents.mode, filter.mode),
      filter.overdue !== undefined && eq(incidents.overdue, filter.overdue),
    ].filter((condition) => condition !== undefined && condition !== '' && condition !== false);
    const rows = await this.db
      .select()
      .from(incidents)
      .where(and(...(conditions as ReturnType<typeof eq>[])))
      .orderBy(desc(incidents.createdAt), desc(incidents.id))
      .limit(filter.limit);
    return rows.map(toIncident);
  }

  async listEvents(incidentId: string, after: number, limit: number): Promise<EventRecord[]> {
    const rows = await this.db
      .select()
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, incidentId), gt(incidentEvents.seq, after)))
      .orderBy(asc(incidentEvents.seq))
      .limit(limit);
    return rows.map(toEvent);
  }

  async findEventByIdempotencyKey(incidentId: string, key: string): Promise<EventRecord | null> {
    const [row] = await this.db
      .select()
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, incidentId), eq(incidentEvents.idempotencyKey, key)));
    return row ? toEvent(row) : null;
  }

  async listCheckpoints(incidentId: string) {
    const rows = await this.db
      .select()
      .from(incidentCheckpoints)
      .where(eq(incidentCheckpoints.incidentId, incidentId))
      .orderBy(asc(incidentCheckpoints.seq));
    return rows.map(toCheckpoint);
  }

  async listOutboxMessages(incidentId: string): Promise<OutboxMessage[]> {
    const rows = await this.db
      .select()
      .from(outboxMessages)
      .where(eq(outboxMessages.incidentId, incidentId))
      .orderBy(asc(outboxMessages.seq), asc(outboxMessages.createdAt));
    return rows.map(toOutboxMessage);
  }

  async listTimers(incidentId: string): Promise<TimerRow[]> {
    const rows = await this.db
      .select()
      .from(timers)
      .where(eq(timers.incidentId, incidentId))
      .orderBy(asc(timers.dueAt));
    return rows.map(toTimer);
  }
}

/** How many of the earliest due live timers a pick looks at; more than workers can hold locked at once. */
const PICK_CANDIDATES = 256;

const withLiveFlag = (incident: IncidentRow, rows: TimerRow[]) =>
  rows.map((row) => ({ ...row, live: incident.mode === 'live' }));

/**
 * The open live incident with the earliest timer due by `dueBy` that no other transaction holds. Candidates
 * come straight from the partial due_at index (bounded, whatever the planner's statistics say); the incident
 * lock then skips any another worker holds, earliest due first. The locked row comes back with the pick (a row
 * lock returns the row's latest version, even one committed while waiting).
 */
async function lockEarliestDue(tx: Tx, dueBy: string): Promise<IncidentRow | null> {
  const candidates = tx
    .select({ incidentId: timers.incidentId, dueAt: timers.dueAt })
    .from(timers)
    .where(and(eq(timers.live, true), lte(timers.dueAt, dueBy)))
    .orderBy(asc(timers.dueAt))
    .limit(PICK_CANDIDATES)
    .as('candidates');
  const [picked] = await tx
    .select({ incident: incidents })
    .from(candidates)
    .innerJoin(incidents, eq(incidents.id, candidates.incidentId))
    .where(eq(incidents.status, 'open'))
    .orderBy(asc(candidates.dueAt))
    .limit(1)
    .for('update', { of: incidents, skipLocked: true });
  return picked ? toIncident(picked.incident) : null;
}

async function lockIncident(tx: Tx, id: string): Promise<IncidentRow | null> {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
  return row ? toIncident(row) : null;
}

/**
 * Writes a firing on the incident the transaction holds locked: the incident and its events like an advance
 * when there are events, else only the timer changes; then the clock, if the firing moved it. Returns the
 * incident as written.
 */
async function writeFiring(tx: Tx, before: IncidentRow, firing: TimerFiring & Sealed): Promise<IncidentRow> {
  let written = before;
  if (firing.events.length > 0) {
    const [row] = rowsOf<{ change_seq: string | number }>(await tx.execute(advanceStatement(before, firing)));
    written = { ...firing.incident, clockNow: before.clockNow, changeSeq: Number(row!.change_seq) };
  } else {
    await writeTimers(tx, before, firing.timersToAdd, firing.timerIdsToRemove);
  }
  const clockNow = isoOrNull(firing.incident.clockNow);
  if (clockNow === before.clockNow) return written;
  const [moved] = await tx
    .update(incidents)
    .set({ clockNow, changeSeq: sql`nextval('incident_change_seq')` })
    .where(eq(incidents.id, before.id))
    .returning({ changeSeq: incidents.changeSeq });
  return { ...written, clockNow, changeSeq: moved!.changeSeq };
}

const jsonb = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
const snakeEvent = (event: EventRecord) => ({
  seq: event.seq,
  type: event.type,
  payload: event.payload,
  actor: event.actor,
  actor_id: event.actorId,
  source: event.source,
  occurred_at: event.occurredAt,
  recorded_at: event.recordedAt,
  state_after: event.stateAfter,
  note: event.note,
  idempotency_key: event.idempotencyKey,
  request_hash: event.requestHash,
  prev_hash: event.prevHash,
  hash: event.hash,
});
const snakeTimer = (timer: TimerRow) => ({
  timer_id: timer.timerId,
  event: timer.event,
  label: timer.label,
  due_at: timer.dueAt,
});

const snakeMessage = (message: OutboxMessage) => ({
  id: message.id,
  seq: message.seq,
  type: message.type,
  mode: message.mode,
  playbook_id: message.playbookId,
  severity: message.severity,
  data: message.data,
  details: message.details,
  created_at: message.createdAt,
});

const snakeCheckpoint = (checkpoint: Checkpoint) => ({
  seq: checkpoint.seq,
  hash: checkpoint.hash,
  signed_at: checkpoint.signedAt,
  key_id: checkpoint.keyId,
  signature: checkpoint.signature,
});

/**
 * The whole advance in one statement (one round trip, atomic on its own): the incident update guarded by
 * the version and change_seq the caller read, the event append, the timer changes, the signed checkpoint of the
 * new head and the outbox messages, all conditioned on
 * the update having matched. A duplicate Idempotency-Key fails the event insert and so the whole statement.
 * Timer ids re-armed in the same write are left to the upsert: one statement must not touch a row twice.
 */
function advanceStatement(
  expected: Pick<IncidentRow, 'version' | 'changeSeq'>,
  write: Omit<IncidentWrite, 'event'> & { events: EventRecord[] } & Sealed,
) {
  const { incident, events, checkpoint, outbox } = write;
  const closed = incident.status === 'closed';
  const add = closed ? [] : write.timersToAdd;
  const addIds = add.map((timer) => timer.timerId);
  const removeIds = write.timerIdsToRemove.filter((id) => !addIds.includes(id));
  return sql`
    with updated as (
      update incidents set
        status = ${incident.status}, overdue = ${incident.overdue}, overdue_items = ${jsonb(incident.overdueItems)},
        state = ${jsonb(incident.state)},
        snapshot = ${jsonb(incident.snapshot)}, version = ${incident.version}, head_hash = ${incident.headHash},
        updated_at = ${incident.updatedAt}::timestamptz, closed_at = ${incident.closedAt}::timestamptz,
        last_occurred_at = ${incident.lastOccurredAt}::timestamptz,
        change_seq = nextval('incident_change_seq')
      where id = ${incident.id} and version = ${expected.version} and change_seq = ${expected.changeSeq}
      returning id, change_seq
    ), appended as (
      insert into incident_events (incident_id, seq, type, payload, actor, actor_id, source, occurred_at,
        recorded_at, state_after, note, idempotency_key, request_hash, prev_hash, hash)
      select updated.id, e.seq, e.type, e.payload, e.actor, e.actor_id, e.source, e.occurred_at, e.recorded_at, e.state_after,
        e.note, e.idempotency_key, e.request_hash, e.prev_hash, e.hash
      from updated, jsonb_to_recordset(${jsonb(events.map(snakeEvent))}) as e(seq int, type text, payload jsonb,
        actor text, actor_id text, source text, occurred_at timestamptz, recorded_at timestamptz, state_after jsonb, note text,
        idempotency_key text, request_hash text, prev_hash text, hash text)
    ), dropped as (
      delete from timers where incident_id = ${incident.id} and exists (select 1 from updated)
        and (${closed} or timer_id in (select jsonb_array_elements_text(${jsonb(removeIds)})))
        and timer_id not in (select jsonb_array_elements_text(${jsonb(addIds)}))
    ), armed as (
      insert into timers (incident_id, timer_id, event, label, due_at, live)
      select updated.id, t.timer_id, t.event, t.label, t.due_at, ${incident.mode === 'live'}
      from updated, jsonb_to_recordset(${jsonb(add.map(snakeTimer))}) as t(timer_id text, event jsonb, label text, due_at timestamptz)
      on conflict (incident_id, timer_id) do update
        set event = excluded.event, label = excluded.label, due_at = excluded.due_at
    ), sealed as (
      insert into incident_checkpoints (incident_id, seq, hash, signed_at, key_id, signature)
      select updated.id, c.seq, c.hash, c.signed_at, c.key_id, c.signature
      from updated, jsonb_to_recordset(${jsonb(checkpoint ? [snakeCheckpoint(checkpoint)] : [])}) as c(seq int,
        hash text, signed_at timestamptz, key_id text, signature text)
    ), queued as (
      insert into outbox_messages (id, incident_id, seq, type, mode, playbook_id, severity, data, details, created_at)
      select m.id, updated.id, m.seq, m.type, m.mode, m.playbook_id, m.severity, m.data, m.details, m.created_at
      from updated, jsonb_to_recordset(${jsonb(outbox.map(snakeMessage))}) as m(id text, seq int, type text, mode text,
        playbook_id text, severity text, data jsonb, details jsonb, created_at timestamptz)
    )
    select change_seq from updated`;
}

/** Timer rows follow the incident: a closed incident keeps none; re-arming an id replaces its row. */
async function writeTimers(tx: Tx, incident: IncidentRow, add: TimerRow[], remove: string[]): Promise<void> {
  if (incident.status === 'closed') {
    await tx.delete(timers).where(eq(timers.incidentId, incident.id));
    return;
  }
  if (remove.length > 0) {
    await tx.delete(timers).where(and(eq(timers.incidentId, incident.id), inArray(timers.timerId, remove)));
  }
  if (add.length > 0) {
    await tx
      .insert(timers)
      .values(withLiveFlag(incident, add))
      .onConflictDoUpdate({
        target: [timers.incidentId, timers.timerId],
        set: { event: sql`excluded.event`, label: sql`excluded.label`, dueAt: sql`excluded.due_at` },
      });
  }
}

type TokenSelect = typeof tokens.$inferSelect;
const toToken = ({ tokenHash: _secret, ...row }: TokenSelect): TokenRecord => ({
  ...row,
  createdAt: iso(row.createdAt),
  revokedAt: isoOrNull(row.revokedAt),
});

const toPrincipal = (row: typeof principals.$inferSelect): PrincipalRecord => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  createdAt: iso(row.createdAt),
  oidcSubject: row.oidcSubject,
});

export class PgTokenStore implements TokenStore {
  constructor(private readonly db: Db) {}

  issueToken({ principal, token }: TokenIssue) {
    return this.db.transaction(async (tx) => {
      await tx
        .insert(principals)
        .values({ ...principal, kind: principal.kind ?? 'person' })
        .onConflictDoNothing({ target: principals.nameKey });
      const [found] = await tx.select().from(principals).where(eq(principals.nameKey, principal.nameKey));
      const holder = toPrincipal(found!);
      if (holder.name !== principal.name || (principal.kind && holder.kind !== principal.kind)) {
        return { principal: holder, token: null };
      }
      const [row] = await tx
        .insert(tokens)
        .values({ ...token, name: holder.name, principalId: holder.id })
        .returning();
      return { principal: holder, token: toToken(row!) };
    });
  }

  async listPrincipals(): Promise<PrincipalRecord[]> {
    const rows = await this.db.select().from(principals).orderBy(asc(principals.nameKey));
    return rows.map(toPrincipal);
  }

  async findActiveTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    const [row] = await this.db
      .select()
      .from(tokens)
      .where(and(eq(tokens.tokenHash, tokenHash), isNull(tokens.revokedAt)));
    return row ? toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.db.select().from(tokens).orderBy(asc(tokens.createdAt));
    return rows.map(toToken);
  }

  async revokeToken(id: string): Promise<TokenRecord | null> {
    const [row] = await this.db
      .update(tokens)
      .set({ revokedAt: sql`coalesce(${tokens.revokedAt}, now())` })
      .where(eq(tokens.id, id))
      .returning();
    return row ? toToken(row) : null;
  }

  async countTokens(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(tokens);
    return row?.n ?? 0;
  }

  async signedInPrincipal(subject: string, id: string, names: { name: string; nameKey: string }[]) {
    let found = await this.principalWhere(eq(principals.oidcSubject, subject));
    for (const { name, nameKey } of names) {
      if (found) break;
      // Refused by either unique index: the name is someone else's, or another instance made this one meanwhile.
      const [made] = await this.db
        .insert(principals)
        .values({ id, name, nameKey, kind: 'person', oidcSubject: subject })
        .onConflictDoNothing()
        .returning();
      found = made ? toPrincipal(made) : await this.principalWhere(eq(principals.oidcSubject, subject));
    }
    return found;
  }

  async linkOidcSubject(nameKey: string, subject: string) {
    try {
      await this.db
        .update(principals)
        .set({ oidcSubject: subject })
        .where(and(eq(principals.nameKey, nameKey), isNull(principals.oidcSubject)));
    } catch (error) {
      // Another principal holds the subject: the answer below says whom.
      if (!isUniqueViolation(error)) throw error;
    }
    return {
      principal: await this.principalWhere(eq(principals.nameKey, nameKey)),
      holder: await this.principalWhere(eq(principals.oidcSubject, subject)),
    };
  }

  private async principalWhere(where: SQL): Promise<PrincipalRecord | null> {
    const [row] = await this.db.select().from(principals).where(where);
    return row ? toPrincipal(row) : null;
  }
}

const toExercise = (row: typeof exercises.$inferSelect): ExerciseRow => ({
  id: row.id,
  scenarioId: row.scenarioId,
  scenario: row.scenario,
  scenarioHash: row.scenarioHash,
  incidentId: row.incidentId,
  status: row.status as ExerciseRow['status'],
  startedAt: iso(row.startedAt),
  finishedAt: isoOrNull(row.finishedAt),
});

export class PgExerciseStore implements ExerciseStore {
  constructor(private readonly db: Db) {}

  async insertExercise(row: ExerciseRow): Promise<void> {
    await this.db.insert(exercises).values(row);
  }

  async recordRefusedMove(move: RefusedMoveRecord, max: number): Promise<boolean> {
    const kept = await this.db.execute(sql`
      insert into ${exerciseRefusedMoves}
        (id, exercise_id, at, actor, event, code, reason, recorded_at)
      select ${move.id}, ${move.exerciseId}, ${move.at}, ${move.actor}, ${move.event}, ${move.code},
             ${move.reason}, ${move.recordedAt}
      where (select count(*) from ${exerciseRefusedMoves}
             where ${exerciseRefusedMoves.exerciseId} = ${move.exerciseId}) < ${max}
      returning id`);
    return rowsOf(kept).length > 0;
  }

  async listRefusedMoves(exerciseId: string, limit: number): Promise<RefusedMoveRecord[]> {
    const rows = await this.db
      .select()
      .from(exerciseRefusedMoves)
      .where(eq(exerciseRefusedMoves.exerciseId, exerciseId))
      .orderBy(asc(exerciseRefusedMoves.at), asc(exerciseRefusedMoves.recordedAt))
      .limit(limit);
    return rows.map((row) => ({ ...row, at: iso(row.at), recordedAt: iso(row.recordedAt) }));
  }

  async getExercise(id: string, { scenario = true } = {}): Promise<ExerciseRow | null> {
    const columns = {
      ...getTableColumns(exercises),
      scenario: scenario ? exercises.scenario : sql<unknown>`null`,
    };
    const [row] = await this.db.select(columns).from(exercises).where(eq(exercises.id, id));
    return row ? toExercise(row) : null;
  }

  async listExercises(limit: number): Promise<ExerciseRow[]> {
    const rows = await this.db
      .select()
      .from(exercises)
      .where(isNotNull(exercises.incidentId))
      .orderBy(desc(exercises.startedAt), desc(exercises.id))
      .limit(limit);
    return rows.map(toExercise);
  }

  async claimClockMove(id: string, holder: string, now: string, until: string): Promise<boolean> {
    const claimed = await this.db
      .update(exercises)
      .set({ clockMoveBy: holder, clockMoveUntil: until })
      .where(
        and(eq(exercises.id, id), or(isNull(exercises.clockMoveUntil), lte(exercises.clockMoveUntil, now))),
      )
      .returning({ id: exercises.id });
    return claimed.length > 0;
  }

  async releaseClockMove(id: string, holder: string): Promise<void> {
    await this.db
      .update(exercises)
      .set({ clockMoveBy: null, clockMoveUntil: null })
      .where(and(eq(exercises.id, id), eq(exercises.clockMoveBy, holder)));
  }

  async updateExercise(
    id: string,
    change: Pick<ExerciseRow, 'status' | 'finishedAt' | 'incidentId'>,
  ): Promise<void> {
    // These columns only: callers pass whole rows, and rewriting the scenario on every move costs its size.
    const { status, finishedAt, incidentId } = change;
    await this.db.update(exercises).set({ status, finishedAt, incidentId }).where(eq(exercises.id, id));
  }
}

export { isUniqueViolation };
