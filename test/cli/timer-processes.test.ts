import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, lte, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { incidentEvents, timers } from '../../db/schema';
import { PgIncidentStore } from '../../db/store';
import { playbooks } from '../../playbooks';
import { createEngine, PlaybookRegistry, timerKey } from '../../src/engine';
import { actor } from '../support/actors';
import { createScratchPostgres, TEST_DATABASE_URL } from '../support/databases';
import type { Body } from '../support/http';
import { keyringOf } from '../support/keys';
import {
  cleanEnv,
  killAll,
  PROCESS_SIGNING_KEY_FILE,
  sleep,
  startServe,
  waitFor,
} from '../support/processes';

const ADMIN = 'process-test-admin-token-0123';
const dirs: string[] = [];
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const demandInput = (receivedAt: string, windowHours = 48) => ({
  demand: {
    receivedAt,
    channel: 'email',
    claimedAssets: ['image files'],
    proofOfAccess: false,
    threatenedActions: ['publish_internet'],
    amount: 1000,
    currency: 'USD',
    windowHours,
  },
  organisation: { name: 'JJ Meds', country: 'CA' },
  jurisdictions: ['CA'],
  dataCategories: ['health'],
});

async function api(url: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Body };
}

describe('timers across restarts and instances', () => {
  it('a server killed with -9 as a timer falls due fires it exactly once after restart (PGlite)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-kill-'));
    dirs.push(dataDir);
    const env = cleanEnv({ HOLDFAST_ADMIN_TOKEN: ADMIN });
    const first = await startServe(['--data-dir', dataDir], env);
    // The declaration timer (demand + 30 min) falls due 2 s from now.
    const dueAt = Date.now() + 2000;
    const created = await api(first.url, '/v1/incidents', {
      method: 'POST',
      body: JSON.stringify({
        playbookId: 'ransom-demand',
        title: 'Kill test',
        input: demandInput(new Date(dueAt - 30 * 60_000).toISOString()),
      }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const declaration = created.body.timers.find((t: { id: string }) => t.id.includes('declarationOverdue'));
    expect(Date.parse(declaration.dueAt)).toBe(dueAt);

    await sleep(Math.max(0, dueAt - Date.now()));
    await first.kill9();
    await sleep(1000);

    const second = await startServe(['--data-dir', dataDir], env);
    const fired = await waitFor(
      async () => {
        const events = (await api(second.url, `/v1/incidents/${id}/events`)).body.items as Body[];
        const hits = events.filter((e) => e.source === 'timer' && e.payload.timer === 'declarationOverdue');
        return hits.length > 0 ? events : undefined;
      },
      15_000,
      'the overdue declaration timer',
    );
    await sleep(2500); // several more worker ticks: nothing may fire it again
    const events = (await api(second.url, `/v1/incidents/${id}/events`)).body.items as Body[];
    const hits = events.filter(
      (e) => e.type === 'deadline.passed' && e.payload.timer === 'declarationOverdue',
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]!.occurredAt).toBe(declaration.dueAt);
    expect(fired.length).toBeGreaterThanOrEqual(2);
    expect((await api(second.url, `/v1/incidents/${id}/verify`)).body.ok).toBe(true);
    await second.stop();
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'three instances on one Postgres fire 1,000 timers due in the same second exactly once, in order per incident',
    async () => {
      const scratch = await createScratchPostgres();
      const database = await openDatabase({ databaseUrl: scratch.url, dataDir: '', maxConnections: 20 });
      try {
        await database.migrate();
        const engine = createEngine({
          store: new PgIncidentStore(database.db),
          registry: new PlaybookRegistry(playbooks),
          now: () => new Date(),
          newId: randomUUID,
          // The key the serve processes below sign with: every instance of a deployment shares one.
          keyring: keyringOf(PROCESS_SIGNING_KEY_FILE),
        });
        // All 1,000 demands arrived at the same instant, so every declaration timer (demand + 30 min) falls due
        // at one instant T a few seconds from now. A 1 h window puts the 24/12/1 h ransom warnings in the past:
        // they are overdue at open and fire first, so each incident has several timers to fire in order.
        const dueInstant = Math.ceil(Date.now() / 1000) * 1000 + 30_000;
        const receivedAt = new Date(dueInstant - 30 * 60_000).toISOString();
        const opener = actor('opener', 'incident_commander');
        const ids: string[] = [];
        for (let batch = 0; batch < 50; batch++) {
          const opened = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              engine.startIncident(
                {
                  playbookId: 'ransom-demand',
                  title: `Load ${batch * 20 + i}`,
                  input: demandInput(receivedAt, 24),
                  actor: opener,
                },
                [],
              ),
            ),
          );
          ids.push(...opened.map((incident) => incident.id));
        }
        expect(Date.now()).toBeLessThan(dueInstant - 2000); // opening took less time than planned for
        const horizon = new Date(dueInstant).toISOString();
        const dueRows = await database.db.select().from(timers).where(lte(timers.dueAt, horizon));
        const dueByIncident = new Map<string, Set<string>>();
        for (const row of dueRows) {
          const set = dueByIncident.get(row.incidentId) ?? new Set<string>();
          set.add(row.timerId);
          dueByIncident.set(row.incidentId, set);
        }
        expect(dueByIncident.size).toBe(1000);
        const declarationDue = dueRows.filter((row) => row.timerId.includes('declarationOverdue'));
        expect(declarationDue).toHaveLength(1000);
        expect(new Set(declarationDue.map((row) => new Date(row.dueAt).toISOString()))).toEqual(
          new Set([horizon]),
        );

        const env = cleanEnv({ HOLDFAST_ADMIN_TOKEN: ADMIN, DATABASE_URL: scratch.url });
        const servers = await Promise.all([startServe([], env), startServe([], env), startServe([], env)]);
        await waitFor(
          async () => {
            const [left] = await database.db
              .select({ n: sql<number>`count(*)::int` })
              .from(timers)
              .where(lte(timers.dueAt, horizon));
            return left?.n === 0 ? true : undefined;
          },
          90_000,
          'every due timer to fire',
        );
        await sleep(2500);

        const fired = await database.db
          .select({
            incidentId: incidentEvents.incidentId,
            seq: incidentEvents.seq,
            timer: sql<string>`${incidentEvents.payload}->>'timer'`,
            occurredAt: incidentEvents.occurredAt,
          })
          .from(incidentEvents)
          .where(eq(incidentEvents.source, 'timer'))
          .orderBy(incidentEvents.incidentId, incidentEvents.seq);
        const byIncident = new Map<string, typeof fired>();
        for (const event of fired)
          byIncident.set(event.incidentId, [...(byIncident.get(event.incidentId) ?? []), event]);
        for (const id of ids) {
          const events = byIncident.get(id) ?? [];
          const fires = events.map((e) => e.timer);
          expect(new Set(fires).size, `a timer fired twice on ${id}`).toBe(fires.length);
          for (const timerId of dueByIncident.get(id)!) expect(fires).toContain(timerKey(timerId));
          const times = events.map((e) => Date.parse(e.occurredAt));
          expect(times, `out of order on ${id}`).toEqual([...times].sort((a, b) => a - b));
        }
        const declarationsFired = fired.filter((e) => e.timer === 'declarationOverdue');
        expect(declarationsFired).toHaveLength(1000);
        for (const id of ids.slice(0, 25)) {
          expect((await api(servers[0]!.url, `/v1/incidents/${id}/verify`)).body.ok).toBe(true);
        }
        const versions = await database.db.execute(
          sql`select count(*)::int as bad from incidents i where version <> (select max(seq) from incident_events e where e.incident_id = i.id)`,
        );
        expect(JSON.stringify(versions)).toContain('"bad":0');
        await Promise.all(servers.map((server) => server.stop()));
      } finally {
        await database.close();
        await scratch.drop();
      }
    },
    180_000,
  );
});
