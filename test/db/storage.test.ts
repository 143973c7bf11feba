import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { type Engine, Refusal } from '../../src/engine';
import { actor } from '../support/actors';
import { storageBackends } from '../support/databases';
import { useDrillEngine } from '../support/drill-engine';

const responder = actor('rita', 'responder');
const lead = actor('lee', 'lead');
const otherLead = actor('lou', 'lead');
const t0 = Date.parse('2026-03-08T10:00:00.000Z');

async function rejection(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refusal);
  return error as Refusal;
}

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`storage on ${backend.name}`, () => {
    const drill = useDrillEngine(backend, t0);

    const open = () =>
      drill.engine.startIncident(
        { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 }, actor: lead },
        lead.roles,
      );
    const timerRows = (incidentId: string) => drill.store.listTimers(incidentId);
    const eventCount = async (incidentId: string) =>
      (await drill.engine.listEvents(incidentId, 0, 1000)).length;

    it("never reads a live incident's row for a facilitator-only actor: it is not found", async () => {
      const live = await open();
      const read = vi.spyOn(drill.store, 'getIncident');
      const refusal = await rejection(drill.engine.loadIncident(live.id, actor('fay', 'facilitator')));
      expect(refusal.code).toBe('not_found');
      expect(read).toHaveBeenCalledTimes(1);
      expect(await read.mock.results[0]!.value).toBeNull();
      expect((await drill.engine.loadIncident(live.id, lead)).id).toBe(live.id);
    });

    it('names who opened an incident in every view, reading its first event once', async () => {
      const incident = await open();
      expect(incident.openedBy).toBe('lee');
      const listEvents = vi.spyOn(drill.store, 'listEvents');
      const advanced = await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'note.added',
        payload: { text: 'Called the vendor' },
        actor: responder,
      });
      expect(advanced.incident.openedBy).toBe('lee');
      expect((await drill.engine.getIncident(incident.id, [])).openedBy).toBe('lee');
      expect(listEvents).not.toHaveBeenCalled();
    });

    it('opens an incident at version 1 with its first event and its timers as rows', async () => {
      const incident = await open();
      expect(incident.version).toBe(1);
      expect(incident.status).toBe('open');
      const [first] = await drill.engine.listEvents(incident.id, 0, 10);
      expect(first).toMatchObject({ seq: 1, type: 'incident.opened', actor: 'lee', source: 'api' });
      expect(first?.occurredAt).toBe('2026-03-08T10:00:00.000Z');
      expect(incident.timers).toEqual([
        {
          id: 'deadline:drill.work',
          label: 'Drill deadline',
          event: 'deadline.passed',
          dueAt: '2026-03-10T10:00:00.000Z',
          routine: false,
          step: 'work',
        },
      ]);
    });

    it('adds a delayed raise as a timer row and deletes it when the machine cancels it', async () => {
      const incident = await open();
      drill.clock += 60_000;
      const started = await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'work.started',
        actor: responder,
      });
      expect(started.incident.timers.map((t) => [t.id, t.label, t.dueAt])).toEqual([
        ['reminder', 'Work reminder (1 h)', '2026-03-08T11:01:00.000Z'],
        ['deadline:drill.work', 'Drill deadline', '2026-03-10T10:00:00.000Z'],
      ]);
      const finished = await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'work.finished',
        actor: responder,
      });
      expect(finished.incident.timers.map((t) => t.id)).toEqual(['deadline:drill.work']);
      expect((await timerRows(incident.id)).map((row) => row.timerId)).toEqual([
        'xstate.after.deadline.drill.work',
      ]);
    });

    it('chains every event to the one before and verifies the chain', async () => {
      const incident = await open();
      for (let i = 0; i < 5; i++) {
        drill.clock += 1000;
        await drill.engine.advanceIncident({
          incidentId: incident.id,
          type: 'note.added',
          payload: { text: `n${i}` },
          actor: responder,
        });
      }
      const events = await drill.engine.listEvents(incident.id, 0, 100);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const [i, event] of events.slice(1).entries()) expect(event.prevHash).toBe(events[i]!.hash);
      expect(await drill.engine.verifyIncident(incident.id)).toEqual({
        ok: true,
        events: 6,
        head: events[5]!.hash,
        checkpoint: { ok: true, seq: 6, keyId: expect.any(String), signedAt: '2026-03-08T10:00:05.000Z' },
      });
    });

    // What only a SQL database can be asked: statements the engine never sends.
    it.skipIf(!backend.sql)(
      'refuses UPDATE and DELETE on incident_events (SQL only: a database trigger)',
      async () => {
        const incident = await open();
        await expect(
          drill.test.sql!.database.db.execute(
            sql`update incident_events set type = 'forged' where incident_id = ${incident.id}`,
          ),
        ).rejects.toThrow();
        await expect(
          drill.test.sql!.database.db.execute(
            sql`delete from incident_events where incident_id = ${incident.id}`,
          ),
        ).rejects.toThrow();
        expect(await eventCount(incident.id)).toBe(1);
        expect((await drill.engine.verifyIncident(incident.id)).ok).toBe(true);
      },
    );

    it('answers a stale If-Match with version_mismatch and writes nothing', async () => {
      const incident = await open();
      await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'note.added',
        payload: { text: 'a' },
        actor: responder,
        ifMatch: 1,
      });
      const error = await rejection(
        drill.engine.advanceIncident({
          incidentId: incident.id,
          type: 'note.added',
          payload: { text: 'b' },
          actor: responder,
          ifMatch: 1,
        }),
      );
      expect(error.code).toBe('version_mismatch');
      expect(error.details).toEqual({ currentVersion: 2 });
      expect((await drill.engine.getIncident(incident.id, [])).version).toBe(2);
      expect(await eventCount(incident.id)).toBe(2);
    });

    it('replays an Idempotency-Key repeat and refuses the key with another body', async () => {
      const incident = await open();
      const send = (text: string) =>
        drill.engine.advanceIncident({
          incidentId: incident.id,
          type: 'note.added',
          payload: { text },
          actor: responder,
          idempotencyKey: 'k-1',
        });
      const first = await send('same');
      const repeat = await send('same');
      expect(first.replayed).toBe(false);
      expect(repeat.replayed).toBe(true);
      expect(repeat.event.seq).toBe(first.event.seq);
      expect(repeat.event.hash).toBe(first.event.hash);
      expect((await rejection(send('different'))).code).toBe('idempotency_conflict');
      expect(await eventCount(incident.id)).toBe(2);
    });

    it('rejects bad events with their codes and changes nothing', async () => {
      const incident = await open();
      const cases: [Parameters<Engine['advanceIncident']>[0], string][] = [
        [{ incidentId: incident.id, type: 'no.such_event', actor: responder }, 'invalid_request'],
        [
          { incidentId: incident.id, type: 'note.added', payload: { text: '' }, actor: responder },
          'invalid_request',
        ],
        [{ incidentId: incident.id, type: 'work.started', actor: lead }, 'forbidden'],
        [{ incidentId: incident.id, type: 'work.finished', actor: responder }, 'event_not_allowed'],
        [
          { incidentId: randomUUID(), type: 'note.added', payload: { text: 'x' }, actor: responder },
          'not_found',
        ],
      ];
      for (const [command, code] of cases) {
        expect((await rejection(drill.engine.advanceIncident(command))).code, command.type).toBe(code);
      }
      const notAllowed = await rejection(drill.engine.advanceIncident(cases[3]![0]));
      expect((notAllowed.details.allowedEvents as { type: string }[]).map((e) => e.type)).toEqual([
        'note.added',
        'work.started',
        'change.approved',
      ]);
      expect((await drill.engine.getIncident(incident.id, [])).version).toBe(1);
    });

    it('enforces a two-person rule written as a guard over the actor', async () => {
      const incident = await open();
      await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'change.approved',
        payload: { rationale: 'fine' },
        actor: lead,
      });
      const sameLead = await rejection(
        drill.engine.advanceIncident({
          incidentId: incident.id,
          type: 'change.confirmed',
          payload: { rationale: 'me again' },
          actor: lead,
        }),
      );
      expect(sameLead.code).toBe('event_not_allowed');
      const confirmed = await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'change.confirmed',
        payload: { rationale: 'agreed' },
        actor: otherLead,
      });
      expect(confirmed.incident.state).toMatchObject({ approval: 'done' });
    });

    it('closes the incident when every track is final, drops its timers and accepts no more events', async () => {
      const incident = await open();
      const send = (type: string, who = responder, payload: object = {}) =>
        drill.engine.advanceIncident({ incidentId: incident.id, type, payload, actor: who });
      await send('work.started');
      await send('work.finished');
      await send('change.approved', lead, { rationale: 'all good' });
      drill.clock += 5000;
      const closed = await send('change.confirmed', otherLead, { rationale: 'all good' });
      expect(closed.incident.status).toBe('closed');
      expect(closed.incident.closedAt).toBe(new Date(drill.clock).toISOString());
      expect(closed.incident.allowedEvents).toEqual([]);
      expect(await timerRows(incident.id)).toHaveLength(0);
      expect((await rejection(send('note.added', responder, { text: 'late' }))).code).toBe('incident_closed');
    });

    it('records a fact in an exercise log, chained, changing nothing else, closed or not; never on a live incident', async () => {
      const exercise = await drill.engine.startIncident(
        {
          playbookId: 'drill',
          title: 'Drill exercise',
          input: { deadlineHours: 48 },
          actor: lead,
          mode: 'exercise',
          clockStart: '2030-01-01T00:00:00Z',
        },
        lead.roles,
      );
      const fact = (inject: string) =>
        drill.engine.recordFact({
          incidentId: exercise.id,
          type: 'exercise.inject_delivered',
          payload: { inject, emittedSeq: null },
          actor: lead,
          source: 'inject',
          idempotencyKey: `inject-delivered:${inject}`,
        });
      const before = await drill.engine.loadIncident(exercise.id);
      const timersBefore = await timerRows(exercise.id);
      const first = await fact('I1');
      expect(first.event).toMatchObject({ seq: 2, type: 'exercise.inject_delivered', actorId: lead.id });
      expect(first.event.stateAfter).toEqual(before.state);
      const after = await drill.engine.loadIncident(exercise.id);
      // Only the log's head moved (and the change feed's place, which any write moves).
      const { version, headHash, changeSeq, changeXid, updatedAt, ...unchanged } = after as typeof after & {
        changeXid?: number;
      };
      expect(version).toBe(before.version + 1);
      expect(headHash).toBe(first.event.hash);
      expect(unchanged).toEqual({
        ...before,
        version: undefined,
        headHash: undefined,
        changeSeq: undefined,
        changeXid: undefined,
        updatedAt: undefined,
      });
      expect(await timerRows(exercise.id)).toEqual(timersBefore);
      // A repeat with the same key is the first record again.
      expect((await fact('I1')).event.seq).toBe(2);
      // A client cannot send the fact as an event of its own.
      const asEvent = await rejection(
        drill.engine.advanceIncident({
          incidentId: exercise.id,
          type: 'exercise.inject_delivered',
          payload: { inject: 'I9' },
          actor: lead,
        }),
      );
      expect(asEvent.code).toBe('invalid_request');
      expect(await eventCount(exercise.id)).toBe(2);

      for (const [type, who, payload] of [
        ['work.started', responder, {}],
        ['work.finished', responder, {}],
        ['change.approved', lead, { rationale: 'all good' }],
        ['change.confirmed', otherLead, { rationale: 'all good' }],
      ] as const) {
        await drill.engine.advanceIncident({ incidentId: exercise.id, type, payload, actor: who });
      }
      const closed = await drill.engine.loadIncident(exercise.id);
      expect(closed.status).toBe('closed');
      const late = await fact('I2');
      expect((await drill.engine.loadIncident(exercise.id)).closedAt).toBe(closed.closedAt);
      expect(late.event.seq).toBe(closed.version + 1);
      expect((await drill.engine.verifyIncident(exercise.id)).ok).toBe(true);

      const live = await open();
      const refused = await rejection(
        drill.engine.recordFact({
          incidentId: live.id,
          type: 'exercise.inject_delivered',
          payload: { inject: 'I1', emittedSeq: null },
          actor: lead,
          source: 'inject',
        }),
      );
      expect(refused.code).toBe('invalid_request');
      expect(await eventCount(live.id)).toBe(1);
    });

    it('simulates an event without writing anything', async () => {
      const incident = await open();
      const simulation = await drill.engine.simulate({
        incidentId: incident.id,
        type: 'work.started',
        actor: responder,
      });
      expect(simulation.state).toMatchObject({ work: 'started' });
      expect(simulation.timersSet.map((t) => t.timerId)).toEqual(['reminder']);
      const after = await drill.engine.getIncident(incident.id, []);
      expect(after.version).toBe(1);
      expect(after.state).toMatchObject({ work: 'open' });
      expect(after.timers.map((t) => t.id)).not.toContain('reminder');
    });
  });
}
