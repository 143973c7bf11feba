import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ransomDemandV1 } from '../../playbooks/ransom-demand';
import { loadScenario } from '../../src/tabletop';
import { testClock, tokenFor, useTestApp } from '../support/http';

const clock = testClock('2026-06-01T00:00:00Z');
const ctx = useTestApp({}, clock.now);

/** A small scenario on the drill playbook: an inject at T0, then `injects`. */
const drillScenario = (
  injects: Record<string, unknown>[] = [],
  scenarioClock: Record<string, unknown> = {},
) => ({
  apiVersion: 'tabletop/v1',
  kind: 'Scenario',
  metadata: { id: 'drill-run', title: 'Drill run', playbook: 'drill' },
  clock: { start: '2026-03-09T09:00:00Z', end: 'P1D', ...scenarioClock },
  incident: { title: 'Drill', input: { deadlineHours: 48 } },
  roles: [
    { id: 'worker', playbookRole: 'responder' },
    { id: 'sim', kind: 'simcell' },
  ],
  objectives: [{ id: 'O1', text: 'Do the work' }],
  injects: [{ id: 'I0', at: 'PT0M', channel: 'internal', from: 'sim', content: 'Go' }, ...injects],
});

const emitting = (id: string, at: string, type: string, payload: Record<string, unknown> = {}) => ({
  id,
  at,
  channel: 'internal',
  from: 'sim',
  content: `${type} happens`,
  emits: { type, payload },
});

/** Everything a refused start or clock move could have written. */
async function databaseState() {
  const result = await ctx.test.database.db.execute(
    sql`select (select count(*) from incidents)::int as incidents,
               (select count(*) from incident_events)::int as events,
               (select count(*) from timers)::int as timers,
               (select coalesce(sum(version), 0) from incidents)::int as versions,
               (select string_agg(clock_now::text, ',') from incidents) as clocks,
               (select count(*) from exercises)::int as exercises,
               (select count(*) from exercises where status = 'finished')::int as finished`,
  );
  return (result as unknown as { rows: unknown[] }).rows[0];
}

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

describe('the list of exercises', () => {
  it('lists running and finished exercises, latest start first, to any token; a bad limit is a 400', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const observer = await tokenFor(ctx.services, ctx.admin, 'wall-screen', 'observer');
    const first = await facilitator.request('POST', '/v1/exercises', { body: { scenario: drillScenario() } });
    expect(first.status).toBe(201);
    // A minute later (the clock goes back for the tests after this one).
    clock.advance(60_000);
    const second = await facilitator.request('POST', '/v1/exercises', {
      body: { scenario: drillScenario() },
    });
    clock.set('2026-06-01T00:00:00Z');
    expect(second.status).toBe(201);
    const ended = await facilitator.request('POST', `/v1/exercises/${first.body.id}/clock`, {
      body: { advance: 'P1D' },
    });
    expect(ended.body.status).toBe('finished');

    for (const caller of [facilitator, observer]) {
      const listed = await caller.request('GET', '/v1/exercises');
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
        [second.body.id, 'running'],
        [first.body.id, 'finished'],
      ]);
      expect(listed.body.items[1]).toMatchObject({ title: 'Drill run', clock: '2026-03-10T09:00:00.000Z' });
    }
    expect((await observer.request('GET', '/v1/exercises?limit=1')).body.items).toHaveLength(1);
    for (const bad of ['0', '201', 'x']) {
      const refused = await observer.request('GET', `/v1/exercises?limit=${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await ctx.admin.request('GET', '/v1/exercises', { token: null })).status).toBe(401);
  });
});

describe('refused moves in a facilitated exercise', () => {
  it('lists the technical lead\'s refused "delete every user ID" in the report, with time, actor and reason, and changes nothing', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator-rm', 'facilitator');
    const commander = await tokenFor(ctx.services, ctx.admin, 'carol', 'incident_commander');
    const tech = await tokenFor(ctx.services, ctx.admin, 'dan the web admin', 'technical_lead');
    const started = await facilitator.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } });
    expect(started.status).toBe(201);
    const exercise = started.body;
    const events = `/v1/incidents/${exercise.incidentId}/events`;
    expect(
      (
        await commander.request('POST', events, {
          body: { type: 'incident.declared', payload: { rationale: 'Extortion demand.' } },
        })
      ).status,
    ).toBe(200);
    const moved = await facilitator.request('POST', `/v1/exercises/${exercise.id}/clock`, {
      body: { advance: 'PT1H40M' },
    });
    expect(moved.status).toBe(200);
    const before = await ctx.admin.request('GET', `/v1/incidents/${exercise.incidentId}`);
    const logBefore = await ctx.admin.request('GET', events);
    const verify = `/v1/incidents/${exercise.incidentId}/verify`;
    const chainBefore = await ctx.admin.request('GET', verify);

    const deleteAll = await tech.request('POST', events, {
      body: {
        type: 'credentials.revoked',
        payload: {
          scope: 'all_users_and_privileged',
          method: 'delete',
          rationale: 'The hosting admin wants every ID deleted now.',
        },
      },
    });
    expect(deleteAll.status).toBe(409);
    expect(deleteAll.body.code).toBe('event_not_allowed');
    // Out of role as well: a refusal of another kind, kept too.
    const outOfRole = await commander.request('POST', events, {
      body: { type: 'evidence.baseline_captured', payload: { items: [] } },
    });
    expect(outOfRole.status).toBe(403);
    // A stale version is about the request, not the move: not kept.
    const stale = await tech.request('POST', events, {
      headers: { 'if-match': '"1"' },
      body: { type: 'site.taken_offline', payload: { scope: 'full', rationale: 'Stop access.' } },
    });
    expect(stale.status).toBe(412);

    // Nothing changed in the incident: same version, same log, same hash chain head.
    const after = await ctx.admin.request('GET', `/v1/incidents/${exercise.incidentId}`);
    expect(after.body.version).toBe(before.body.version);
    expect((await ctx.admin.request('GET', events)).body).toEqual(logBefore.body);
    const chainAfter = await ctx.admin.request('GET', verify);
    expect(chainAfter.body).toMatchObject({ ok: true, head: chainBefore.body.head });

    const report = await facilitator.request('GET', `/v1/exercises/${exercise.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.report.refusedMoves).toEqual([
      {
        at: '2026-03-09T15:40:00.000Z',
        offset: 'T+01:40',
        as: 'dan the web admin',
        event: 'credentials.revoked',
        what: 'Credentials revoked (D2)',
        reason: expect.stringMatching(/^event_not_allowed: /),
      },
      {
        at: '2026-03-09T15:40:00.000Z',
        offset: 'T+01:40',
        as: 'carol',
        event: 'evidence.baseline_captured',
        what: 'Baseline evidence captured',
        reason: expect.stringMatching(/^forbidden: /),
      },
    ]);
    expect(report.body.report.timeline).toContainEqual(
      expect.objectContaining({ offset: 'T+01:40', lane: 'refused' }),
    );
    const markdown = await facilitator.request('GET', `/v1/exercises/${exercise.id}/report`, {
      headers: { accept: 'text/markdown' },
    });
    expect(markdown.body).toMatch(
      /\| T\+01:40 \| dan the web admin \| Credentials revoked \(D2\) \| event_not_allowed: /,
    );

    // Another exercise's report does not see them.
    const other = await facilitator.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } });
    const otherReport = await facilitator.request('GET', `/v1/exercises/${other.body.id}/report`);
    expect(otherReport.body.report.refusedMoves).toEqual([]);
  });

  it('keeps no refusal on a live incident, nor one for a caller who cannot see the incident', async () => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator-rm2', 'facilitator');
    const started = await facilitator.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } });
    const live = await ctx.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'Live', input: ransomDemandV1.example!.input },
    });
    const refusedLive = await ctx.admin.request('POST', `/v1/incidents/${live.body.id}/events`, {
      body: { type: 'payment.decided', payload: { option: 'pay', rationale: 'x' } },
    });
    expect(refusedLive.status).toBeGreaterThanOrEqual(400);
    // The facilitator sees no live incident: 404, and nothing kept anywhere.
    const hidden = await facilitator.request('POST', `/v1/incidents/${live.body.id}/events`, {
      body: { type: 'incident.declared', payload: { rationale: 'x' } },
    });
    expect(hidden.status).toBe(404);
    const kept = await ctx.test.database.db.execute(
      sql`select count(*)::int as n from exercise_refused_moves`,
    );
    const count = (kept as unknown as { rows: { n: number }[] }).rows[0]!.n;
    const report = await facilitator.request('GET', `/v1/exercises/${started.body.id}/report`);
    expect(report.body.report.refusedMoves).toEqual([]);
    expect(count).toBe(0);
  });
});

describe('a refused exercise start or clock move changes nothing', () => {
  const empty = { incidents: 0, events: 0, timers: 0, versions: 0, clocks: null, exercises: 0, finished: 0 };

  it('refuses a start whose first inject the playbook refuses, leaving no exercise and no incident', async () => {
    const scenario = drillScenario([emitting('I1', 'PT0M', 'work.finished')]);
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(409);
    expect(started.body.code).toBe('event_not_allowed');
    expect(started.body.detail).toContain('inject I1');
    expect(await databaseState()).toEqual(empty);
  });

  it('refuses a clock move that an inject on the way makes fail, with the clock, injects and timers as they were', async () => {
    const scenario = drillScenario([
      emitting('I1', 'PT10M', 'work.started'),
      emitting('I2', 'PT2H', 'note.added', { text: 'halfway' }),
      emitting('I3', 'PT3H', 'work.started'),
    ]);
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(201);
    const path = `/v1/exercises/${started.body.id}/clock`;
    const first = await ctx.admin.request('POST', path, { body: { advance: 'PT30M' } });
    expect(first.status).toBe(200);
    const before = await databaseState();

    // On the way to T+4h: the 1 h work reminder fires, I2 adds a note, then I3 is refused.
    const refused = await ctx.admin.request('POST', path, { body: { advance: 'PT4H' } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('inject I3');
    expect(await databaseState()).toEqual(before);
    const exercise = (await ctx.admin.request('GET', `/v1/exercises/${started.body.id}`)).body;
    expect(exercise.clock).toBe('2026-03-09T09:30:00.000Z');
    expect(exercise.injects.map((i: { id: string }) => i.id)).toEqual(['I0', 'I1']);

    // A move that stops short of I3 still goes through.
    const shorter = await ctx.admin.request('POST', path, { body: { to: '2026-03-09T11:00:00Z' } });
    expect(shorter.status).toBe(200);
    expect(shorter.body.injects.map((i: { id: string }) => i.id)).toEqual(['I0', 'I1', 'I2']);
  });

  it('refuses an exercise that would run past any date, with a 400 naming clock.end', async () => {
    const scenario = drillScenario([], { end: 'P300000Y' });
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(400);
    expect(JSON.stringify(started.body)).toContain('clock.end');
    expect(await databaseState()).toEqual(empty);
  });

  it('refuses a scenario starting at the end of time, with a 400 naming clock.start and the bound', async () => {
    const scenario = drillScenario([], { start: '9999-12-31T23:00:00Z' });
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(400);
    expect(started.body.detail).toContain('clock.start');
    expect(started.body.detail).toContain('2036-06-01T00:00:00.000Z');
    expect(await databaseState()).toEqual(empty);
  });

  it('refuses clock moves to times outside the window or by spans past any date, naming the field', async () => {
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario: drillScenario() } });
    const path = `/v1/exercises/${started.body.id}/clock`;
    const before = await databaseState();
    for (const [body, field, bound] of [
      [{ to: '9999-12-31T00:00:00Z' }, 'to', '2036-06-01T00:00:00.000Z'],
      [{ to: '1969-07-20T20:17:00Z' }, 'to', '1970-01-01T00:00:00.000Z'],
      [{ advance: 'P300000Y' }, 'advance', 'at most 10 years'],
    ] as const) {
      const refused = await ctx.admin.request('POST', path, { body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.detail).toContain(field);
      expect(refused.body.detail).toContain(bound);
    }
    expect(await databaseState()).toEqual(before);
    const longest = await ctx.admin.request('POST', path, { body: { advance: 'P10Y' } });
    expect(longest.body).toMatchObject({ status: 'finished', clock: '2026-03-10T09:00:00.000Z' });
  });

  it('refuses a scenario starting before 1970', async () => {
    const scenario = drillScenario([], { start: '1969-12-31T00:00:00Z' });
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(400);
    expect(started.body.detail).toContain(
      'clock.start: 1969-12-31T00:00:00Z is before 1970-01-01T00:00:00.000Z',
    );
    expect(await databaseState()).toEqual(empty);
  });

  it('refuses a scenario whose incident input has an instant at the end of time', async () => {
    const scenario = structuredClone(loadScenario('jj-meds')) as unknown as {
      incident: { input: { demand: { receivedAt: string } } };
    };
    scenario.incident.input.demand.receivedAt = '9999-12-31T23:59:59Z';
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(400);
    expect(started.body.detail).toContain('input.demand.receivedAt');
    expect(await databaseState()).toEqual(empty);
  });
});

describe('the after-action report page', () => {
  it('shows scenario text as text: no script, image, handler or non-web link, under a strict CSP', async () => {
    const hostile = [
      '[x](javascript:alert(1))',
      '<script>alert(2)</script>',
      '<img src=https://evil/x.png>',
      '![pixel](https://evil/y.png)',
      '<a href="JaVaScRiPt:alert(3)">click</a>',
      '<b onerror="alert(4)">bold</b>',
      '[relative](/v1/tokens)',
      '[docs](https://example.org/runbook)',
      '[mail](mailto:soc@example.org)',
    ].join(' ');
    const scenario = drillScenario([
      { id: 'I1', at: 'PT0M', channel: 'email', from: 'sim', content: hostile },
    ]) as ReturnType<typeof drillScenario> & { metadata: { title: string } };
    scenario.metadata.title = 'Drill <script>alert(5)</script>';
    scenario.objectives[0]!.text = '[o](javascript:alert(6)) <svg onload=alert(7)>';
    const started = await ctx.admin.request('POST', '/v1/exercises', { body: { scenario } });
    expect(started.status).toBe(201);

    const page = await ctx.admin.request('GET', `/v1/exercises/${started.body.id}/report`, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    const html: string = page.body;
    expect(html).toMatch(/<h1>After-action report: Drill (&lt;|&#60;)script(&gt;|&#62;)alert\(5\)/);
    // Every "<" of scenario text is escaped, so each "<" left opens real markup.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(
      tags.filter((tag) => /^<(script|img|svg|iframe|object|embed|form|base|link)\b/i.test(tag)),
    ).toEqual([]);
    expect(tags.filter((tag) => /\s(on[a-z]+|style|src)\s*=/i.test(tag))).toEqual([]);
    const hrefs = tags.flatMap((tag) => [...tag.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]));
    expect(hrefs).toEqual(['https://example.org/runbook', 'mailto:soc@example.org']);

    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe|img-src|script-src/);
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
