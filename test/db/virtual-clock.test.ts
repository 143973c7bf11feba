import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { createEngine, type EventRecord, PlaybookRegistry } from '../../src/engine';
import { actor } from '../support/actors';
import { storageBackends, type TestStorage } from '../support/databases';
import { testKeyring } from '../support/keys';

const leader = actor('team-leader', 'incident_commander', 'technical_lead', 'communications', 'executive');
const start = '2018-03-08T10:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(start) + hours * 3_600_000).toISOString();

/** One scripted JJ Meds exercise: moves, clock advances, then 49 h on the virtual clock. */
async function runScript(test: TestStorage): Promise<EventRecord[]> {
  await test.reset();
  let tick = Date.parse('2030-01-01T00:00:00.000Z');
  const engine = createEngine({
    store: test.incidentStore(),
    registry: new PlaybookRegistry(playbooks),
    // A deterministic wall clock for recorded_at.
    now: () => {
      tick += 1000;
      return new Date(tick);
    },
    newId: () => '00000000-0000-4000-8000-0000000000c2',
    keyring: testKeyring(),
  });
  const incident = await engine.startIncident(
    {
      playbookId: 'ransom-demand',
      title: 'JJ Meds tabletop',
      mode: 'exercise',
      clockStart: start,
      actor: leader,
      input: {
        demand: {
          receivedAt: start,
          channel: 'email',
          claimedAssets: ['image files'],
          proofOfAccess: false,
          threatenedActions: ['publish_internet', 'send_to_police'],
          amount: 1000,
          currency: 'USD',
          windowHours: 48,
        },
        organisation: { name: 'JJ Meds', country: 'CA' },
        jurisdictions: ['CA'],
      },
    },
    leader.roles,
  );
  const send = (type: string, payload: object) =>
    engine.advanceIncident({ incidentId: incident.id, type, payload, actor: leader });
  await engine.advanceClock(incident.id, at(0.25));
  await send('incident.declared', { rationale: 'Extortion demand naming customer data' });
  await send('site.taken_offline', { scope: 'full', rationale: 'Stop further access' });
  await engine.advanceClock(incident.id, at(2));
  await send('customers.notified', {
    audience: 'customers',
    channel: 'forum',
    message: 'No new orders until further notice',
  });
  await engine.advanceClock(incident.id, at(49));
  return engine.listEvents(incident.id, 0, 1000);
}

for (const backend of storageBackends) {
  describe.skipIf(!backend.enabled)(`a PB-1 incident on a virtual clock, on ${backend.name}`, () => {
    let test: TestStorage;
    beforeAll(async () => {
      test = await backend.open();
    });
    afterAll(async () => {
      await test?.dispose();
    });

    it('shows the ransom warnings and the deadline at their virtual times, and replays to identical hashes', async () => {
      const first = await runScript(test);
      const timed = (name: string) =>
        first
          .filter((e) => e.source === 'timer' && (e.payload as { timer?: string }).timer === name)
          .map((e) => e.occurredAt);
      expect(timed('ransomWarning24h')).toEqual([at(24)]);
      expect(timed('ransomWarning12h')).toEqual([at(36)]);
      expect(timed('ransomWarning1h')).toEqual([at(47)]);
      expect(timed('ransomDeadline')).toEqual([at(48)]);
      expect(timed('lawEnforcementReportDue')).toEqual([at(24)]);
      // Every event in order of the incident clock, the chain intact.
      const times = first.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(first.every((e, i) => i === 0 || e.prevHash === first[i - 1]!.hash)).toBe(true);

      const second = await runScript(test);
      expect(second).toEqual(first);
      expect(second.at(-1)!.hash).toBe(first.at(-1)!.hash);
    });
  });
}
