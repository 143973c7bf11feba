import { describe, expect, it } from 'vitest';
import { notificationClocks } from '../../src/playbook-kit';
import { testClock, tokenFor, useTestApp } from '../support/http';

const clock = testClock('2026-12-01T00:00:00.000Z');
const ctx = useTestApp({}, clock.now);

const due = (id: string, query: string) => ctx.admin.request('GET', `/v1/clocks/${id}/due?${query}`);

describe('the notification-clock library over HTTP', () => {
  it('lists every clock with its anchor, deadline, calendar, recipient, condition, source and verifiedOn', async () => {
    const { status, body } = await ctx.admin.request('GET', '/v1/clocks');
    expect(status).toBe(200);
    expect(body.items.map((c: { id: string }) => c.id)).toEqual(notificationClocks.map((c) => c.id));
    expect(body.items.find((c: { id: string }) => c.id === 'sec-8k-105')).toMatchObject({
      anchor: 'material',
      deadline: { kind: 'business_days', amount: 4 },
      calendar: { region: 'US', timeZone: 'America/New_York', note: expect.stringContaining('201.104') },
      recipient: 'SEC (public filing)',
      condition: expect.any(String),
      source: expect.stringContaining('Item 1.05'),
      policyDefault: false,
      verifiedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(body.items.find((c: { id: string }) => c.id === 'visa-initial-report').calendar).toMatchObject({
      region: null,
      timeZone: null,
    });
  });

  it('lists at least 40 clocks over at least 15 jurisdictions, each with its exact citation, filing and verification', async () => {
    const { body } = await ctx.admin.request('GET', '/v1/clocks');
    const items = body.items as {
      id: string;
      jurisdictions: string[];
      citation: string;
      filing: string;
      basis: string;
      enabled: boolean;
      verifiedOn: string | null;
      verification: string | null;
    }[];
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(new Set(items.flatMap((c) => c.jurisdictions)).size).toBeGreaterThanOrEqual(15);
    for (const c of items) {
      expect(c.citation.length, c.id).toBeGreaterThan(5);
      expect(c.filing.length, c.id).toBeGreaterThan(5);
      expect(['law', 'policy'], c.id).toContain(c.basis);
      // A figure never checked against its primary source says so.
      if (c.verifiedOn === null) expect(c.verification, c.id).toMatch(/not|Not/);
    }
    expect(items.filter((c) => !c.enabled).map((c) => c.id)).toEqual([
      'pipeda-record',
      'circia-incident',
      'circia-ransom-payment',
    ]);
    expect(items.find((c) => c.id === 'sec-8k-105')).toMatchObject({ cutOff: '17:30' });
  });

  it('answers a due time for every clock of the library, after its anchor', async () => {
    const anchorAt = '2027-01-15T16:00:00-05:00'; // a Friday before MLK Day, in New York
    const { body } = await ctx.admin.request('GET', '/v1/clocks');
    for (const { id } of body.items as { id: string }[]) {
      const answer = await due(
        id,
        `anchorAt=${encodeURIComponent(anchorAt)}&timeZone=Europe/London&country=GB`,
      );
      expect(answer.status, id).toBe(200);
      expect(answer.body.clockId).toBe(id);
      expect(Date.parse(answer.body.dueAt), id).toBeGreaterThan(Date.parse(anchorAt));
    }
    // Brazil's 3 business days skip the weekend in Brasília time; Vermont's 14 skip MLK Day 2027.
    expect(
      (await due('br-lgpd-anpd', `anchorAt=${encodeURIComponent(anchorAt)}&timeZone=Europe/London`)).body,
    ).toMatchObject({
      dueAt: '2027-01-21T02:59:59.999Z',
      calendar: { region: 'BR', timeZone: 'America/Sao_Paulo' },
    });
    const vermont = await due(
      'us-vt-attorney-general',
      `anchorAt=${encodeURIComponent(anchorAt)}&timeZone=Asia/Tokyo`,
    );
    expect(vermont.body.calendar.holidaysSkipped).toEqual([
      { date: '2027-01-18', name: 'Martin Luther King Jr. Day' },
    ]);
    expect(vermont.body.dueAt).toBe('2027-02-06T04:59:59.999Z'); // Fri 5 Feb, the 14th business day
  });

  it("computes a due time in the regulator's calendar and names the holidays it skipped", async () => {
    const { status, body } = await due(
      'sec-8k-105',
      `anchorAt=${encodeURIComponent('2027-01-14T10:00:00-05:00')}&timeZone=Asia/Tokyo&country=JP`,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      clockId: 'sec-8k-105',
      anchorAt: '2027-01-14T15:00:00.000Z',
      dueAt: '2027-01-21T22:30:00.000Z',
      deadline: { kind: 'business_days', amount: 4 },
      policyDefault: false,
      calendar: {
        region: 'US',
        timeZone: 'America/New_York',
        holidaysSkipped: [{ date: '2027-01-18', name: 'Martin Luther King Jr. Day' }],
        note: expect.any(String),
      },
    });
  });

  it("falls back to the incident's time zone and the organisation's country where the clock has none", async () => {
    const { body } = await due(
      'visa-initial-report',
      `anchorAt=${encodeURIComponent('2030-06-27T10:00:00-04:00')}&timeZone=America/Toronto&country=CA`,
    );
    expect(body).toMatchObject({
      dueAt: '2030-07-04T03:59:59.999Z',
      calendar: { region: 'CA', timeZone: 'America/Toronto', holidaysSkipped: [{ date: '2030-07-01' }] },
    });
    const utc = await due('hipaa-individuals', 'anchorAt=2026-11-20T10:00:00Z');
    expect(utc.body).toMatchObject({ dueAt: '2027-01-19T10:00:00.000Z', calendar: { timeZone: 'UTC' } });
  });

  it('answers 404 for a clock that does not exist', async () => {
    const { status, body } = await due('sec-8k-999', 'anchorAt=2026-11-20T10:00:00Z');
    expect(status).toBe(404);
    expect(body.code).toBe('not_found');
  });

  it.each([
    ['anchorAt=yesterday', 'query.anchorAt'],
    ['', 'query.anchorAt'],
    ['anchorAt=2026-11-20T10:00:00', 'query.anchorAt'],
    ['anchorAt=2026-11-20T10:00:00Z&timeZone=Mars/Olympus', 'query.timeZone'],
    ['anchorAt=2026-11-20T10:00:00Z&country=japan', 'query.country'],
  ])('refuses ?%s with a 400 naming %s', async (query, path) => {
    const { status, body } = await due('sec-8k-105', query);
    expect(status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('refuses an anchor outside the accepted window, naming the field and the bounds', async () => {
    const late = await due('sec-8k-105', 'anchorAt=2036-12-01T00:00:01Z');
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({
      errors: [{ path: 'query.anchorAt' }],
      earliest: '1970-01-01T00:00:00.000Z',
      latest: '2036-12-01T00:00:00.000Z',
    });
    const early = await due('sec-8k-105', 'anchorAt=1969-12-31T23:59:59Z');
    expect(early.status).toBe(400);
    expect(early.body.errors[0].path).toBe('query.anchorAt');
    expect((await due('sec-8k-105', 'anchorAt=2036-12-01T00:00:00Z')).status).toBe(200);
  });

  it('lets observers and facilitators read the library and the calculator', async () => {
    for (const role of ['observer', 'facilitator']) {
      const reader = await tokenFor(ctx.services, ctx.admin, `${role}-reader`, role);
      expect((await reader.request('GET', '/v1/clocks')).status).toBe(200);
      const answer = await reader.request(
        'GET',
        '/v1/clocks/appi-confirmed/due?anchorAt=2026-11-20T10:00:00Z',
      );
      expect(answer.status).toBe(200);
    }
    expect((await ctx.admin.request('GET', '/v1/clocks', { token: null })).status).toBe(401);
  });
});

describe('clock anchors on an incident over HTTP', () => {
  const opened = '2026-12-01T00:00:00.000Z';
  const input = {
    demand: {
      receivedAt: opened,
      channel: 'email',
      claimedAssets: ['member records'],
      proofOfAccess: false,
      threatenedActions: ['publish_internet'],
      amount: 1000,
      currency: 'USD',
    },
    organisation: { name: 'JJ Meds', country: 'CA' },
    jurisdictions: ['CA', 'EU', 'US-SEC'],
    timeZone: 'America/Toronto',
  };

  it('records an anchor with its earlier time, refuses one after the event, and names the clocks never started', async () => {
    const created = await ctx.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'Anchors', input },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const send = (body: object) => ctx.admin.request('POST', `/v1/incidents/${id}/events`, { body });
    const notStarted = (incident: { clocksNotStarted: { id: string; reason: string }[] }) =>
      incident.clocksNotStarted.map((c) => c.id);
    expect(notStarted(created.body)).toEqual(
      expect.arrayContaining(['gdpr-art33', 'pipeda-opc', 'sec-8k-105']),
    );

    const future = await send({
      type: 'anchor.recorded',
      payload: { anchor: 'aware', anchorAt: '2026-12-02T00:00:00Z', rationale: 'Not yet known.' },
    });
    expect(future.status).toBeGreaterThanOrEqual(400);
    expect(future.status).toBeLessThan(500);

    const aware = await send({
      type: 'anchor.recorded',
      payload: {
        anchor: 'aware',
        anchorAt: '2026-11-30T18:00:00-05:00',
        rationale: 'The SOC saw the export.',
      },
    });
    expect(aware.status, JSON.stringify(aware.body)).toBe(200);
    const incident = (await ctx.admin.request('GET', `/v1/incidents/${id}`)).body;
    expect(incident.context.clocks['gdpr-art33']).toMatchObject({
      anchor: 'aware',
      anchorAt: '2026-11-30T23:00:00.000Z', // before the incident was opened
      dueAt: '2026-12-03T23:00:00.000Z',
    });
    expect(notStarted(incident)).not.toContain('gdpr-art33');
    expect(incident.clocksNotStarted.find((c: { id: string }) => c.id === 'sec-8k-105').reason).toMatch(
      /determined to be material.*was never recorded/,
    );
  });
});
