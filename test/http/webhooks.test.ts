import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_MS } from '../../src/engine';
import { actor } from '../support/actors';
import { type Client, testClock, useTestApp } from '../support/http';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

/**
 * Webhooks end to end: the API subscribes a real receiver in this process, the app's writes fill the outbox, the
 * dispatcher (drained by the test, on the test's clock) sends signed POSTs, and the receiver verifies every
 * signature with the `standardwebhooks` library.
 */

const clock = testClock('2026-03-08T10:00:00.000Z');
const app = useTestApp({ HOLDFAST_WEBHOOK_ALLOW: '127.0.0.1' }, clock.now);
let receiver: Receiver;
const MINUTE = 60_000;
const facilitator = actor('fay', 'facilitator');

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
beforeEach(() => {
  clock.set('2026-03-08T10:00:00.000Z');
  receiver.received.length = 0;
  receiver.answer(() => ({ status: 204 }));
});

async function subscribe(body: Record<string, unknown> = {}, as: Client = app.admin) {
  const created = await as.request('POST', '/v1/webhooks', {
    body: { url: `${receiver.url}/hook`, ...body },
  });
  expect(created.status).toBe(201);
  receiver.trust(created.body.secret);
  return created.body as { id: string; secret: string };
}

async function openDrill(mode?: 'exercise') {
  if (mode) {
    return app.services.engine.startIncident(
      { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 2 }, actor: facilitator, mode },
      [],
    );
  }
  const response = await app.admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 2 } },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string };
}

const note = (id: string) =>
  app.admin.request('POST', `/v1/incidents/${id}/events`, {
    body: { type: 'note.added', payload: { text: 'Copied to \\\\fs01\\evidence' }, note: 'Called legal' },
  });

const drain = () => app.services.dispatcher.drain();
const deliveries = async (endpoint: string, status?: string) =>
  (await app.admin.request('GET', `/v1/webhooks/${endpoint}/messages${status ? `?status=${status}` : ''}`))
    .body.items as { messageId: string; status: string; attempts: number }[];

describe('webhooks', () => {
  it('sends an advance as one signed Standard Webhooks message, thin unless asked for details', async () => {
    const endpoint = await subscribe({ filters: { types: ['note.added'] } });
    const incident = await openDrill();
    expect((await note(incident.id)).status).toBe(200);
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.verifiedWith).toEqual([endpoint.secret]);
    expect(got!.headers['webhook-id']).toMatch(/^msg_/);
    expect(got!.json).toMatchObject({
      type: 'incident.event',
      data: {
        mode: 'live',
        incident: { id: incident.id, title: 'Drill', playbookId: 'drill' },
        event: { seq: 2, type: 'note.added', actor: 'admin (HOLDFAST_ADMIN_TOKEN)' },
        link: `http://127.0.0.1:8080/#/incidents/${incident.id}`,
      },
    });
    expect(got!.body).not.toMatch(/fs01|legal/);

    const detailed = await subscribe({ filters: { types: ['note.added'] }, includeDetails: true });
    await note(incident.id);
    await drain();
    const toDetailed = receiver.received.find((r) => r.verifiedWith.includes(detailed.secret));
    expect(toDetailed?.json).toMatchObject({ data: { details: { note: 'Called legal' } } });
    expect(await drain()).toBe(0);
  });

  it('sends a timer fire as one signed delivery', async () => {
    await subscribe({ filters: { types: ['deadline.passed'] } });
    const incident = await openDrill();
    await drain();
    expect(receiver.received).toHaveLength(0);
    clock.advance(3 * 60 * MINUTE);
    expect(await app.services.engine.fireDueTimers()).toBe(1);
    expect(await drain()).toBe(1);
    expect(receiver.received.map((r) => [r.verifiedWith.length, r.json])).toEqual([
      [
        1,
        expect.objectContaining({
          type: 'deadline.passed',
          data: expect.objectContaining({
            incident: expect.objectContaining({ id: incident.id }),
            deadline: { timer: 'deadline', label: 'Drill deadline', dueAt: '2026-03-08T12:00:00.000Z' },
          }),
        }),
      ],
    ]);
  });

  it('reminds before a deadline from its timer, and the report says who was told and who was not', async () => {
    const legal = await subscribe({
      url: `${receiver.url}/legal`,
      audience: 'legal',
      format: 'slack',
      filters: { types: ['deadline.reminder'] },
    });
    const board = await subscribe({
      url: `${receiver.url}/board`,
      audience: 'executives',
      filters: { types: ['deadline.reminder'] },
    });
    const machine = await subscribe({
      url: `${receiver.url}/siem`,
      filters: { types: ['deadline.reminder'] },
    });
    receiver.answer((request) => ({ status: request.path === '/board' ? 410 : 204 }));
    const incident = await openDrill();
    // The drill's deadline is due at 12:00: of the default 24 h, 4 h and 1 h, only the 1 h reminder is ahead.
    clock.set('2026-03-08T11:00:30.000Z');
    expect(await app.services.engine.fireDueTimers()).toBe(1);
    expect(await drain()).toBe(3);
    const toLegal = receiver.received.find((r) => r.path === '/legal')!;
    expect(toLegal.verifiedWith).toEqual([legal.secret]);
    expect(toLegal.json).toMatchObject({
      text: 'Drill (high): Reminder: Drill deadline is due in 1h (at 2026-03-08T12:00:00.000Z).',
    });
    const toSiem = receiver.received.find((r) => r.path === '/siem')!;
    expect(toSiem.json).toMatchObject({
      type: 'deadline.reminder',
      data: {
        reminder: {
          timer: 'deadline',
          label: 'Drill deadline',
          dueAt: '2026-03-08T12:00:00.000Z',
          before: '1h',
        },
      },
    });

    const listed = await app.admin.request('GET', `/v1/incidents/${incident.id}/notifications`);
    expect(
      listed.body.items.map((n: Record<string, unknown>) => [n.endpointId, n.audience, n.status]).sort(),
    ).toEqual(
      [
        [legal.id, 'legal', 'delivered'],
        [board.id, 'executives', 'failed'],
        [machine.id, null, 'delivered'],
      ].sort(),
    );
    const report = await app.admin.request('GET', `/v1/incidents/${incident.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.report.told).toEqual([
      expect.objectContaining({
        at: '2026-03-08T11:00:30.000Z',
        audience: expect.any(String),
        what: 'Reminder: Drill deadline is due in 1h (at 2026-03-08T12:00:00.000Z).',
      }),
      expect.objectContaining({ at: '2026-03-08T11:00:30.000Z' }),
    ]);
    expect(
      report.body.report.told.map((t: { audience: string; status: string }) => [t.audience, t.status]).sort(),
    ).toEqual([
      ['executives', 'failed'],
      ['legal', 'delivered'],
    ]);
    expect(report.body.report.timeline.map((t: { what: string }) => t.what)).toContain(
      'Reminder: Drill deadline, due in 1h',
    );
    expect(report.body.report.escalations).toEqual([]);
    const markdown = await app.admin.request('GET', `/v1/incidents/${incident.id}/report`, {
      headers: { accept: 'text/markdown' },
    });
    expect(markdown.body).toMatch(/\| legal \| Reminder: Drill deadline is due in 1h .* \| delivered \|/);
    expect(markdown.body).toMatch(/\| executives \| .* \| FAILED: never delivered \|/);
  });

  it('retries a 500 on the schedule with the same webhook-id: three attempts, then delivered', async () => {
    const endpoint = await subscribe({ filters: { types: ['incident.opened'] } });
    let calls = 0;
    receiver.answer(() => (++calls <= 2 ? { status: 500, body: 'x'.repeat(5000) } : { status: 200 }));
    await openDrill();
    expect(await drain()).toBe(1);
    // Not due yet: the first retry waits 5 s, spread by a fifth either way.
    clock.advance(3_000);
    expect(await drain()).toBe(0);
    clock.advance(3_001);
    expect(await drain()).toBe(1);
    clock.advance(RETRY_SCHEDULE_MS[1]! * 1.2 + 1);
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(receiver.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    const attempts = await app.admin.request(
      'GET',
      `/v1/webhooks/${endpoint.id}/messages/${delivery!.messageId}/attempts`,
    );
    expect(attempts.body.items.map((a: { status: number }) => a.status)).toEqual([500, 500, 200]);
    // Only a short excerpt of an answer's body is kept.
    expect(attempts.body.items[0].excerpt.length).toBeLessThanOrEqual(512);
  });

  it('honours Retry-After when it asks for longer than the schedule', async () => {
    const endpoint = await subscribe({ filters: { types: ['incident.opened'] } });
    receiver.answer(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    await openDrill();
    await drain();
    clock.advance(119_000);
    expect(await drain()).toBe(0);
    clock.advance(1_000);
    expect(await drain()).toBe(1);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastStatus: 429,
    });
  });

  it('disables an endpoint that answers 410 Gone, and says why', async () => {
    const endpoint = await subscribe();
    receiver.answer(() => ({ status: 410 }));
    await openDrill();
    await drain();
    const got = await app.admin.request('GET', `/v1/webhooks/${endpoint.id}`);
    expect(got.body).toMatchObject({ active: false, disabledReason: expect.stringContaining('410') });
    const incident = await openDrill();
    await note(incident.id);
    await drain();
    expect(receiver.received).toHaveLength(1);
    // Turned back on by a person, it runs again.
    receiver.answer(() => ({ status: 204 }));
    const on = await app.admin.request('PATCH', `/v1/webhooks/${endpoint.id}`, { body: { active: true } });
    expect(on.body).toMatchObject({ active: true, disabledReason: null });
    await note(incident.id);
    await drain();
    expect(receiver.received.length).toBeGreaterThan(1);
  });

  it('puts a message past its retries in the dead-letter list; a retry and a replay deliver it', async () => {
    const endpoint = await subscribe({ filters: { types: ['incident.opened'] } });
    receiver.answer(() => ({ status: 503 }));
    await openDrill();
    await openDrill();
    await drain();
    for (const wait of RETRY_SCHEDULE_MS) {
      clock.advance(wait * 1.2 + 1);
      expect(await drain()).toBe(2);
    }
    clock.advance(48 * 60 * MINUTE);
    expect(await drain()).toBe(0);
    expect(receiver.received).toHaveLength(2 * (RETRY_SCHEDULE_MS.length + 1));
    const dead = await deliveries(endpoint.id, 'failed');
    expect(dead).toHaveLength(2);
    expect(dead[0]).toMatchObject({ status: 'failed', attempts: 8, lastStatus: 503 });

    receiver.answer(() => ({ status: 200 }));
    const retried = await app.admin.request(
      'POST',
      `/v1/webhooks/${endpoint.id}/messages/${dead[0]!.messageId}/retry`,
    );
    expect(retried.status).toBe(202);
    expect(await drain()).toBe(1);
    expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(dead[0]!.messageId);
    const replayed = await app.admin.request('POST', `/v1/webhooks/${endpoint.id}/replay`);
    expect(replayed).toMatchObject({ status: 202, body: { requeued: 1 } });
    expect(await drain()).toBe(1);
    expect(await deliveries(endpoint.id, 'failed')).toEqual([]);
    expect((await deliveries(endpoint.id, 'delivered')).map((d) => d.messageId).sort()).toEqual(
      dead.map((d) => d.messageId).sort(),
    );
    expect(
      (await app.admin.request('POST', `/v1/webhooks/${endpoint.id}/messages/${dead[0]!.messageId}/retry`))
        .status,
    ).toBe(404);
  });

  it('tells who was told what of an incident, and when', async () => {
    const legal = await subscribe({ description: 'legal', filters: { types: ['incident.opened'] } });
    const incident = await openDrill();
    clock.advance(MINUTE);
    await drain();
    const told = await app.admin.request('GET', `/v1/incidents/${incident.id}/notifications`);
    expect(told.body.items).toEqual([
      expect.objectContaining({
        type: 'incident.opened',
        seq: 1,
        endpointId: legal.id,
        endpointDescription: 'legal',
        status: 'delivered',
        attempts: 1,
        deliveredAt: '2026-03-08T10:01:00.000Z',
        lastStatus: 204,
      }),
    ]);
    const unknown = '/v1/incidents/00000000-0000-4000-8000-000000000000/notifications';
    expect((await app.admin.request('GET', unknown)).status).toBe(404);
  });

  it('disables an endpoint failing for days without one delivery', async () => {
    const endpoint = await subscribe({ filters: { types: ['incident.opened'] } });
    receiver.answer(() => ({ status: 500 }));
    for (let day = 0; day < 6; day++) {
      await openDrill();
      await drain();
      clock.advance(24 * 60 * MINUTE);
    }
    await drain();
    const got = await app.admin.request('GET', `/v1/webhooks/${endpoint.id}`);
    expect(got.body).toMatchObject({
      active: false,
      disabledReason: expect.stringContaining('failing since'),
    });
  });

  it('sends nothing for a refused event', async () => {
    await subscribe({ filters: { types: ['incident.event'] } });
    const incident = await openDrill();
    const refused = await app.admin.request('POST', `/v1/incidents/${incident.id}/events`, {
      body: { type: 'work.finished' },
    });
    expect(refused.status).toBe(409);
    expect(await drain()).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  it('sends exercise messages, marked EXERCISE, only to endpoints that accept exercises', async () => {
    const live = await subscribe({ filters: { types: ['incident.opened'] } });
    const drills = await subscribe({ filters: { types: ['incident.opened'], modes: ['exercise'] } });
    await openDrill('exercise');
    await drain();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.verifiedWith).toEqual([drills.secret]);
    expect(receiver.received[0]!.json).toMatchObject({ data: { mode: 'exercise', subject: 'EXERCISE' } });
    expect(await deliveries(live.id)).toEqual([]);
  });

  it('signs with both secrets during a rotation’s overlap, then with the new one only', async () => {
    const endpoint = await subscribe({ filters: { types: ['incident.opened'] } });
    const rotated = await app.admin.request('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`, {
      body: { overlapSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secrets).toEqual([{ expiresAt: null }, { expiresAt: '2026-03-08T11:00:00.000Z' }]);
    receiver.trust(rotated.body.secret);
    await openDrill();
    await drain();
    expect(receiver.received[0]!.verifiedWith.sort()).toEqual([endpoint.secret, rotated.body.secret].sort());
    expect(receiver.received[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    clock.advance(61 * MINUTE);
    await openDrill();
    await drain();
    expect(receiver.received[1]!.verifiedWith).toEqual([rotated.body.secret]);
  });

  it('sends Slack and Teams messages in the shapes those services document', async () => {
    await subscribe({ format: 'slack', filters: { types: ['incident.opened'] } });
    await subscribe({ format: 'teams', filters: { types: ['incident.opened'] } });
    await openDrill('exercise');
    await drain();
    expect(receiver.received).toHaveLength(0);
    await openDrill();
    await drain();
    const slack = receiver.received.find((r) => (r.json as { blocks?: unknown }).blocks)!.json as Record<
      string,
      never
    >;
    expect(slack).toEqual({
      text: expect.stringMatching(/^Drill \(\w+\): Incident opened by admin \(HOLDFAST_ADMIN_TOKEN\)\.$/),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: expect.stringMatching(/^Drill/) } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: expect.stringMatching(
              /<http:\/\/127\.0\.0\.1:8080\/#\/incidents\/[0-9a-f-]+\|Open the incident>$/,
            ),
          },
        },
      ],
    });
    const teams = receiver.received.find((r) => (r.json as { attachments?: unknown }).attachments)!.json as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(teams.type).toBe('message');
    expect(teams.attachments).toHaveLength(1);
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0]!.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: expect.stringMatching(/^Drill/) },
        { type: 'TextBlock', text: 'Incident opened by admin (HOLDFAST_ADMIN_TOKEN).' },
      ],
      actions: [{ type: 'Action.OpenUrl', url: expect.stringMatching(/#\/incidents\//) }],
    });
  });
});

describe('webhook safety', () => {
  it('refuses URLs that are not http(s) or carry credentials, and bad filters, with a 400 that writes nothing', async () => {
    for (const body of [
      { url: 'ftp://example.com/x' },
      { url: 'file:///etc/passwd' },
      { url: 'https://user:pw@example.com/' },
      { url: 'not a url' },
      { url: 'https://example.com/', filters: { modes: ['sometimes'] } },
      { url: 'https://example.com/', filters: { unknown: [] } },
      { url: 'https://example.com/', format: 'irc' },
    ]) {
      const response = await app.admin.request('POST', '/v1/webhooks', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await app.admin.request('GET', '/v1/webhooks')).body.items).toEqual([]);
    expect((await app.admin.request('GET', '/v1/webhooks/nope')).status).toBe(404);
    expect(
      (await app.admin.request('DELETE', '/v1/webhooks/00000000-0000-4000-8000-000000000000')).status,
    ).toBe(404);
  });

  it('is for admins only', async () => {
    const token = await app.admin.request('POST', '/v1/tokens', {
      body: { name: 'olga', roles: ['observer'] },
    });
    for (const [method, path] of [
      ['GET', '/v1/webhooks'],
      ['POST', '/v1/webhooks'],
    ] as const) {
      const asObserver = await app.admin.request(method, path, {
        token: token.body.token,
        ...(method === 'POST' && { body: { url: 'https://example.com/' } }),
      });
      expect(asObserver.status).toBe(403);
    }
    expect((await app.admin.request('GET', '/v1/webhooks')).body.items).toEqual([]);
  });

  it('does not follow redirects', async () => {
    const endpoint = await subscribe({ filters: { types: ['incident.opened'] } });
    receiver.answer((request) =>
      request.path === '/hook'
        ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } }
        : { status: 200 },
    );
    await openDrill();
    await drain();
    expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'pending', lastStatus: 302 });
  });

  it('deletes an endpoint with its deliveries', async () => {
    const endpoint = await subscribe();
    await openDrill();
    await drain();
    expect((await app.admin.request('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(204);
    expect((await app.admin.request('GET', `/v1/webhooks/${endpoint.id}`)).status).toBe(404);
  });
});
