import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEngine, PlaybookRegistry } from '../../src/engine';
import type { IncidentStore } from '../../src/engine/types';
import { drillPlaybook } from '../fixtures/drill-playbook';
import { actor } from '../support/actors';
import { storageBackends } from '../support/databases';
import { useDrillEngine } from '../support/drill-engine';
import { testKeyring } from '../support/keys';

const responder = actor('rita', 'responder');
const t0 = Date.parse('2026-03-08T10:00:00.000Z');

/** The store, counting in `reads` how often the engine reads an incident row. */
function countingReads(store: IncidentStore): IncidentStore & { reads: number } {
  const counting = Object.assign(store, { reads: 0 });
  const getIncident = store.getIncident.bind(store);
  counting.getIncident = (id) => {
    counting.reads++;
    return getIncident(id);
  };
  return counting;
}

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`write cache on ${backend.name}`, () => {
    const drill = useDrillEngine(backend, t0);

    /** Two engines over the one database, as two instances would be. */
    const twoInstances = () => {
      const make = () => {
        const store = countingReads(drill.test.incidentStore());
        const engine = createEngine({
          store,
          registry: new PlaybookRegistry([drillPlaybook]),
          now: () => new Date(drill.clock),
          newId: randomUUID,
          keyring: testKeyring(),
        });
        return { store, engine };
      };
      return [make(), make()] as const;
    };
    const note = (incidentId: string, text: string) => ({
      incidentId,
      type: 'note.added',
      payload: { text },
      actor: responder,
    });

    it('writes on the row it last wrote without reading it again', async () => {
      const [a] = twoInstances();
      const incident = await a.engine.startIncident(
        { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 }, actor: responder },
        [],
      );
      for (const text of ['one', 'two', 'three']) await a.engine.applyEvent(note(incident.id, text));
      expect(a.store.reads).toBe(0);
      expect((await a.engine.loadIncident(incident.id)).version).toBe(4);
    });

    it('loses nothing when another instance wrote in between: the stale row fails the commit and is re-read', async () => {
      const [a, b] = twoInstances();
      const incident = await a.engine.startIncident(
        { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 }, actor: responder },
        [],
      );
      await b.engine.applyEvent({ incidentId: incident.id, type: 'work.started', actor: responder });
      await a.engine.applyEvent(note(incident.id, 'after b'));
      expect(a.store.reads).toBe(1);
      // a's cached row still says "not started", so work.finished looks refused there; the stored row allows it.
      await b.engine.applyEvent(note(incident.id, 'b again'));
      const finished = await a.engine.applyEvent({
        incidentId: incident.id,
        type: 'work.finished',
        actor: responder,
      });
      expect(finished.event.seq).toBe(5);
      const events = await a.engine.listEvents(incident.id, 0, 100);
      expect(events.map((event) => [event.seq, event.type])).toEqual([
        [1, 'incident.opened'],
        [2, 'work.started'],
        [3, 'note.added'],
        [4, 'note.added'],
        [5, 'work.finished'],
      ]);
      expect((await a.engine.verifyIncident(incident.id)).ok).toBe(true);
    });

    it('takes the exercise clock from the database when another instance moved it', async () => {
      const [a, b] = twoInstances();
      const exercise = await a.engine.startIncident(
        {
          playbookId: 'drill',
          title: 'Drill',
          input: { deadlineHours: 48 },
          actor: responder,
          mode: 'exercise',
          clockStart: '2030-01-01T00:00:00Z',
        },
        [],
      );
      await a.engine.moveClock(exercise.id, '2030-01-01T01:00:00Z');
      expect(a.store.reads).toBe(0);
      await b.engine.moveClock(exercise.id, '2030-01-01T05:00:00Z');
      const applied = await a.engine.applyEvent(note(exercise.id, 'late'));
      expect(applied.event.occurredAt).toBe('2030-01-01T05:00:00.000Z');
      await expect(a.engine.moveClock(exercise.id, '2030-01-01T03:00:00Z')).rejects.toMatchObject({
        code: 'invalid_request',
      });
      // A move past a due timer fires it at its due time.
      const moved = await a.engine.moveClock(exercise.id, '2030-01-04T00:00:00Z');
      expect(moved.version).toBe(3);
      expect(moved.clockNow).toBe('2030-01-04T00:00:00.000Z');
      expect((await a.engine.listEvents(exercise.id, 2, 10))[0]?.occurredAt).toBe('2030-01-03T00:00:00.000Z');
    });
  });
}
