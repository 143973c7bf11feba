import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Database } from './client';

const rolesFile = new URL('./roles.sql', import.meta.url);

/** The statements of `db/roles.sql` for `role` (what psql does with `-v app_role=…`). */
export function appRoleStatements(role: string): string[] {
  if (!/^[^\0]{1,63}$/.test(role)) throw new Error(`"${role}" is not a role name`);
  const quoted = `"${role.replaceAll('"', '""')}"`;
  return readFileSync(rolesFile, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean)
    .map((statement) => statement.replaceAll(':"app_role"', quoted));
}

/** Grants `role` what `holdfast serve` needs and nothing more; run as the tables' owner. */
export async function grantAppRole(database: Database, role: string): Promise<void> {
  if (database.kind !== 'postgres') throw new Error('roles are for Postgres; the embedded database has none');
  const statements = appRoleStatements(role);
  await database.db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
}
