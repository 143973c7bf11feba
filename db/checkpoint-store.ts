import { sql } from 'drizzle-orm';
import type { Checkpoint, CheckpointStore } from '../src/engine/checkpoints';
import { type Db, iso, rowsOf } from './client';
import { incidentCheckpoints } from './schema';

export const toCheckpoint = (row: typeof incidentCheckpoints.$inferSelect): Checkpoint => ({
  ...row,
  signedAt: iso(row.signedAt),
});

export class PgCheckpointStore implements CheckpointStore {
  constructor(private readonly db: Db) {}

  async listUnsealedIncidents(): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.db.execute(sql`
        select id from incidents i
        where not exists (select 1 from incident_checkpoints c where c.incident_id = i.id)
        order by created_at, id`),
    );
    return rows.map((row) => row.id);
  }

  async insertCheckpoint(checkpoint: Checkpoint): Promise<boolean> {
    const inserted = await this.db
      .insert(incidentCheckpoints)
      .values(checkpoint)
      .onConflictDoNothing()
      .returning({ seq: incidentCheckpoints.seq });
    return inserted.length > 0;
  }
}
