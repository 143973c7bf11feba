import { describe, expect, it } from 'vitest';
import { Refusal } from '../../src/engine';
import { actor } from '../support/actors';
import { storageBackends } from '../support/databases';
import { openDrill, useDrillEngine } from '../support/drill-engine';

const responder = actor('rita', 'responder');
const t0 = Date.parse('2026-03-08T10:00:00.000Z');
const HOUR = 3_600_000;

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`timers on ${backend.name}`, () => {
    const drill = useDrillEngine(backend, t0);

    const open = (deadlineHours = 48, mode: 'live' | 'exercise' = 'live') =>
      openDrill(drill.engine, responder, { deadlineHours, mode });
    const rows = (incidentId: string) => drill.store.listTimers(incidentId);

    it('fires a due timer as an event at its due time, deletes its row, and keeps the chain intact', async () => {
      const incident = await open(48);
      drill.clock = t0 + 47 * HOUR;
      expect(await drill.engine.fireDueTimers()).toBe(0);
      drill.clock = t0 + 50 * HOUR;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      const events = await drill.engine.listEvents(incident.id, 0, 10);
      expect(events[1]).toMatchObject({
        seq: 2,
        type: 'deadline.passed',
        payload: { timer: 'deadline', label: 'Drill deadline', dueAt: '2026-03-10T10:00:00.000Z' },
        source: 'timer',
        actor: 'timer',
        occurredAt: '2026-03-10T10:00:00.000Z',
        note: 'Drill deadline',
      });
      expect((await drill.engine.getIncident(incident.id, [])).context).toMatchObject({
        escalations: ['deadline'],
      });
      expect(await rows(incident.id)).toHaveLength(0);
      expect((await drill.engine.verifyIncident(incident.id)).ok).toBe(true);
      expect(await drill.engine.fireDueTimers()).toBe(0);
    });

    it('fires an incident’s overdue timers in due_at order after downtime', async () => {
      const incident = await open(1.5);
      await drill.engine.advanceIncident({ incidentId: incident.id, type: 'work.started', actor: responder });
      drill.clock = t0 + 10 * HOUR; // both the 1 h reminder and the 1.5 h deadline are overdue
      expect(await drill.engine.fireDueTimers()).toBe(1);
      const fired = (await drill.engine.listEvents(incident.id, 0, 10)).filter((e) => e.source === 'timer');
      expect(fired.map((e) => [e.type, e.occurredAt])).toEqual([
        ['reminder.due', '2026-03-08T11:00:00.000Z'],
        ['deadline.passed', '2026-03-08T11:30:00.000Z'],
      ]);
    });

    it('drops a timer whose event the incident no longer accepts, without a transition', async () => {
      const incident = await open(48);
      await drill.test.plantTimer({
        incidentId: incident.id,
        timerId: 'stale',
        event: { type: 'nothing.listens' },
        label: 'Stale',
        dueAt: '2026-03-08T10:30:00.000Z',
      });
      drill.clock = t0 + HOUR;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      expect((await drill.engine.getIncident(incident.id, [])).version).toBe(1);
      expect((await rows(incident.id)).map((r) => r.timerId)).toEqual(['xstate.after.deadline.drill.work']);
    });

    it('fires a backlog after downtime in units of a few timers, in due order, one incident touched', async () => {
      const incident = await open(48);
      await drill.engine.advanceIncident({ incidentId: incident.id, type: 'work.started', actor: responder });
      for (let i = 0; i < 25; i++) {
        await drill.test.plantTimer({
          incidentId: incident.id,
          timerId: `backlog-${String(i).padStart(2, '0')}`,
          event: { type: 'reminder.due' },
          label: `Backlog ${i}`,
          dueAt: new Date(t0 + 2 * HOUR + i * 60_000).toISOString(),
        });
      }
      const units: number[] = [];
      const store = drill.store;
      const unitOfWork = store.withLockedIncident.bind(store);
      store.withLockedIncident = async (pick, work) =>
        unitOfWork(pick, (locked) => {
          const written = work(locked);
          units.push(written.events.length);
          return written;
        });
      drill.clock = t0 + 5 * HOUR;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      // The 1 h reminder and the 25 planted ones: 26 fires, ten at most per unit of work.
      expect(units.reduce((sum, n) => sum + n, 0)).toBe(26);
      expect(Math.max(...units)).toBeLessThanOrEqual(10);
      expect(units.length).toBeGreaterThanOrEqual(3);
      const fired = (await drill.engine.listEvents(incident.id, 0, 100)).filter((e) => e.source === 'timer');
      const times = fired.map((e) => e.occurredAt);
      expect(times).toEqual([...times].sort());
      expect(await rows(incident.id)).toEqual([
        expect.objectContaining({ timerId: 'xstate.after.deadline.drill.work' }),
      ]);
      expect((await drill.engine.verifyIncident(incident.id)).ok).toBe(true);
    });

    it('leaves exercise incidents to their own clock, which fires their timers in order', async () => {
      const exercise = await open(48, 'exercise');
      expect(exercise.timers[0]?.dueAt).toBe('2030-01-03T00:00:00.000Z');
      drill.clock = Date.parse('2031-01-01T00:00:00Z');
      expect(await drill.engine.fireDueTimers()).toBe(0);

      const moved = await drill.engine.advanceClock(exercise.id, '2030-01-02T00:00:00Z');
      expect(moved.version).toBe(1);
      const fired = await drill.engine.advanceClock(exercise.id, '2030-01-04T00:00:00Z');
      expect(fired.version).toBe(2);
      expect(fired.context).toMatchObject({ escalations: ['deadline'] });
      expect((await drill.engine.listEvents(exercise.id, 1, 10))[0]?.occurredAt).toBe(
        '2030-01-03T00:00:00.000Z',
      );
      expect((await drill.engine.loadIncident(exercise.id)).clockNow).toBe('2030-01-04T00:00:00.000Z');
    });

    it('refuses to move a live clock or an exercise clock backwards', async () => {
      const live = await open(48);
      const exercise = await open(48, 'exercise');
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (e: Refusal) => e.code,
        );
      expect(await codeOf(drill.engine.advanceClock(live.id, '2030-01-01T00:00:00Z'))).toBe(
        'invalid_request',
      );
      expect(await codeOf(drill.engine.advanceClock(exercise.id, '2029-12-31T00:00:00Z'))).toBe(
        'invalid_request',
      );
      expect(await codeOf(drill.engine.advanceClock(exercise.id, 'soon'))).toBe('invalid_request');
      expect(Refusal).toBeDefined();
    });
  });
}
