import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Client, type Response, testClock, tokenFor, useTestApp } from '../support/http';
import { type SseMessage, sseReader } from '../support/sse';

/**
 * What one token may take of an instance: events a minute, streams open at once, and messages a stream
 * replays before it ends (the client resumes with Last-Event-ID). Low limits here, to reach them quickly.
 */

const clock = testClock('2026-11-21T09:01:00Z');

const expectProblem = (response: Response, status: number, code: string) => {
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
};

function helpers(app: ReturnType<typeof useTestApp>) {
  const drill = async () => {
    const created = await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const send = (id: string, type: string, payload: unknown, as: Client = app.admin) =>
    as.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });
  const incident = async (id: string) => (await app.admin.request('GET', `/v1/incidents/${id}`)).body;
  return { drill, send, incident };
}

describe('events per minute per principal', () => {
  const app = useTestApp({ HOLDFAST_EVENTS_PER_MINUTE: 5 }, clock.now);
  const { send, incident, drill } = helpers(app);
  const note = (id: string, as?: Client) => send(id, 'note.added', { text: 'x' }, as);

  it('refuses the event after the limit with 429 and Retry-After, changes nothing, and counts per principal', async () => {
    const id = await drill();
    for (let n = 0; n < 5; n++) expect((await note(id)).status).toBe(200);
    const refused = await note(id);
    expectProblem(refused, 429, 'rate_limited');
    expect(refused.headers.get('retry-after')).toBe('12');
    expect(refused.body).toMatchObject({ limit: 'events_per_minute', max: 5, retryAfter: 12 });
    expect((await incident(id)).version).toBe(6);

    const other = await tokenFor(app.services, app.admin, 'other', 'responder');
    expect((await note(id, other)).status).toBe(200);
    // The budget is the principal's: a second token of the same person does not double it.
    for (let n = 0; n < 4; n++) expect((await note(id, other)).status).toBe(200);
    const sameperson = await tokenFor(app.services, app.admin, 'other', 'responder');
    expectProblem(await note(id, sameperson), 429, 'rate_limited');

    clock.advance(11_000);
    expectProblem(await note(id), 429, 'rate_limited');
    clock.advance(1_000);
    expect((await note(id)).status).toBe(200);
    expectProblem(await note(id), 429, 'rate_limited');
  });
});

describe('streams', () => {
  const app = useTestApp({ HOLDFAST_STREAM_REPLAY_MAX: 5, HOLDFAST_STREAM_HEARTBEAT_MS: 200 }, clock.now);
  const { send, drill } = helpers(app);

  const connect = (path: string, headers: Record<string, string> = {}, token = ADMIN_TOKEN) =>
    app.services.app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const openStream = async (path: string, headers: Record<string, string> = {}, token = ADMIN_TOKEN) => {
    const response = await connect(path, headers, token);
    expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
    const stream = sseReader(response);
    await stream.comment('connected');
    return stream;
  };
  const ids = (messages: SseMessage[]) => messages.map((message) => message.id!);

  it('refuses a sixth stream of one token with 429, and takes one again once a stream is closed', async () => {
    const streams = [];
    for (let n = 0; n < 5; n++) streams.push(await openStream('/v1/stream'));
    const sixth = await connect('/v1/stream');
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toMatchObject({ code: 'rate_limited', limit: 'streams_per_token', max: 5 });

    const observer = await tokenFor(app.services, app.admin, 'wall', 'observer');
    const theirs = await openStream('/v1/stream', {}, observer.token!);

    await streams.pop()!.close();
    // The slot is given back when the server sees the stream end.
    await expect
      .poll(
        async () => {
          const response = await connect('/v1/stream');
          if (response.status === 200) streams.push(sseReader(response));
          return response.status;
        },
        { timeout: 10_000 },
      )
      .toBe(200);
    for (const stream of [...streams, theirs]) await stream.close();
  });

  it("replays at most the limit of an incident's events, then ends; resuming from the last id loses and repeats nothing", async () => {
    const id = await drill();
    for (let n = 0; n < 11; n++) expect((await send(id, 'note.added', { text: `${n}` })).status).toBe(200);
    const seen: string[] = [];
    let lastId = '0';
    for (let part = 0; part < 2; part++) {
      const stream = await openStream(`/v1/incidents/${id}/stream`, { 'last-event-id': lastId });
      const replayed = await stream.ended();
      expect(replayed).toHaveLength(5);
      expect(stream.comments.at(-1)).toMatch(
        /^replay limit \(5 messages\) reached; reconnect with Last-Event-ID: \d+$/,
      );
      seen.push(...ids(replayed));
      lastId = seen.at(-1)!;
    }
    const rest = await openStream(`/v1/incidents/${id}/stream`, { 'last-event-id': lastId });
    seen.push(...ids(await rest.next(2)));
    expect(seen).toEqual(Array.from({ length: 12 }, (_, n) => String(n + 1)));
    // Caught up, it stays open and live.
    await send(id, 'note.added', { text: 'live' });
    expect(ids(await rest.next(1))).toEqual(['13']);
    await rest.close();
  });

  it('replays a Last-Event-ID of 0.0 in parts of the limit, each resumed from its last cursor', async () => {
    const [a, b] = [await drill(), await drill()];
    for (let n = 0; n < 6; n++) await send(n % 2 === 0 ? a : b, 'note.added', { text: `${n}` });
    const changes = (messages: SseMessage[]) =>
      messages
        .map((message) => JSON.parse(message.data))
        .map((change) => [change.incidentId, change.version]);

    const first = await openStream('/v1/stream', { 'last-event-id': '0.0' });
    const replayed = await first.ended();
    expect(replayed).toHaveLength(5);
    const cursor = replayed.at(-1)!.id!;
    expect(first.comments.at(-1)).toBe(
      `replay limit (5 messages) reached; reconnect with Last-Event-ID: ${cursor}`,
    );

    const second = await openStream('/v1/stream', { 'last-event-id': cursor });
    const rest = await second.next(3);
    expect([...changes(replayed), ...changes(rest)]).toEqual([
      [a, 1],
      [b, 1],
      [a, 2],
      [b, 2],
      [a, 3],
      [b, 3],
      [a, 4],
      [b, 4],
    ]);
    // Caught up, it stays open and live.
    await send(a, 'note.added', { text: 'live' });
    expect(changes(await second.next(1))).toEqual([[a, 5]]);
    await second.close();
  });
});
