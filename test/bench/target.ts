import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Database } from '../../db/client';
import { type Config, loadConfig } from '../../src/config';
import { openMigratedDatabase } from '../../src/main';

/**
 * Where a benchmark runs: a scratch database on the Postgres server of `DATABASE_URL`, or, without it, an
 * in-memory PGlite in this process. `config` serves holdfast on it; `database` is the same migrated database
 * for the bench's own queries.
 */
export interface BenchTarget {
  kind: 'postgres' | 'pglite';
  config: Config;
  database: Database;
  /** The floor's client: one single-row versioned UPDATE per call, with the database's plain client. */
  versionedUpdates(rows: number): Promise<VersionedUpdates>;
  dispose(): Promise<void>;
}

export interface VersionedUpdates {
  /** `update … set version = version + 1 where id = $1 and version = $2`: the new version, or null. */
  update(id: number, version: number): Promise<number | null>;
  close(): Promise<void>;
}

export const ADMIN = 'bench-admin-token-0123456789';

/** The JSON answer of one API call made with the admin token; anything but a 2xx throws. */
export type BenchApi = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

export function adminApi(baseUrl: string): BenchApi {
  const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
}
const POOL = 20;

export async function openBenchTarget(name: string, serverUrl: string | undefined): Promise<BenchTarget> {
  // One token sends every event: the per-token rate limit is off, or it would be what the bench measures.
  const settings = {
    PORT: 0,
    HOLDFAST_ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'silent',
    HOLDFAST_DB_POOL: POOL,
    HOLDFAST_EVENTS_PER_MINUTE: 0,
  };
  if (!serverUrl) {
    const config = loadConfig({ ...settings, HOLDFAST_DATA_DIR: `memory://${name}` }, {});
    const database = await openMigratedDatabase(config);
    const client = (
      database.db as unknown as {
        $client: { query(text: string, params: unknown[]): Promise<{ rows: { version: number }[] }> };
      }
    ).$client;
    return {
      kind: 'pglite',
      config,
      database,
      versionedUpdates: async (rows) => {
        await createFloorTable(database, rows);
        return {
          update: async (id, version) =>
            (await client.query(floorUpdate, [id, version])).rows[0]?.version ?? null,
          close: async () => void (await database.db.execute(sql`drop table bench_rows`)),
        };
      },
      dispose: () => database.close(),
    };
  }
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const config = loadConfig({ ...settings, DATABASE_URL: url.toString() }, {});
  const database = await openMigratedDatabase(config);
  return {
    kind: 'postgres',
    config,
    database,
    versionedUpdates: async (rows) => {
      await createFloorTable(database, rows);
      const client = postgres(url.toString(), { max: POOL, onnotice: () => {} });
      return {
        update: async (id, version) =>
          ((await client.unsafe(floorUpdate, [id, version], { prepare: true }))[0]?.version as number) ??
          null,
        close: async () => {
          await client.end();
          await database.db.execute(sql`drop table bench_rows`);
        },
      };
    },
    dispose: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const floorUpdate =
  'update bench_rows set version = version + 1 where id = $1 and version = $2 returning version';

async function createFloorTable(database: Database, rows: number) {
  await database.db.execute(sql`create table bench_rows (id int primary key, version int not null)`);
  await database.db.execute(sql`insert into bench_rows select g, 1 from generate_series(1, ${rows}) g`);
}
