import { type SQL, sql } from 'drizzle-orm';
import type {
  ChangeCursor,
  ChangedIncident,
  ChangeFeed,
  ChangeNotice,
  ChangeRecord,
  ChangeStore,
  IncidentFilter,
  IncidentMode,
  OverdueItem,
} from '../src/engine/types';
import { type Database, type Db, iso, isoOrNull, rowsOf } from './client';

/** json comes back as text or parsed, depending on the driver. */
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** The oldest transaction still running: everything written by older ones is final. */
const HORIZON = sql`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as horizon`;

const and = (condition: SQL | false | undefined): SQL => (condition ? sql` and ${condition}` : sql``);

type Raw = Record<string, unknown>;

export class PgChangeStore implements ChangeStore {
  constructor(private readonly db: Db) {}

  async changeHorizon(): Promise<number> {
    const [row] = rowsOf<{ horizon: string | number }>(await this.db.execute(HORIZON));
    return Number(row?.horizon ?? 0);
  }

  async lastChangeOf(mode: IncidentMode): Promise<ChangeCursor> {
    // Per incident of the mode, its row and its latest event: never a walk back through the other mode's log.
    const [row] = rowsOf<Raw>(
      await this.db.execute(sql`
        with h as (${HORIZON}), mine as (select id, change_xid, change_seq from incidents where mode = ${mode})
        select change_xid, change_seq from (
          select mine.change_xid, mine.change_seq from mine, h where mine.change_xid < h.horizon
          union all
          select e.change_xid, e.change_seq from mine, h, lateral (
            select change_xid, change_seq from incident_events
            where incident_id = mine.id and change_xid < h.horizon
            order by change_xid desc, change_seq desc
            limit 1
          ) e
        ) p
        order by change_xid desc, change_seq desc
        limit 1`),
    );
    return row ? { xid: Number(row.change_xid), seq: Number(row.change_seq) } : { xid: 0, seq: 0 };
  }

  async listChanges(
    after: ChangeCursor,
    filter: { mode?: IncidentMode; incidentId?: string },
    limit: number,
  ): Promise<{ changes: ChangeRecord[]; horizon: number }> {
    const rows = rowsOf<Raw>(
      await this.db.execute(sql`
        with h as (${HORIZON})
        select h.horizon, c.* from h left join lateral (
          select e.change_xid, e.change_seq, e.incident_id, e.seq, e.type, e.actor, e.source, e.occurred_at,
            e.state_after, i.playbook_id, i.title, i.mode
          from incident_events e join incidents i on i.id = e.incident_id
          where (e.change_xid, e.change_seq) > (${after.xid}, ${after.seq}) and e.change_xid < h.horizon
            ${and(filter.mode !== undefined && sql`i.mode = ${filter.mode}`)}
            ${and(filter.incidentId !== undefined && sql`e.incident_id = ${filter.incidentId}`)}
          order by e.change_xid, e.change_seq
          limit ${limit}
        ) c on true`),
    );
    const changes = rows
      .filter((row) => row.incident_id !== null)
      .map(
        (row): ChangeRecord => ({
          cursor: { xid: Number(row.change_xid), seq: Number(row.change_seq) },
          incidentId: row.incident_id as string,
          playbookId: row.playbook_id as string,
          title: row.title as string,
          mode: row.mode as IncidentMode,
          version: Number(row.seq),
          event: {
            seq: Number(row.seq),
            type: row.type as string,
            actor: row.actor as string,
            source: row.source as ChangeRecord['event']['source'],
            occurredAt: iso(row.occurred_at),
          },
          state: json(row.state_after),
        }),
      );
    return { changes, horizon: Number(rows[0]?.horizon ?? 0) };
  }

  async listIncidentsChangedSince(
    after: ChangeCursor,
    filter: Omit<IncidentFilter, 'limit'>,
    limit: number,
  ): Promise<{ incidents: ChangedIncident[]; horizon: number }> {
    const rows = rowsOf<Raw>(
      await this.db.execute(sql`
        with h as (${HORIZON})
        select h.horizon, c.* from h left join lateral (
          select id, playbook_id, playbook_version, title, severity, mode, exercise_id, status, overdue,
            overdue_items, state, version, change_seq, change_xid, head_hash, clock_now, last_occurred_at, created_at,
            updated_at, closed_at
          from incidents
          where (change_xid, change_seq) > (${after.xid}, ${after.seq}) and change_xid < h.horizon
            ${and(filter.status !== undefined && sql`status = ${filter.status}`)}
            ${and(filter.playbookId !== undefined && sql`playbook_id = ${filter.playbookId}`)}
            ${and(filter.mode !== undefined && sql`mode = ${filter.mode}`)}
            ${and(filter.overdue !== undefined && sql`overdue = ${filter.overdue}`)}
          order by change_xid, change_seq
          limit ${limit}
        ) c on true`),
    );
    const incidents = rows
      .filter((row) => row.id !== null)
      .map(
        (row): ChangedIncident => ({
          cursor: { xid: Number(row.change_xid), seq: Number(row.change_seq) },
          row: {
            id: row.id as string,
            playbookId: row.playbook_id as string,
            playbookVersion: Number(row.playbook_version),
            title: row.title as string,
            severity: row.severity as string,
            mode: row.mode as IncidentMode,
            exerciseId: (row.exercise_id as string | null) ?? null,
            status: row.status as ChangedIncident['row']['status'],
            overdue: row.overdue === true || row.overdue === 't',
            overdueItems: json(row.overdue_items) as OverdueItem[],
            state: json(row.state),
            version: Number(row.version),
            changeSeq: Number(row.change_seq),
            headHash: row.head_hash as string,
            clockNow: isoOrNull(row.clock_now),
            lastOccurredAt: isoOrNull(row.last_occurred_at),
            createdAt: iso(row.created_at),
            updatedAt: iso(row.updated_at),
            closedAt: isoOrNull(row.closed_at),
          },
        }),
      );
    return { incidents, horizon: Number(rows[0]?.horizon ?? 0) };
  }
}

/** The database's change notifications (see migration 0005): incident writes and token changes. */
export class PgChangeFeed implements ChangeFeed {
  constructor(private readonly database: Database) {}

  async listen(handlers: Parameters<ChangeFeed['listen']>[0]): Promise<() => Promise<void>> {
    const stopIncidents = await this.database.listen(
      'holdfast_changes',
      (payload) => handlers.incident(JSON.parse(payload) as ChangeNotice),
      handlers.reconnected,
    );
    const stopTokens = await this.database.listen('holdfast_tokens', handlers.token, handlers.reconnected);
    return async () => {
      await stopIncidents();
      await stopTokens();
    };
  }
}
