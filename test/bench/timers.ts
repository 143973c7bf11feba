import { randomUUID } from 'node:crypto';
import { and, eq, like, sql } from 'drizzle-orm';
import { incidentEvents, timers } from '../../db/schema';
import { PgIncidentStore } from '../../db/store';
import { playbooks } from '../../playbooks';
import { createEngine, PlaybookRegistry, startTimerWorker } from '../../src/engine';
import { testKeyring } from '../support/keys';
import type { BenchTarget } from './target';

export interface TimerBenchResult {
  timers: number;
  drainSeconds: number;
  lagP50Ms: number;
  lagP99Ms: number;
  firesPerSecond: number;
  floorUpdatesPerSecond: number;
  /** holdfast fires per second ÷ bare versioned UPDATEs per second, same database, same run. */
  ratioToFloor: number;
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** The floor: one client doing `count` single-row versioned UPDATEs on distinct rows, one after another. */
async function updateFloor(target: BenchTarget, count: number): Promise<number> {
  const updates = await target.versionedUpdates(count);
  try {
    const started = performance.now();
    for (let id = 1; id <= count; id++) await updates.update(id, 1);
    return count / ((performance.now() - started) / 1000);
  } finally {
    await updates.close();
  }
}

/** 10,000 ransom-demand incidents whose declaration timers all fall due at one instant; one worker drains them. */
export async function benchTimers(
  target: BenchTarget,
  count: number,
  log: (line: string) => void,
): Promise<TimerBenchResult> {
  const { database } = target;
  const engine = createEngine({
    store: new PgIncidentStore(database.db),
    registry: new PlaybookRegistry(playbooks),
    now: () => new Date(),
    newId: randomUUID,
    keyring: testKeyring(),
  });
  const opener = { id: 'bench', name: 'bench', roles: ['incident_commander'] };
  const receivedAt = new Date().toISOString();
  log(`opening ${count} incidents…`);
  for (let done = 0; done < count; done += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - done) }, (_, i) =>
        engine.startIncident(
          {
            playbookId: 'ransom-demand',
            title: `Bench ${done + i}`,
            actor: opener,
            input: {
              demand: {
                receivedAt,
                channel: 'email',
                claimedAssets: ['files'],
                proofOfAccess: false,
                threatenedActions: [],
                amount: 1,
                currency: 'USD',
              },
              organisation: { name: 'Bench', country: 'CA' },
            },
          },
          [],
        ),
      ),
    );
  }
  // Every declaration timer falls due at the same instant, 2 s from now.
  const dueAt = new Date(Date.now() + 2000).toISOString();
  await database.db.update(timers).set({ dueAt }).where(like(timers.timerId, '%declarationOverdue%'));
  log(`${count} timers due at ${dueAt}; draining with one worker…`);
  const worker = startTimerWorker({
    fireDueTimers: engine.fireDueTimers,
    nextDueAt: engine.nextTimerDue,
    now: () => new Date(),
    onError: (error) => log(`worker error: ${String(error)}`),
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if (Date.now() < Date.parse(dueAt)) continue;
    const [left] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(timers)
      .where(sql`${timers.dueAt} <= ${dueAt}`);
    if (left?.n === 0) break;
  }
  await worker.stop();
  const fired = await database.db
    .select({ occurredAt: incidentEvents.occurredAt, recordedAt: incidentEvents.recordedAt })
    .from(incidentEvents)
    .where(
      and(
        eq(incidentEvents.source, 'timer'),
        sql`${incidentEvents.payload}->>'timer' = 'declarationOverdue'`,
      ),
    );
  if (fired.length !== count) throw new Error(`expected ${count} fires, saw ${fired.length}`);
  const lags = fired.map((e) => Date.parse(e.recordedAt) - Date.parse(e.occurredAt)).sort((a, b) => a - b);
  const drainSeconds =
    Math.max(...fired.map((e) => Date.parse(e.recordedAt))) / 1000 - Date.parse(dueAt) / 1000;
  const firesPerSecond = count / drainSeconds;
  log('measuring the floor (bare versioned UPDATEs)…');
  const floorUpdatesPerSecond = await updateFloor(target, count);
  return {
    timers: count,
    drainSeconds: Number(drainSeconds.toFixed(2)),
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    firesPerSecond: Math.round(firesPerSecond),
    floorUpdatesPerSecond: Math.round(floorUpdatesPerSecond),
    ratioToFloor: Number((firesPerSecond / floorUpdatesPerSecond).toFixed(3)),
  };
}
