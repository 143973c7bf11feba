import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/tabletop';
import { type Client, testClock, tokenFor, useTestApp } from '../support/http';

const clock = testClock('2026-06-01T00:00:00Z');
const ctx = useTestApp(
  {
    HOLDFAST_EXERCISE_MAX_INJECTS: 20,
    HOLDFAST_EXERCISE_MAX_DAYS: 30,
    HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE: 40,
  },
  clock.now,
);

const inject = (i: number) => ({
  id: `I${i}`,
  at: `PT${i}M`,
  channel: 'internal',
  from: 'sim',
  content: `inject ${i}`,
});

/**
 * An exercise on ransom-demand version 1, declared at T0: from then on its situation report falls due every
 * 4 hours, and each one re-arms the next, so a long clock move fires many timers.
 */
const sitrepScenario = (overrides: Record<string, unknown> = {}) => ({
  apiVersion: 'tabletop/v1',
  kind: 'Scenario',
  metadata: { id: 'sitreps', title: 'Sitreps', playbook: 'ransom-demand', playbookVersion: 1 },
  clock: { start: '2026-03-09T09:00:00Z', end: 'P20D' },
  incident: { title: 'Sitreps', input: loadScenario('jj-meds').incident.input },
  roles: [{ id: 'sim', kind: 'simcell' }],
  objectives: [{ id: 'O1', text: 'Keep everyone informed' }],
  injects: [
    { ...inject(0), emits: { type: 'triage.started', payload: {} } },
    {
      ...inject(1),
      at: 'PT0M',
      emits: { type: 'incident.declared', payload: { rationale: 'a real demand' } },
    },
  ],
  ...overrides,
});

async function startSitreps(facilitator: Client) {
  const started = await facilitator.request('POST', '/v1/exercises', {
    body: { scenario: sitrepScenario() },
  });
  expect(started.status).toBe(201);
  return started.body as { id: string; incidentId: string };
}

async function timeline(exercise: { incidentId: string }) {
  const events = await ctx.admin.request('GET', `/v1/incidents/${exercise.incidentId}/events?limit=1000`);
  return (events.body.items as { type: string; occurredAt: string; payload: unknown }[]).map(
    (e) => `${e.occurredAt} ${e.type} ${JSON.stringify(e.payload)}`,
  );
}

describe('exercise limits', () => {
  it('refuses a scenario with more injects than allowed, naming the limit, and starts nothing', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const injects = Array.from({ length: 21 }, (_, i) => inject(i));
    const refused = await facilitator.request('POST', '/v1/exercises', {
      body: { scenario: sitrepScenario({ injects }) },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'invalid_request',
      limit: 'HOLDFAST_EXERCISE_MAX_INJECTS',
      max: 20,
      detail: 'a scenario has at most 20 injects (HOLDFAST_EXERCISE_MAX_INJECTS); this one has 21',
    });
    const listed = await ctx.admin.request('GET', '/v1/incidents?mode=exercise');
    expect(listed.body.items).toEqual([]);

    const twenty = await facilitator.request('POST', '/v1/exercises', {
      body: { scenario: sitrepScenario({ injects: injects.slice(0, 20) }) },
    });
    expect(twenty.status).toBe(201);
  });

  it('refuses a scenario running longer than allowed, naming the limit', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const refused = await facilitator.request('POST', '/v1/exercises', {
      body: { scenario: sitrepScenario({ clock: { start: '2026-03-09T09:00:00Z', end: 'P30DT1M' } }) },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ limit: 'HOLDFAST_EXERCISE_MAX_DAYS', max: 30 });
    expect(refused.body.detail).toContain('clock.end is P30DT1M');
    // A bundled scenario is held to the same limits: future-architect runs 375 days.
    const bundled = await facilitator.request('POST', '/v1/exercises', {
      body: { scenarioId: 'future-architect' },
    });
    expect(bundled.status).toBe(400);
    expect(bundled.body.limit).toBe('HOLDFAST_EXERCISE_MAX_DAYS');
  });

  it('refuses a clock move that would fire more timers than allowed, leaving the exercise as it was', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const exercise = await startSitreps(facilitator);
    const before = await ctx.admin.request('GET', `/v1/incidents/${exercise.incidentId}`);

    // Seven days: 42 situation reports fall due.
    const refused = await facilitator.request('POST', `/v1/exercises/${exercise.id}/clock`, {
      body: { advance: 'P7D' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ limit: 'HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE', max: 40 });
    expect(refused.body.detail).toContain('move the clock in smaller steps');
    const after = await ctx.admin.request('GET', `/v1/incidents/${exercise.incidentId}`);
    expect(after.body.version).toBe(before.body.version);
    expect((await facilitator.request('GET', `/v1/exercises/${exercise.id}`)).body.clock).toBe(
      '2026-03-09T09:00:00.000Z',
    );
  });

  it('fires a move of more timers than one unit of work holds exactly as smaller moves do', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const once = await startSitreps(facilitator);
    const inSteps = await startSitreps(facilitator);

    // Five days: 30 situation reports and a few other deadlines, several units of work (10 timers each).
    const moved = await facilitator.request('POST', `/v1/exercises/${once.id}/clock`, {
      body: { advance: 'P5D' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.clock).toBe('2026-03-14T09:00:00.000Z');
    for (let day = 0; day < 5; day++) {
      const step = await facilitator.request('POST', `/v1/exercises/${inSteps.id}/clock`, {
        body: { advance: 'P1D' },
      });
      expect(step.status).toBe(200);
    }
    const fired = await timeline(once);
    expect(fired.filter((line) => line.includes('Situation report due')).length).toBe(30);
    expect(fired.filter((line) => line.includes('deadline.passed')).length).toBeGreaterThan(30);
    expect(fired).toEqual(await timeline(inSteps));
  });
});
