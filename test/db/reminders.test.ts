import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../db/memory-store';
import { playbooks } from '../../playbooks';
import { loadConfig } from '../../src/config';
import { createEngine, PlaybookRegistry } from '../../src/engine';
import { offsetLabel, withReminders } from '../../src/engine/reminders';
import type { TimerRow } from '../../src/engine/types';
import { drillPlaybook } from '../fixtures/drill-playbook';
import { actor } from '../support/actors';
import { storageBackends } from '../support/databases';
import { openDrill, useDrillEngine } from '../support/drill-engine';
import { testKeyring } from '../support/keys';

const responder = actor('rita', 'responder');
const t0 = Date.parse('2026-03-08T10:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (ms: number) => new Date(ms).toISOString();

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`reminders before a deadline on ${backend.name}`, () => {
    const drill = useDrillEngine(backend, t0, { reminders: [HOUR, 30 * MINUTE] });

    const open = (mode: 'live' | 'exercise' = 'live') =>
      openDrill(drill.engine, responder, { deadlineHours: 2, mode });
    const timerRows = async (incidentId: string) =>
      (await drill.store.listTimers(incidentId)).map((t) => [t.timerId, t.dueAt]).sort();
    const logged = async (incidentId: string) =>
      (await drill.engine.listEvents(incidentId, 0, 100)).filter((e) => e.source === 'timer');

    it('arms a reminder timer beside the deadline for each offset, and the view lists only the deadline', async () => {
      const incident = await open();
      expect(await timerRows(incident.id)).toEqual([
        ['xstate.after.deadline.drill.work', at(t0 + 2 * HOUR)],
        ['xstate.after.deadline.drill.work~remind:1h', at(t0 + HOUR)],
        ['xstate.after.deadline.drill.work~remind:30m', at(t0 + 90 * MINUTE)],
      ]);
      const view = await drill.engine.getIncident(incident.id, []);
      expect(view.timers.map((t) => t.label)).toEqual(['Drill deadline']);
    });

    it('logs each reminder at its time with an outbox message, leaving the machine as it was', async () => {
      const incident = await open();
      drill.clock = t0 + HOUR + MINUTE;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      const after = await drill.engine.getIncident(incident.id, []);
      expect(after).toMatchObject({ version: 2, overdue: false, state: incident.state });
      expect(await logged(incident.id)).toMatchObject([
        {
          seq: 2,
          type: 'deadline.reminder',
          payload: { timer: 'deadline', label: 'Drill deadline', dueAt: at(t0 + 2 * HOUR), before: '1h' },
          occurredAt: at(t0 + HOUR),
          actor: 'timer',
          note: 'Drill deadline: due in 1h',
        },
      ]);
      const message = (await drill.store.listOutboxMessages(incident.id)).at(-1)!;
      expect(message).toMatchObject({
        seq: 2,
        type: 'deadline.reminder',
        data: {
          reminder: { timer: 'deadline', label: 'Drill deadline', dueAt: at(t0 + 2 * HOUR), before: '1h' },
        },
      });

      drill.clock = t0 + 95 * MINUTE;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      drill.clock = t0 + 3 * HOUR;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      expect((await logged(incident.id)).map((e) => [e.type, e.occurredAt, e.payload])).toEqual([
        ['deadline.reminder', at(t0 + HOUR), expect.objectContaining({ before: '1h' })],
        ['deadline.reminder', at(t0 + 90 * MINUTE), expect.objectContaining({ before: '30m' })],
        ['deadline.passed', at(t0 + 2 * HOUR), expect.objectContaining({ timer: 'deadline' })],
      ]);
      expect(await timerRows(incident.id)).toEqual([]);
      expect((await drill.engine.verifyIncident(incident.id)).ok).toBe(true);
    });

    it('takes a cancelled timer’s reminders with it', async () => {
      const incident = await open();
      drill.clock = t0 + 10 * MINUTE;
      // Arms the 1 h work timer, due at 11:10: its 30 min reminder at 10:40 (the 1 h one would be now).
      await drill.engine.advanceIncident({ incidentId: incident.id, type: 'work.started', actor: responder });
      expect(await timerRows(incident.id)).toContainEqual(['reminder~remind:30m', at(t0 + 40 * MINUTE)]);
      expect((await timerRows(incident.id)).map(([id]) => id)).not.toContain('reminder~remind:1h');
      drill.clock = t0 + 20 * MINUTE;
      await drill.engine.advanceIncident({
        incidentId: incident.id,
        type: 'work.finished',
        actor: responder,
      });
      expect((await timerRows(incident.id)).map(([id]) => id)).not.toContain('reminder~remind:30m');
      drill.clock = t0 + 100 * MINUTE;
      await drill.engine.fireDueTimers();
      const reminded = (await logged(incident.id)).filter((e) => e.type === 'deadline.reminder');
      expect(reminded.map((e) => (e.payload as { timer: string }).timer)).toEqual(['deadline', 'deadline']);
    });

    it('says nothing of a deadline that passed while no instance ran: its own event says it', async () => {
      const incident = await open();
      drill.clock = t0 + 5 * HOUR;
      expect(await drill.engine.fireDueTimers()).toBe(1);
      expect((await logged(incident.id)).map((e) => e.type)).toEqual(['deadline.passed']);
      expect(await timerRows(incident.id)).toEqual([]);
    });

    it('arms none in an exercise, whose clock the facilitator moves', async () => {
      const incident = await open('exercise');
      expect((await timerRows(incident.id)).map(([id]) => id)).toEqual(['xstate.after.deadline.drill.work']);
    });
  });
}

describe('reminders on a playbook that warns of its own deadline', () => {
  it('adds none to the ransom deadline and its warnings, and reminds of the police report', async () => {
    const store = new MemoryIncidentStore();
    const engine = createEngine({
      store,
      registry: new PlaybookRegistry(playbooks),
      now: () => new Date(t0),
      newId: randomUUID,
      keyring: testKeyring(),
      reminders: [DAY, 4 * HOUR, HOUR],
    });
    const incident = await engine.startIncident(
      {
        playbookId: 'ransom-demand',
        title: 'JJ Meds',
        actor: actor('ida', 'incident_commander'),
        input: {
          demand: {
            receivedAt: at(t0),
            channel: 'email',
            claimedAssets: ['files'],
            proofOfAccess: false,
            threatenedActions: [],
            amount: 1,
            currency: 'USD',
          },
          organisation: { name: 'JJ Meds', country: 'CA' },
        },
      },
      [],
    );
    const ids = (await store.listTimers(incident.id)).map((t) => t.timerId);
    expect(ids).toEqual(
      expect.arrayContaining(['ransomDeadline', 'ransomWarning1h', 'lawEnforcementReportDue']),
    );
    expect(ids.filter((id) => id.startsWith('ransom') && id.includes('~remind:'))).toEqual([]);
    expect(ids).toEqual(
      expect.arrayContaining(['lawEnforcementReportDue~remind:4h', 'lawEnforcementReportDue~remind:1h']),
    );
  });
});

describe('reminder timers of a write', () => {
  const deadline: TimerRow = {
    incidentId: 'i',
    timerId: 'reportDue',
    event: { type: 'deadline.passed' },
    label: 'Report due',
    dueAt: at(t0 + 24 * HOUR),
  };
  const routine = { ...drillPlaybook, routineTimers: ['sitrepDue'], warnedTimers: ['ransomDeadline'] };
  const write = (add: TimerRow[], remove: string[] = []) => ({ timersToAdd: add, timerIdsToRemove: remove });

  it('skips routine and warned timers and offsets already behind now, and removes a cancelled timer’s reminders', () => {
    const sitrep = { ...deadline, timerId: 'sitrepDue', dueAt: at(t0 + 4 * HOUR) };
    const ransom = { ...deadline, timerId: 'ransomDeadline', dueAt: at(t0 + 48 * HOUR) };
    const made = withReminders(
      write([deadline, sitrep, ransom], ['customerNotice']),
      routine,
      [DAY, 4 * HOUR],
      at(t0),
    );
    expect(made.timersToAdd.map((t) => [t.timerId, t.dueAt])).toEqual([
      ['reportDue', at(t0 + 24 * HOUR)],
      ['sitrepDue', at(t0 + 4 * HOUR)],
      ['ransomDeadline', at(t0 + 48 * HOUR)],
      ['reportDue~remind:4h', at(t0 + 20 * HOUR)],
    ]);
    expect(made.timerIdsToRemove).toEqual([
      'customerNotice',
      'reportDue~remind:1d',
      'customerNotice~remind:1d',
      'customerNotice~remind:4h',
    ]);
  });

  it('changes nothing without offsets', () => {
    const unchanged = write([deadline], ['x']);
    expect(withReminders(unchanged, routine, [], at(t0))).toBe(unchanged);
  });

  it('names offsets as people say them, and reads them from HOLDFAST_REMINDERS', () => {
    expect([90 * MINUTE, HOUR, DAY, 30 * MINUTE].map(offsetLabel)).toEqual(['90m', '1h', '1d', '30m']);
    expect(loadConfig({}, {}).HOLDFAST_REMINDERS).toEqual([DAY, 4 * HOUR, HOUR]);
    expect(loadConfig({ HOLDFAST_REMINDERS: '1h,2d,1h' }, {}).HOLDFAST_REMINDERS).toEqual([2 * DAY, HOUR]);
    expect(loadConfig({ HOLDFAST_REMINDERS: 'off' }, {}).HOLDFAST_REMINDERS).toEqual([]);
    expect(() => loadConfig({ HOLDFAST_REMINDERS: '4 hours' }, {})).toThrow(/HOLDFAST_REMINDERS must be/);
  });
});

const DAY = 24 * HOUR;
