import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, rowsOf } from '../../db/client';
import { createScratchPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/databases';
import { type Client, client, type Services, testClock, testServices } from '../support/http';
import { cleanEnv, holdfastBin } from '../support/processes';

/**
 * `holdfast serve` as the role db/roles.sql describes, on the real Postgres: the owner migrates and grants,
 * the app works as the role, and the role cannot change or erase the history, nor take its triggers off.
 */

const run = promisify(execFile);

describe.skipIf(!TEST_DATABASE_URL)('serving as the least-privilege app role (Postgres)', () => {
  const role = `holdfast_app_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const clock = testClock('2026-03-08T10:00:00.000Z');
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
  let owner: Database;
  let app: Database;
  let services: Services;
  let admin: Client;

  beforeAll(async () => {
    scratch = await createScratchPostgres();
    owner = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
    await owner.migrate();
    await owner.db.execute(sql.raw(`create role "${role}" login`));
    await run(process.execPath, [holdfastBin, 'db', 'grant-app-role', role, '--database-url', scratch.url], {
      env: cleanEnv(),
    });
    const appUrl = new URL(scratch.url);
    appUrl.username = role;
    app = await openDatabase({ databaseUrl: appUrl.toString(), dataDir: '' });
    const asTestDatabase: TestDatabase = {
      name: 'postgres as the app role',
      database: app,
      reset: async () => {},
      dispose: async () => {},
    };
    services = testServices(asTestDatabase, {}, clock.now);
    await services.changes.start();
    admin = client(services);
  });

  afterAll(async () => {
    await services?.changes.stop();
    await app?.close();
    await owner?.close();
    await scratch?.drop();
    const server = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    await server.unsafe(`drop role if exists "${role}"`);
    await server.end();
  });

  /** The SQLSTATE a statement run as the app role fails with. */
  const refusal = async (statement: string): Promise<string | undefined> => {
    try {
      await app.db.execute(sql.raw(statement));
      return undefined;
    } catch (error) {
      return (error as { cause?: { code?: string } }).cause?.code;
    }
  };

  it('starts without migrating (the owner did) and works: tokens, open, advance, timers, exercises, verify', async () => {
    await app.migrate();
    const observer = await admin.request('POST', '/v1/tokens', {
      body: { name: 'watcher', roles: ['observer'] },
    });
    expect(observer.status).toBe(201);

    const opened = await admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 1 } },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    clock.advance(60_000);
    const advanced = await admin.request('POST', `/v1/incidents/${id}/events`, {
      body: { type: 'work.started' },
    });
    expect(advanced.status).toBe(200);
    clock.advance(2 * 3_600_000);
    // At least this incident: the database may hold others due by the moved clock.
    expect(await services.engine.fireDueTimers()).toBeGreaterThanOrEqual(1);

    const exercise = await admin.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } });
    expect(exercise.status).toBe(201);
    const moved = await admin.request('POST', `/v1/exercises/${exercise.body.id}/clock`, {
      body: { advance: 'PT2H' },
    });
    expect(moved.status).toBe(200);

    const listed = await admin.request('GET', '/v1/incidents?since=0.0');
    expect(listed.status).toBe(200);
    const verdict = (await admin.request('GET', `/v1/incidents/${id}/verify`)).body;
    expect(verdict).toMatchObject({ ok: true, checkpoint: { ok: true, seq: verdict.events } });
    expect(verdict.events).toBeGreaterThanOrEqual(4);
  });

  it('cannot UPDATE, DELETE or TRUNCATE the history, nor take its triggers off', async () => {
    const counts = async () =>
      rowsOf<{ events: number; checkpoints: number }>(
        await owner.db.execute(
          sql`select (select count(*)::int from incident_events) as events, (select count(*)::int from incident_checkpoints) as checkpoints`,
        ),
      )[0];
    const before = await counts();
    expect(before!.events).toBeGreaterThan(0);
    expect(before!.checkpoints).toBeGreaterThan(0);
    for (const table of ['incident_events', 'incident_checkpoints']) {
      expect(await refusal(`update ${table} set seq = seq`), table).toBe('42501');
      expect(await refusal(`delete from ${table}`), table).toBe('42501');
      expect(await refusal(`truncate ${table}`), table).toBe('42501');
      expect(await refusal(`alter table ${table} disable trigger all`), table).toBe('42501');
    }
    expect(await refusal('alter table incident_events disable trigger incident_events_append_only')).toBe(
      '42501',
    );
    expect(await refusal('drop trigger incident_events_no_truncate on incident_events')).toBe('42501');
    expect(await refusal('set session_replication_role = replica')).toBe('42501');
    expect(await counts()).toEqual(before);
  });

  it('is granted something on every table of the schema (db/roles.sql forgets none)', async () => {
    const ungranted = rowsOf<{ table_name: string }>(
      await owner.db.execute(sql`
        select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'
          and not has_table_privilege(${role}, format('%I.%I', table_schema, table_name), 'SELECT')`),
    );
    expect(ungranted).toEqual([]);
  });

  it('refuses to start with a clear message while migrations are pending, and leaves them to the owner', async () => {
    const [last] = rowsOf<{ id: number; hash: string; created_at: string }>(
      await owner.db.execute(
        sql`select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
      ),
    );
    await owner.db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${last!.id}`);
    try {
      await expect(app.migrate()).rejects.toThrow(
        'the database has migrations to apply and this role may not apply them: run `holdfast migrate`',
      );
    } finally {
      await owner.db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last!.id}, ${last!.hash}, ${last!.created_at})`,
      );
    }
    await app.migrate();
  });
});
