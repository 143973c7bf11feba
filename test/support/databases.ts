import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../db/client';
import {
  MemoryDatabase,
  MemoryExerciseStore,
  MemoryIncidentStore,
  MemoryTokenStore,
} from '../../db/memory-store';
import { timers } from '../../db/schema';
import { PgExerciseStore, PgIncidentStore, PgTokenStore } from '../../db/store';
import type { ExerciseStore, IncidentStore, TimerRow, TokenStore } from '../../src/engine/types';

/** Set by .ci/run (and by anyone with a Postgres server): the Postgres suites run only with it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

if (!TEST_DATABASE_URL) {
  console.warn('TEST_DATABASE_URL is not set: Postgres suites are skipped (PGlite suites still run).');
}

export interface TestDatabase {
  name: string;
  database: Database;
  url?: string;
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

/** A fresh, empty Postgres database on the test server; dropped by `drop()`. */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `holdfast_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const admin2 = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await admin2.unsafe(`drop database if exists ${name} with (force)`);
      await admin2.end();
    },
  };
}

/**
 * Empties every table. The history tables refuse TRUNCATE by trigger; as replica, a session fires no ordinary
 * trigger (setting that takes a superuser, which the tests are and the app role is not).
 */
const truncateAll = (database: Database) =>
  database.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(
      sql`truncate webhook_attempts, webhook_deliveries, webhook_endpoints, outbox_messages, incident_checkpoints, incident_events, timers, incidents, tokens, principals, exercise_refused_moves, exercises`,
    );
  });

export async function openTestPglite(): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  return {
    name: 'pglite',
    database,
    reset: async () => void (await truncateAll(database)),
    dispose: () => database.close(),
  };
}

export async function openTestPostgres(maxConnections = 20): Promise<TestDatabase> {
  const scratch = await createScratchPostgres();
  const database = await openDatabase({ databaseUrl: scratch.url, dataDir: '', maxConnections });
  await database.migrate();
  return {
    name: 'postgres',
    database,
    url: scratch.url,
    reset: async () => void (await truncateAll(database)),
    dispose: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

/** Where a storage contract suite runs: the same engine behaviour on memory, PGlite and Postgres. */
export interface TestStorage {
  name: string;
  /** The SQL database underneath (PGlite, Postgres); null in memory. */
  sql: TestDatabase | null;
  /** A new incident store on this storage: two of them are two instances sharing one database. */
  incidentStore(): IncidentStore;
  tokenStore(): TokenStore;
  exerciseStore(): ExerciseStore;
  /** Puts a timer row in place behind the engine's back (one no transition armed). */
  plantTimer(timer: TimerRow): Promise<void>;
  /** Empties the storage. */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

function onSql(test: TestDatabase): TestStorage {
  return {
    name: test.name,
    sql: test,
    incidentStore: () => new PgIncidentStore(test.database.db),
    tokenStore: () => new PgTokenStore(test.database.db),
    exerciseStore: () => new PgExerciseStore(test.database.db),
    plantTimer: async (timer) => void (await test.database.db.insert(timers).values(timer)),
    reset: () => test.reset(),
    dispose: () => test.dispose(),
  };
}

export async function openTestMemory(): Promise<TestStorage> {
  let data = new MemoryDatabase();
  return {
    name: 'memory',
    sql: null,
    incidentStore: () => new MemoryIncidentStore(data),
    tokenStore: () => new MemoryTokenStore(data),
    exerciseStore: () => new MemoryExerciseStore(data),
    plantTimer: async (timer) => {
      data.timerTable(timer.incidentId).set(timer.timerId, { ...structuredClone(timer), live: true });
    },
    reset: async () => {
      data = new MemoryDatabase();
    },
    dispose: async () => {},
  };
}

/**
 * The storage backends the contract suites run on: memory and PGlite always, Postgres when TEST_DATABASE_URL
 * is set. `sql` marks the ones with a database underneath.
 */
export const storageBackends: {
  name: string;
  open: () => Promise<TestStorage>;
  enabled: boolean;
  sql: boolean;
}[] = [
  { name: 'memory', open: openTestMemory, enabled: true, sql: false },
  { name: 'pglite', open: async () => onSql(await openTestPglite()), enabled: true, sql: true },
  {
    name: 'postgres',
    open: async () => onSql(await openTestPostgres()),
    enabled: Boolean(TEST_DATABASE_URL),
    sql: true,
  },
];

/** Counts the statements sent to an embedded database until `stop()`, which puts its client back. */
export function countPgliteQueries(database: Database) {
  const pglite = (database.db as unknown as { $client: Record<string, unknown> }).$client;
  let count = 0;
  const originals = new Map<string, unknown>();
  for (const method of ['query', 'exec', 'transaction']) {
    const original = pglite[method] as (...args: unknown[]) => unknown;
    originals.set(method, original);
    pglite[method] = (...args: unknown[]) => {
      count++;
      return original.apply(pglite, args);
    };
  }
  return {
    stop(): number {
      for (const [method, original] of originals) pglite[method] = original;
      return count;
    },
  };
}
