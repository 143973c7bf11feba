import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres, { type Sql } from 'postgres';
import { lockDataDir } from './data-dir-lock';
import * as schema from './schema';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  kind: 'pglite' | 'postgres';
  /** PGlite's data folder (`memory://…` when in memory); absent on Postgres. */
  dataDir?: string;
  db: Db;
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * LISTENs on `channel`: `onMessage` gets each NOTIFY payload; `onReconnect` is called when the listening
   * connection was re-established (notifications may have been missed). Resolves to an unlisten function.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onReconnect: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`; without it the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** Pool size for postgres.js. */
  maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections ?? 10)
    : openPglite(options.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    const client = inMemory ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      kind: 'pglite',
      dataDir,
      db,
      migrate: () => migratePglite(db as never, { migrationsFolder }),
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      // One in-process session: nothing to reconnect.
      listen: (channel, onMessage) => client.listen(channel, onMessage),
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Any fixed number: every holdfast instance migrating one database takes the same advisory lock. */
const MIGRATION_LOCK_KEY = 7_310_452_881;

/**
 * Seconds before a connection that failed is tried again. postgres.js's default grows with every failure
 * (shared by the pool) up to 20 s, and queries wait for it: after a minute without Postgres, requests hung
 * for up to 20 s instead of getting a 503, and kept hanging after Postgres was back. Capped at half a second.
 */
const reconnectBackoff = (retries: number) => Math.min(0.05 * 2 ** retries, 0.5) * (0.5 + Math.random() / 2);

async function openPostgres(url: string, max: number): Promise<Database> {
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 5, backoff: reconnectBackoff });
  const db = drizzlePostgres(preparingStatements(client), { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    migrate: () => migratePostgresLocked(url),
    ping: async () => {
      await client`select 1`;
    },
    listen: async (channel, onMessage, onReconnect) => {
      let connects = 0;
      const listening = await client.listen(channel, onMessage, () => {
        if (connects++ > 0) onReconnect();
      });
      return () => listening.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * drizzle sends every query through postgres.js's `unsafe()` unprepared, and postgres.js first asks the server
 * to describe an unprepared query that has parameters: two round trips for each statement, the advance's one
 * included. Prepared (per connection, by query text), a statement is one round trip after its first use.
 * The texts drizzle builds come from a bounded set of query shapes, so the statements each connection keeps
 * stay few. Transactions get a client of their own from `begin`, which is treated the same way.
 */
function preparingStatements(client: Sql): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, args?: unknown[], options?: object) =>
          target.unsafe(query, args as never, { ...options, prepare: true });
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          const run = args.pop() as (tx: Sql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (tx: Sql) =>
            run(preparingStatements(tx)),
          );
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * drizzle's migrate() takes no lock (drizzle-orm#874): hold a session advisory lock on one dedicated
 * connection for the whole migration so instances starting together migrate one after another.
 */
async function migratePostgresLocked(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    if (await isMigrated(client)) return;
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      if (code !== '42501') throw error;
      throw new Error(
        'the database has migrations to apply and this role may not apply them: run `holdfast migrate` with ' +
          'the owner role’s DATABASE_URL, then start again',
        { cause: error },
      );
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Whether every migration of the folder is applied, read-only: `serve` as a role that may not change the
 * schema (db/roles.sql) starts when the owner has migrated, and takes no lock for it.
 */
async function isMigrated(client: Sql): Promise<boolean> {
  const [table] = await client`select to_regclass('drizzle.__drizzle_migrations') is not null as present`;
  if (!table?.present) return false;
  const [applied] = await client`select max(created_at) as latest from drizzle.__drizzle_migrations`;
  const latest = Math.max(
    ...readMigrationFiles({ migrationsFolder }).map((migration) => migration.folderMillis),
  );
  return Number(applied?.latest ?? 0) >= latest;
}

/** `db.execute` answers with the rows (postgres.js) or with `{ rows }` (PGlite). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Timestamps come back as Postgres text or as Dates, depending on the query; the engine speaks ISO 8601. */
export const iso = (value: unknown): string => new Date(value as string).toISOString();
export const isoOrNull = (value: unknown): string | null => (value === null ? null : iso(value));
