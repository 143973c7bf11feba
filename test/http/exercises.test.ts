import { describe, expect, it } from 'vitest';
import { ransomDemandV1 } from '../../playbooks/ransom-demand';
import { loadScenario } from '../../src/tabletop';
import { tokenFor, useTestApp } from '../support/http';

const ctx = useTestApp();

describe('a facilitated exercise over the API', () => {
  it('runs end to end with two players and a facilitator, who cannot touch a live incident', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const commander = await tokenFor(ctx.services, ctx.admin, 'alice', 'incident_commander');
    const webAdmin = await tokenFor(ctx.services, ctx.admin, 'bob', 'technical_lead');
    const observer = await tokenFor(ctx.services, ctx.admin, 'wall-screen', 'observer');

    const live = await ctx.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'A real demand', input: ransomDemandV1.example!.input },
    });
    expect(live.status).toBe(201);

    const scenarios = await facilitator.request('GET', '/v1/scenarios');
    expect(scenarios.body.items.map((s: { id: string }) => s.id)).toContain('jj-meds');

    // Players cannot start or steer an exercise.
    expect(
      (await commander.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } })).status,
    ).toBe(403);

    const started = await facilitator.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } });
    expect(started.status).toBe(201);
    expect(started.headers.get('location')).toBe(`/v1/exercises/${started.body.id}`);
    const exercise = started.body;
    expect(exercise).toMatchObject({ status: 'running', clock: '2026-03-09T14:00:00.000Z' });
    expect(exercise.injects.map((i: { id: string }) => i.id)).toEqual(['I1']);
    const incidentPath = `/v1/incidents/${exercise.incidentId}`;

    // Exercise incidents stay out of live listings.
    const liveList = await observer.request('GET', '/v1/incidents');
    expect(liveList.body.items.map((i: { id: string }) => i.id)).toEqual([live.body.id]);
    const exerciseList = await observer.request('GET', '/v1/incidents?mode=exercise');
    expect(exerciseList.body.items.map((i: { id: string }) => i.id)).toEqual([exercise.incidentId]);

    const send = (who: typeof commander, type: string, payload: unknown = {}) =>
      who.request('POST', `${incidentPath}/events`, { body: { type, payload } });
    const declared = await send(commander, 'incident.declared', {
      rationale: 'Demand references customer images.',
    });
    expect(declared.body.event.occurredAt).toBe('2026-03-09T14:00:00.000Z');

    expect(
      (await commander.request('POST', `/v1/exercises/${exercise.id}/clock`, { body: { advance: 'PT1H' } }))
        .status,
    ).toBe(403);
    const moved = await facilitator.request('POST', `/v1/exercises/${exercise.id}/clock`, {
      body: { advance: 'PT1H45M' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.clock).toBe('2026-03-09T15:45:00.000Z');
    expect(moved.body.injects.map((i: { id: string; offset: string }) => `${i.id}@${i.offset}`)).toEqual([
      'I1@T+00:00',
      'I2@T+01:00',
      'I3@T+01:30',
    ]);

    const offline = await send(webAdmin, 'site.taken_offline', {
      scope: 'full',
      rationale: 'Stop further access.',
    });
    expect(offline.status).toBe(200);
    expect(offline.body.event.occurredAt).toBe('2026-03-09T15:45:00.000Z');
    // The commander may not do the web admin's job in this playbook's role rules.
    expect((await send(commander, 'evidence.baseline_captured', { items: [] })).status).toBe(403);

    // The facilitator reaches exercises only.
    expect((await facilitator.request('GET', `/v1/incidents/${live.body.id}`)).status).toBe(404);
    const touch = await facilitator.request('POST', `/v1/incidents/${live.body.id}/events`, {
      body: { type: 'incident.declared', payload: { rationale: 'Not an exercise.' } },
    });
    expect(touch.status).toBe(404);
    expect(touch.body.code).toBe('not_found');
    const liveAfter = await ctx.admin.request('GET', `/v1/incidents/${live.body.id}`);
    expect(liveAfter.body.version).toBe(live.body.version);

    const backwards = await facilitator.request('POST', `/v1/exercises/${exercise.id}/clock`, {
      body: { to: '2026-03-09T14:30:00Z' },
    });
    expect(backwards.status).toBe(400);

    const json = await observer.request('GET', `/v1/exercises/${exercise.id}/report`);
    expect(json.status).toBe(200);
    const statuses = Object.fromEntries(
      json.body.report.responses.map((r: { id: string; status: string }) => [r.id, r.status]),
    );
    expect(statuses).toMatchObject({ 'E1.1': 'on_time', 'E1.3': 'on_time', 'E7.1': 'not_applicable' });
    const markdown = await observer.request('GET', `/v1/exercises/${exercise.id}/report`, {
      headers: { accept: 'text/markdown' },
    });
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.body).toContain('# After-action report: Data-extortion email');
    const html = await observer.request('GET', `/v1/exercises/${exercise.id}/report`, {
      headers: { accept: 'text/html' },
    });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.body).toContain('<h1>After-action report: Data-extortion email');

    const end = await facilitator.request('POST', `/v1/exercises/${exercise.id}/clock`, {
      body: { advance: 'P10D' },
    });
    expect(end.body).toMatchObject({ status: 'finished', clock: '2026-03-13T14:00:00.000Z' });
    expect(
      (await facilitator.request('POST', `/v1/exercises/${exercise.id}/clock`, { body: { advance: 'PT1H' } }))
        .status,
    ).toBe(400);
  });

  it('refuses an invalid scenario with the problems listed, and changes nothing', async () => {
    const scenario = structuredClone(loadScenario('jj-meds')) as unknown as Record<string, unknown>;
    (scenario.clock as Record<string, unknown>).end = 'two days';
    const bad = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems ?? bad.body.details?.problems).toEqual(
      expect.arrayContaining([expect.stringContaining('clock.end: an ISO 8601 duration')]),
    );
    const incidents = await ctx.admin.request('GET', '/v1/incidents?mode=exercise');
    expect(incidents.body.items).toEqual([]);
    const unknown = await ctx.admin.request('POST', '/v1/exercises', { body: { scenarioId: 'no-such' } });
    expect(unknown.status).toBe(404);
    expect((await ctx.admin.request('GET', '/v1/exercises/not-a-uuid')).status).toBe(404);
  });
});
