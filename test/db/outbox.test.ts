import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../db/memory-store';
import { playbooks } from '../../playbooks';
import { createEngine, PlaybookRegistry, Refusal } from '../../src/engine';
import { actor } from '../support/actors';
import { openTestMemory } from '../support/databases';
import { openDrill, useDrillEngine } from '../support/drill-engine';
import { testKeyring } from '../support/keys';

/** What the engine's writes put in the outbox, on the in-memory store (the store contract covers the SQL ones). */

const responder = actor('rita', 'responder');
const t0 = Date.parse('2026-03-08T10:00:00.000Z');
const HOUR = 3_600_000;

describe('the outbox of the engine’s writes', () => {
  const drill = useDrillEngine({ open: openTestMemory }, t0);
  const open = (mode: 'live' | 'exercise' = 'live') =>
    openDrill(drill.engine, responder, { deadlineHours: 2, mode });
  const messages = (incidentId: string) => drill.store.listOutboxMessages(incidentId);

  it('sends one message per event, thin, with free text only in its details', async () => {
    const incident = await open();
    await drill.engine.advanceIncident({
      incidentId: incident.id,
      type: 'note.added',
      payload: { text: 'Copied to \\\\fs01\\evidence' },
      note: 'Called legal',
      actor: responder,
    });
    const [opened, noted] = await messages(incident.id);
    expect(opened).toMatchObject({ seq: 1, type: 'incident.opened', mode: 'live', playbookId: 'drill' });
    expect(noted).toMatchObject({
      seq: 2,
      type: 'incident.event',
      data: {
        mode: 'live',
        incident: { id: incident.id, title: 'Drill', playbookId: 'drill', severity: incident.severity },
        event: { seq: 2, type: 'note.added', source: 'api', actor: 'rita' },
        link: `/#/incidents/${incident.id}`,
      },
      details: { note: 'Called legal', payload: { text: 'Copied to \\\\fs01\\evidence' } },
    });
    expect(JSON.stringify(noted!.data)).not.toMatch(/fs01|legal/);
    expect(noted!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(opened!.id).not.toBe(noted!.id);
  });

  it('sends a passed deadline and the overdue item it leaves; a refused event sends nothing', async () => {
    const incident = await open();
    await expect(
      drill.engine.advanceIncident({ incidentId: incident.id, type: 'work.finished', actor: responder }),
    ).rejects.toBeInstanceOf(Refusal);
    expect(await messages(incident.id)).toHaveLength(1);
    drill.clock = t0 + 3 * HOUR;
    expect(await drill.engine.fireDueTimers()).toBe(1);
    const sent = await messages(incident.id);
    expect(sent.map((m) => [m.seq, m.type])).toEqual([
      [1, 'incident.opened'],
      [2, 'deadline.passed'],
      [2, 'incident.overdue'],
    ]);
    expect(sent[1]!.data).toMatchObject({
      deadline: { timer: 'deadline', label: 'Drill deadline', dueAt: '2026-03-08T12:00:00.000Z' },
    });
    expect(sent[2]!.data).toMatchObject({
      overdue: { kind: 'deadline', label: 'Drill deadline', dueAt: '2026-03-08T12:00:00.000Z', step: 'work' },
    });
  });

  it('marks an exercise’s messages: mode exercise, subject EXERCISE', async () => {
    const incident = await open('exercise');
    await drill.engine.advanceClock(incident.id, '2030-01-01T03:00:00Z');
    const sent = await messages(incident.id);
    expect(sent.map((m) => m.type)).toEqual(['incident.opened', 'deadline.passed', 'incident.overdue']);
    for (const message of sent) {
      expect(message).toMatchObject({ mode: 'exercise', data: { mode: 'exercise', subject: 'EXERCISE' } });
    }
  });
});

describe('the outbox of a kit playbook', () => {
  it('turns a passed deadline’s escalate effect into a message for the role owning the late step', async () => {
    let clock = t0;
    const store = new MemoryIncidentStore();
    const engine = createEngine({
      store,
      registry: new PlaybookRegistry(playbooks),
      now: () => new Date(clock),
      newId: randomUUID,
      keyring: testKeyring(),
    });
    const incident = await engine.startIncident(
      {
        playbookId: 'ransom-demand',
        title: 'JJ Meds',
        actor: actor('ida', 'incident_commander'),
        input: {
          demand: {
            receivedAt: new Date(t0).toISOString(),
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
    clock = t0 + HOUR;
    expect(await engine.fireDueTimers()).toBe(1);
    const escalations = (await store.listOutboxMessages(incident.id)).filter(
      (m) => m.type === 'incident.escalated',
    );
    expect(escalations.length).toBeGreaterThan(0);
    for (const message of escalations) {
      expect(message.data).toMatchObject({
        escalation: { label: expect.any(String), dueAt: expect.any(String), audience: [expect.any(String)] },
      });
    }
    expect(
      escalations.map((m) => (m.data as { escalation: { audience: string[] } }).escalation.audience[0]),
    ).toContain('incident_commander');
  });
});
