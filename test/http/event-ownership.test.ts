import { describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { ransomDemandV1, ransomDemandV2, ransomDemandV3 } from '../../playbooks/ransom-demand';
import { loadConfig } from '../../src/config';
import { PlaybookRegistry } from '../../src/engine';
import { createLogger, createServices } from '../../src/main';
import type { PlaybookDefinition } from '../../src/playbook-kit';
import { ADMIN_TOKEN, type Client, client, testClock, useTestApp } from '../support/http';

const clock = testClock('2026-01-01T00:00:00Z');
const app = useTestApp({}, clock.now);

/** The latest version of each bundled playbook. */
const latest = [...new Map(playbooks.map((p) => [p.id, p])).values()];

interface PublishedEvent {
  type: string;
  owners: string[];
  examples: unknown[];
}

/** Whether an owner path is active: it is one of the active leaves or one of their ancestors. */
const ownerActive = (owner: string, activePaths: readonly string[]) =>
  owner === '' || activePaths.some((path) => path === owner || path.startsWith(`${owner}.`));

describe('an event is accepted only when its own step is active', () => {
  it('covers the nine bundled playbooks', () => {
    expect(latest).toHaveLength(9);
  });

  it.each(latest.map((p) => [p.id, p] as const))(
    '%s: every event whose owning steps are not active is refused with 409 and not offered',
    async (id, playbook) => {
      clock.set(playbook.example!.openedAt);
      const created = await app.admin.request('POST', '/v1/incidents', {
        body: { playbookId: id, title: `Fresh ${id}`, input: playbook.example!.input },
      });
      expect(created.status).toBe(201);
      const incident = created.body;
      const activePaths = incident.active.map((state: { path: string }) => state.path);
      const offered = incident.allowedEvents.map((event: { type: string }) => event.type);
      const events: PublishedEvent[] = (await app.admin.request('GET', `/v1/playbooks/${id}`)).body.events;

      const notActive = events.filter((event) => !event.owners.some((o) => ownerActive(o, activePaths)));
      expect(notActive.length).toBeGreaterThan(5);
      for (const event of notActive) {
        expect(offered, event.type).not.toContain(event.type);
        const response = await app.admin.request('POST', `/v1/incidents/${incident.id}/events`, {
          body: { type: event.type, payload: event.examples[0] },
        });
        expect(response.status, `${event.type}: ${JSON.stringify(response.body)}`).toBe(409);
        expect(response.body.code).toBe('event_not_allowed');
      }
      // Every offered event belongs to an active step.
      for (const type of offered) {
        const event = events.find((e) => e.type === type)!;
        expect(
          event.owners.some((o) => ownerActive(o, activePaths)),
          type,
        ).toBe(true);
      }
      const after = await app.admin.request('GET', `/v1/incidents/${incident.id}`);
      expect(after.body.version).toBe(incident.version);
    },
  );

  /** Opens the seed example of a ransom-demand version and checks these events are refused and change nothing. */
  const refusedOnAFreshDemand = async (admin: Client, playbook: PlaybookDefinition, types: string[]) => {
    clock.set(playbook.example!.openedAt);
    const { body: incident } = await admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'JJ Meds', input: playbook.example!.input },
    });
    expect(incident.playbookVersion).toBe(playbook.version);
    for (const type of types) {
      expect(incident.allowedEvents.map((e: { type: string }) => e.type)).not.toContain(type);
      for (const payload of playbook.events.find((e) => e.type === type)!.examples) {
        const response = await admin.request('POST', `/v1/incidents/${incident.id}/events`, {
          body: { type, payload },
        });
        expect(response.status, `${type}: ${JSON.stringify(response.body)}`).toBe(409);
        expect(response.body.code).toBe('event_not_allowed');
      }
    }
    const timeline = (await admin.request('GET', `/v1/incidents/${incident.id}/events`)).body.items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['incident.opened']);
    const clocks = (await admin.request('GET', `/v1/incidents/${incident.id}`)).body.context.clocks;
    expect(clocks).toEqual({});
  };

  it('refuses payment.executed, breach.determined and regulator.reported on a fresh ransom demand (version 2)', async () => {
    const v2 = createServices(
      app.test.database,
      loadConfig({ HOLDFAST_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent' }, {}),
      createLogger('silent'),
      new PlaybookRegistry([ransomDemandV1, ransomDemandV2]),
      clock.now,
    );
    await refusedOnAFreshDemand(client(v2), ransomDemandV2, [
      'payment.executed',
      'breach.determined',
      'regulator.reported',
    ]);
  });

  // Version 3 takes determinations and filings through SM-CLOCKS whenever they come, as every kit playbook does.
  it('refuses payment.executed and regulator.reported on a fresh ransom demand (version 3)', async () => {
    await refusedOnAFreshDemand(app.admin, ransomDemandV3, ['payment.executed', 'regulator.reported']);
  });
});
