import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from './client';

/** The database server's clock now, read with `clock_timestamp()` (the real time, not the transaction's start). */
export async function readServerTime(db: Db): Promise<Date> {
  const [row] = rowsOf<{ now: string | Date }>(await db.execute(sql`select clock_timestamp() as now`));
  return new Date(row!.now);
}
