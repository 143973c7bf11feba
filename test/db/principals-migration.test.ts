import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../db/client';
import { PgTokenStore } from '../../db/store';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The migrations folder as it was before `tag`. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-migrations-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
  const cut = journal.entries.findIndex((entry: { tag: string }) => entry.tag === tag);
  journal.entries = journal.entries.slice(0, cut);
  for (const entry of journal.entries) {
    copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  }
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

const ids = {
  dana: '00000000-0000-4000-8000-000000000001',
  Dana: '00000000-0000-4000-8000-000000000002',
  danaZeroWidth: '00000000-0000-4000-8000-000000000003',
  bob: '00000000-0000-4000-8000-000000000004',
  carolOld: '00000000-0000-4000-8000-000000000005',
  carolNew: '00000000-0000-4000-8000-000000000006',
  openIncident: '00000000-0000-4000-8000-0000000000a1',
  closedIncident: '00000000-0000-4000-8000-0000000000a2',
};

describe('migration 0010: principals', () => {
  it('gives every existing token a principal, one per name as new names are compared', async () => {
    const client = new PGlite();
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsBefore('0010_principals') });
    const token = (id: string, name: string, at: string, revoked = false) => sql`
      insert into tokens (id, name, roles, token_hash, created_at, revoked_at)
      values (${id}, ${name}, array['observer'], ${`hash-${id}`}, ${at}, ${revoked ? at : null})`;
    await db.execute(token(ids.dana, 'dana', '2026-01-01T00:00:00Z'));
    await db.execute(token(ids.Dana, 'Dana', '2026-01-02T00:00:00Z'));
    await db.execute(token(ids.danaZeroWidth, 'dana\u200b', '2026-01-03T00:00:00Z'));
    await db.execute(token(ids.bob, 'bob', '2026-01-01T00:00:00Z'));
    await db.execute(token(ids.carolOld, 'carol', '2026-01-01T00:00:00Z', true));
    await db.execute(token(ids.carolNew, 'carol', '2026-01-05T00:00:00Z'));
    // Machines recorded who asked to pay by token id.
    const incident = (id: string, status: string, by: string) => sql`
      insert into incidents (id, playbook_id, playbook_version, title, severity, mode, status, state, snapshot,
        version, head_hash, created_at, updated_at)
      values (${id}, 'ransom-demand', 3, 't', 'high', 'live', ${status}, '{}'::jsonb,
        ${JSON.stringify({ context: { facts: { 'payment.pay_requested': { by, byName: 'carol' } } } })}::jsonb,
        1, 'h', now(), now())`;
    await db.execute(incident(ids.openIncident, 'open', ids.carolNew));
    await db.execute(incident(ids.closedIncident, 'closed', ids.carolNew));

    await migrate(db, { migrationsFolder });

    const principals = (await db.execute(sql`select id, name, kind from principals order by name_key`)).rows;
    expect(principals).toEqual([
      { id: ids.bob, name: 'bob', kind: 'person' },
      { id: ids.carolOld, name: 'carol', kind: 'person' },
      { id: ids.dana, name: 'dana', kind: 'person' },
    ]);
    const tokens = (await db.execute(sql`select id, name, principal_id from tokens order by id`)).rows;
    expect(tokens).toEqual([
      { id: ids.dana, name: 'dana', principal_id: ids.dana },
      { id: ids.Dana, name: 'dana', principal_id: ids.dana },
      { id: ids.danaZeroWidth, name: 'dana', principal_id: ids.dana },
      { id: ids.bob, name: 'bob', principal_id: ids.bob },
      { id: ids.carolOld, name: 'carol', principal_id: ids.carolOld },
      { id: ids.carolNew, name: 'carol', principal_id: ids.carolOld },
    ]);
    const requester = async (id: string) =>
      (
        await db.execute<{ by: string }>(
          sql`select snapshot #>> '{context,facts,payment.pay_requested,by}' as by from incidents where id = ${id}`,
        )
      ).rows[0]!.by;
    expect(await requester(ids.openIncident)).toBe(ids.carolOld);
    expect(await requester(ids.closedIncident)).toBe(ids.carolNew);

    const store = new PgTokenStore(db as never);
    expect(await store.findActiveTokenByHash(`hash-${ids.carolNew}`)).toMatchObject({
      id: ids.carolNew,
      name: 'carol',
      principalId: ids.carolOld,
    });
    await client.close();
  });
});

describe('migration 0011: OpenID Connect subjects of principals', () => {
  it('keeps every principal and its tokens, none linked, and lets each subject be linked once', async () => {
    const client = new PGlite();
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsBefore('0011_principals_oidc_subject') });
    await db.execute(sql`
      insert into principals (id, name, name_key, kind, created_at) values
        (${ids.dana}, 'Dana', 'dana', 'person', '2026-01-01T00:00:00Z'),
        (${ids.bob}, 'ci', 'ci', 'service', '2026-01-02T00:00:00Z')`);
    await db.execute(sql`
      insert into tokens (id, name, principal_id, roles, token_hash, created_at) values
        (${ids.Dana}, 'Dana', ${ids.dana}, array['legal'], 'hash-dana', '2026-01-01T00:00:00Z')`);

    await migrate(db, { migrationsFolder });

    const store = new PgTokenStore(db as never);
    expect(await store.listPrincipals()).toEqual([
      { id: ids.bob, name: 'ci', kind: 'service', createdAt: '2026-01-02T00:00:00.000Z', oidcSubject: null },
      {
        id: ids.dana,
        name: 'Dana',
        kind: 'person',
        createdAt: '2026-01-01T00:00:00.000Z',
        oidcSubject: null,
      },
    ]);
    expect(await store.findActiveTokenByHash('hash-dana')).toMatchObject({ principalId: ids.dana });
    const subject = 'https://id.example.com#u-1';
    expect((await store.linkOidcSubject('dana', subject)).principal?.oidcSubject).toBe(subject);
    expect(await store.linkOidcSubject('ci', subject)).toMatchObject({
      principal: { id: ids.bob, oidcSubject: null },
      holder: { id: ids.dana },
    });
    await client.close();
  });
});
