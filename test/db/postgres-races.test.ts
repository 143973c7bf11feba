import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase } from '../../db/client';
import { PgIncidentStore } from '../../db/store';
import { type AdvanceResult, createEngine, type Engine, PlaybookRegistry, Refusal } from '../../src/engine';
import { drillPlaybook } from '../fixtures/drill-playbook';
import { actor } from '../support/actors';
import {
  createScratchPostgres,
  openTestPostgres,
  TEST_DATABASE_URL,
  type TestDatabase,
} from '../support/databases';
import { testKeyring } from '../support/keys';

const responder = actor('rita', 'responder');
const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
  entries: unknown[];
};

describe.skipIf(!TEST_DATABASE_URL)('Postgres races', () => {
  let test: TestDatabase;
  let engine: Engine;

  beforeAll(async () => {
    test = await openTestPostgres(25);
    engine = createEngine({
      store: new PgIncidentStore(test.database.db),
      registry: new PlaybookRegistry([drillPlaybook]),
      now: () => new Date(),
      newId: randomUUID,
      keyring: testKeyring(),
    });
  });
  afterAll(async () => {
    await test?.dispose();
  });

  const open = () =>
    engine.startIncident(
      { playbookId: 'drill', title: 'Hot incident', input: {}, actor: responder },
      responder.roles,
    );

  it('50 concurrent writers on one incident: each 200 is one event, seq gap-free, losers get 409/412', async () => {
    const incident = await open();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        engine.advanceIncident({
          incidentId: incident.id,
          type: 'note.added',
          payload: { text: `writer ${i}` },
          actor: responder,
          // Half the writers say which version they saw; the others let the server retry.
          ifMatch: i % 2 === 0 ? 1 : undefined,
        }),
      ),
    );
    const won = outcomes.filter((o): o is PromiseFulfilledResult<AdvanceResult> => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    for (const loss of lost) {
      expect(loss.reason).toBeInstanceOf(Refusal);
      expect((loss.reason as Refusal).code).toBe('version_mismatch');
    }
    expect(won.length).toBeGreaterThan(1);
    const seqs = won.map((w) => w.value.event.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(seqs.length);
    const events = await engine.listEvents(incident.id, 0, 1000);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: won.length + 1 }, (_, i) => i + 1));
    const texts = events
      .slice(1)
      .map((e) => (e.payload as { text: string }).text)
      .sort();
    expect(texts).toEqual(won.map((w) => (w.value.event.payload as { text: string }).text).sort());
    expect((await engine.getIncident(incident.id, [])).version).toBe(won.length + 1);
    expect((await engine.verifyIncident(incident.id)).ok).toBe(true);
  });

  it('concurrent repeats of one Idempotency-Key produce exactly one event', async () => {
    const incident = await open();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        engine.advanceIncident({
          incidentId: incident.id,
          type: 'note.added',
          payload: { text: 'once' },
          actor: responder,
          idempotencyKey: 'the-one-key',
        }),
      ),
    );
    expect(new Set(results.map((r) => r.event.seq))).toEqual(new Set([2]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await engine.listEvents(incident.id, 0, 100)).toHaveLength(2);
  });

  it('two instances migrating one empty database at once both start, and migrate it once', async () => {
    const scratch = await createScratchPostgres();
    const [a, b] = await Promise.all([
      openDatabase({ databaseUrl: scratch.url, dataDir: '' }),
      openDatabase({ databaseUrl: scratch.url, dataDir: '' }),
    ]);
    try {
      await Promise.all([a.migrate(), b.migrate()]);
      const applied = await a.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const triggers = await b.db.execute(
        sql`select count(*)::int as n from pg_trigger where tgname = 'incident_events_append_only'`,
      );
      expect((applied as unknown as { n: number }[])[0]?.n).toBe(journal.entries.length);
      expect((triggers as unknown as { n: number }[])[0]?.n).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
