import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { timers } from '../../db/schema';
import { PgIncidentStore } from '../../db/store';
import { createEngine, type Engine, EngineError, PlaybookRegistry } from '../../src/engine';
import { drillPlaybook } from '../fixtures/drill-playbook';
import { actor } from '../support/actors';
import { storageBackends, type TestDatabase } from '../support/databases';

const responder = actor('rita', 'responder');
const t0 = Date.parse('2026-03-08T10:00:00.000Z');
const HOUR = 3_600_000;

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`timers on ${backend.name}`, () => {
    let test: TestDatabase;
    let engine: Engine;
    let clock: number;

    beforeAll(async () => {
      test = await backend.open();
    });
    afterAll(async () => {
      await test?.dispose();
    });
    beforeEach(async () => {
      await test.reset();
      clock = t0;
      engine = createEngine({
        store: new PgIncidentStore(test.database.db),
        registry: new PlaybookRegistry([drillPlaybook]),
        now: () => new Date(clock),
        newId: randomUUID,
      });
    });

    const open = (deadlineHours = 48, mode: 'live' | 'exercise' = 'live') =>
      engine.startIncident(
        {
          playbookId: 'drill',
          title: 'Drill',
          input: { deadlineHours },
          actor: responder,
          mode,
          clockStart: mode === 'exercise' ? '2030-01-01T00:00:00Z' : undefined,
        },
        [],
      );
    const rows = (incidentId: string) =>
      test.database.db.select().from(timers).where(eq(timers.incidentId, incidentId));

    it('fires a due timer as an event at its due time, deletes its row, and keeps the chain intact', async () => {
      const incident = await open(48);
      clock = t0 + 47 * HOUR;
      expect(await engine.fireDueTimers()).toBe(0);
      clock = t0 + 50 * HOUR;
      expect(await engine.fireDueTimers()).toBe(1);
      const events = await engine.listEvents(incident.id, 0, 10);
      expect(events[1]).toMatchObject({
        seq: 2,
        type: 'xstate.after.deadline.drill.work',
        source: 'timer',
        actor: 'timer',
        occurredAt: '2026-03-10T10:00:00.000Z',
        note: 'Drill deadline',
      });
      expect((await engine.getIncident(incident.id, [])).context).toMatchObject({
        escalations: ['deadline'],
      });
      expect(await rows(incident.id)).toHaveLength(0);
      expect((await engine.verifyIncident(incident.id)).ok).toBe(true);
      expect(await engine.fireDueTimers()).toBe(0);
    });

    it('fires an incident’s overdue timers in due_at order after downtime', async () => {
      const incident = await open(1.5);
      await engine.advanceIncident({ incidentId: incident.id, type: 'work.started', actor: responder });
      clock = t0 + 10 * HOUR; // both the 1 h reminder and the 1.5 h deadline are overdue
      expect(await engine.fireDueTimers()).toBe(1);
      const fired = (await engine.listEvents(incident.id, 0, 10)).filter((e) => e.source === 'timer');
      expect(fired.map((e) => [e.type, e.occurredAt])).toEqual([
        ['reminder.due', '2026-03-08T11:00:00.000Z'],
        ['xstate.after.deadline.drill.work', '2026-03-08T11:30:00.000Z'],
      ]);
    });

    it('drops a timer whose event the incident no longer accepts, without a transition', async () => {
      const incident = await open(48);
      await test.database.db.insert(timers).values({
        incidentId: incident.id,
        timerId: 'stale',
        event: { type: 'nothing.listens' },
        label: 'Stale',
        dueAt: '2026-03-08T10:30:00.000Z',
      });
      clock = t0 + HOUR;
      expect(await engine.fireDueTimers()).toBe(1);
      expect((await engine.getIncident(incident.id, [])).version).toBe(1);
      expect((await rows(incident.id)).map((r) => r.timerId)).toEqual(['xstate.after.deadline.drill.work']);
    });

    it('leaves exercise incidents to their own clock, which fires their timers in order', async () => {
      const exercise = await open(48, 'exercise');
      expect(exercise.timers[0]?.dueAt).toBe('2030-01-03T00:00:00.000Z');
      clock = Date.parse('2031-01-01T00:00:00Z');
      expect(await engine.fireDueTimers()).toBe(0);

      const moved = await engine.advanceClock(exercise.id, '2030-01-02T00:00:00Z');
      expect(moved.version).toBe(1);
      const fired = await engine.advanceClock(exercise.id, '2030-01-04T00:00:00Z');
      expect(fired.version).toBe(2);
      expect(fired.context).toMatchObject({ escalations: ['deadline'] });
      expect((await engine.listEvents(exercise.id, 1, 10))[0]?.occurredAt).toBe('2030-01-03T00:00:00.000Z');
      expect((await engine.loadIncident(exercise.id)).clockNow).toBe('2030-01-04T00:00:00.000Z');
    });

    it('refuses to move a live clock or an exercise clock backwards', async () => {
      const live = await open(48);
      const exercise = await open(48, 'exercise');
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (e: EngineError) => e.code,
        );
      expect(await codeOf(engine.advanceClock(live.id, '2030-01-01T00:00:00Z'))).toBe('invalid_request');
      expect(await codeOf(engine.advanceClock(exercise.id, '2029-12-31T00:00:00Z'))).toBe('invalid_request');
      expect(await codeOf(engine.advanceClock(exercise.id, 'soon'))).toBe('invalid_request');
      expect(EngineError).toBeDefined();
    });
  });
}
