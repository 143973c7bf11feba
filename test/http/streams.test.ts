import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../src/engine';
import { countPgliteQueries } from '../support/databases';
import { ADMIN_TOKEN, type Client, tokenFor, useTestApp } from '../support/http';
import { type SseMessage, sseReader } from '../support/sse';

const app = useTestApp({ HOLDFAST_STREAM_HEARTBEAT_MS: 200 });

const openDrill = async (client: Client = app.admin) => {
  const created = await client.request('POST', '/v1/incidents', {
    body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; version: number };
};

const openExercise = () =>
  app.services.engine.startIncident(
    {
      playbookId: 'drill',
      title: 'Drill exercise',
      input: { deadlineHours: 48 },
      actor: { id: 'facilitator', name: 'facilitator', roles: ['facilitator'] },
      mode: 'exercise',
      clockStart: '2030-01-01T00:00:00Z',
    },
    [],
  );

const note = async (id: string, text: string, client: Client = app.admin) => {
  const sent = await client.request('POST', `/v1/incidents/${id}/events`, {
    body: { type: 'note.added', payload: { text } },
  });
  expect(sent.status).toBe(200);
  return sent.body.event as { seq: number };
};

/** Opens a stream through the app (the real route and middleware) and reads it as it arrives. */
async function openStream(path: string, headers: Record<string, string> = {}, token = ADMIN_TOKEN) {
  const response = await app.services.app.request(path, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  expect(response.status, await peekError(response)).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const stream = sseReader(response);
  await stream.comment('connected');
  return stream;
}

const peekError = async (response: Response) =>
  response.status === 200 ? '' : await response.clone().text();

const parsed = (messages: SseMessage[]) => messages.map((message) => JSON.parse(message.data));

describe('polling', () => {
  it('answers If-None-Match with 304 without touching the database', async () => {
    const observer = await tokenFor(app.services, app.admin, 'wall-screen', 'observer');
    const incident = await openDrill();
    const first = await observer.request('GET', `/v1/incidents/${incident.id}`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;

    const queries = countPgliteQueries(app.test.database);
    const again = await observer.request('GET', `/v1/incidents/${incident.id}`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(queries.stop()).toBe(0);

    // A change makes the old ETag stale at once; the new version is cached again.
    await note(incident.id, 'changed');
    const changed = await observer.request('GET', `/v1/incidents/${incident.id}`, {
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
  });

  it('never answers 304 for an incident the caller may not see', async () => {
    const facilitator = await tokenFor(app.services, app.admin, 'facilitator', 'facilitator');
    const live = await openDrill();
    await app.admin.request('GET', `/v1/incidents/${live.id}`);
    const refused = await facilitator.request('GET', `/v1/incidents/${live.id}`, {
      headers: { 'if-none-match': '"1"' },
    });
    expect(refused.status).toBe(404);
  });

  it('lists only the incidents changed after a cursor, and the next cursor', async () => {
    const [a, b, c] = [await openDrill(), await openDrill(), await openDrill()];
    const listing = await app.admin.request('GET', '/v1/incidents');
    expect(listing.body.items).toHaveLength(3);
    const cursor = listing.body.cursor as string;

    const unchanged = await app.admin.request('GET', `/v1/incidents?since=${cursor}`);
    expect(unchanged.body).toEqual({ items: [], cursor });

    await note(b.id, 'b changed');
    await note(a.id, 'a changed');
    const changed = await app.admin.request('GET', `/v1/incidents?since=${cursor}`);
    expect(changed.body.items.map((item: { id: string }) => item.id)).toEqual([b.id, a.id]);
    expect(changed.body.items.map((item: { version: number }) => item.version)).toEqual([2, 2]);
    expect(changed.body.cursor).not.toBe(cursor);

    await note(a.id, 'a again');
    const next = await app.admin.request('GET', `/v1/incidents?since=${changed.body.cursor}`);
    expect(next.body.items.map((item: { id: string; version: number }) => [item.id, item.version])).toEqual([
      [a.id, 3],
    ]);
    expect(next.body.items.some((item: { id: string }) => item.id === c.id)).toBe(false);
  });

  it('refuses a cursor it did not hand out', async () => {
    for (const since of ['yesterday', '12', '1.2.3', '-1.0']) {
      const answer = await app.admin.request('GET', `/v1/incidents?since=${since}`);
      expect(answer.status, since).toBe(400);
      expect(answer.body.detail ?? answer.body.message).toMatch(/since must be a cursor/);
    }
  });
});

describe('streams', () => {
  it('sends one message per committed change and resumes after Last-Event-ID without a gap', async () => {
    const incidents = [await openDrill(), await openDrill()];
    const stream = await openStream('/v1/stream');
    const sent: [string, number][] = [];
    for (let i = 0; i < 50; i++) {
      const incident = incidents[i % 2]!;
      sent.push([incident.id, (await note(incident.id, `change ${i}`)).seq]);
    }
    const firstHalf = await stream.next(50);
    expect(parsed(firstHalf).map((change) => [change.incidentId, change.version])).toEqual(sent);
    expect(firstHalf.every((message) => message.event === 'change' && message.id)).toBe(true);
    const ids = firstHalf.map((message) => message.id!);
    expect(new Set(ids).size).toBe(50);
    await stream.close();

    // 50 more while nobody listens; resume from the 40th message: 10 replayed + 50 missed, in order.
    for (let i = 50; i < 100; i++) {
      const incident = incidents[i % 2]!;
      sent.push([incident.id, (await note(incident.id, `change ${i}`)).seq]);
    }
    const resumed = await openStream('/v1/stream', { 'last-event-id': ids[39]! });
    const replayed = await resumed.next(60);
    expect(parsed(replayed).map((change) => [change.incidentId, change.version])).toEqual(sent.slice(40));
    expect(await resumed.rest(300)).toEqual([]);

    // And it stays live after the replay.
    await note(incidents[0]!.id, 'live again');
    const [live] = parsed(await resumed.next(1));
    expect(live).toMatchObject({ incidentId: incidents[0]!.id, event: { type: 'note.added' } });
    await resumed.close();
  });

  it('streams one incident by event seq and resumes from a seq', async () => {
    const incident = await openDrill();
    const other = await openDrill();
    const stream = await openStream(`/v1/incidents/${incident.id}/stream`);
    await note(other.id, 'elsewhere');
    await note(incident.id, 'one');
    await note(incident.id, 'two');
    const messages = await stream.next(2);
    expect(messages.map((message) => message.id)).toEqual(['2', '3']);
    expect(parsed(messages).map((change) => change.event.type)).toEqual(['note.added', 'note.added']);
    await stream.close();

    const resumed = await openStream(`/v1/incidents/${incident.id}/stream`, { 'last-event-id': '0' });
    expect((await resumed.next(3)).map((message) => message.id)).toEqual(['1', '2', '3']);
    await resumed.close();
  });

  it('sends heartbeats while nothing happens', async () => {
    const stream = await openStream('/v1/stream');
    await stream.comment('heartbeat', 3000);
    await stream.close();
  });

  it("follows the caller's role: observers see live incidents, facilitators only exercises", async () => {
    const observer = await tokenFor(app.services, app.admin, 'observer', 'observer');
    const facilitator = await tokenFor(app.services, app.admin, 'facilitator', 'facilitator');
    const live = await openDrill();
    const exercise = await openExercise();
    const observerStream = await openStream('/v1/stream', {}, bearerOf(observer));
    const facilitatorStream = await openStream('/v1/stream', {}, bearerOf(facilitator));
    await note(exercise.id, 'exercise move');
    await note(live.id, 'live move');
    expect(parsed(await observerStream.next(1))[0].incidentId).toBe(live.id);
    expect(parsed(await facilitatorStream.next(1))[0].incidentId).toBe(exercise.id);
    expect(await observerStream.rest(200)).toEqual([]);
    expect(await facilitatorStream.rest(0)).toEqual([]);
    await observerStream.close();
    await facilitatorStream.close();

    const refused = await app.services.app.request('/v1/stream?mode=live', {
      headers: { authorization: `Bearer ${bearerOf(facilitator)}` },
    });
    expect(refused.status).toBe(403);
    const hidden = await app.services.app.request(`/v1/incidents/${live.id}/stream`, {
      headers: { authorization: `Bearer ${bearerOf(facilitator)}` },
    });
    expect(hidden.status).toBe(404);
  });

  it('refuses a Last-Event-ID it did not hand out', async () => {
    const incident = await openDrill();
    for (const [path, id] of [
      ['/v1/stream', 'abc'],
      ['/v1/stream', '5'],
      [`/v1/incidents/${incident.id}/stream`, '1.5'],
    ] as const) {
      const answer = await app.services.app.request(path, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'last-event-id': id },
      });
      expect(answer.status, `${path} ${id}`).toBe(400);
    }
  });
});

describe('a facilitator-only token', () => {
  it('sees the same cursors and stream ids before and after live work', async () => {
    const facilitator = await tokenFor(app.services, app.admin, 'facilitator', 'facilitator');
    const live = await openDrill();
    const exercise = await openExercise();
    const list = async (query = '') => {
      const listing = await facilitator.request('GET', `/v1/incidents${query}`);
      expect(listing.status).toBe(200);
      return listing.body as { items: { id: string; version: number }[]; cursor: string };
    };
    const fiveLiveAdvances = async () => {
      for (let i = 0; i < 5; i++) await note(live.id, `live ${i}`);
    };

    const before = await list();
    const beforeSince = await list(`?since=${before.cursor}`);
    const stream = await openStream('/v1/stream', {}, bearerOf(facilitator));
    await fiveLiveAdvances();
    expect(await list()).toEqual(before);
    expect(await list(`?since=${before.cursor}`)).toEqual(beforeSince);
    expect(beforeSince).toEqual({ items: [], cursor: before.cursor });

    // Exercise work moves the cursors; live work does not.
    await note(exercise.id, 'exercise move');
    const [message] = await stream.next(1);
    expect(message!.id).toMatch(/^x[\w-]{22}$/);
    const after = await list();
    const afterSince = await list(`?since=${before.cursor}`);
    expect(after.cursor).not.toBe(before.cursor);
    expect(afterSince.items.map((item) => item.id)).toEqual([exercise.id]);
    await fiveLiveAdvances();
    expect(await list()).toEqual(after);
    expect(await list(`?since=${before.cursor}`)).toEqual(afterSince);
    expect(await list(`?since=${afterSince.cursor}`)).toEqual({ items: [], cursor: afterSince.cursor });
    expect(await stream.rest(300)).toEqual([]);
    await stream.close();

    // Resuming from before replays the exercise move alone, under the same id.
    const resumed = await openStream('/v1/stream', { 'last-event-id': before.cursor }, bearerOf(facilitator));
    expect((await resumed.next(1)).map((replayed) => replayed.id)).toEqual([message!.id]);
    expect(await resumed.rest(200)).toEqual([]);
    await resumed.close();
  });

  it('refuses an exercise cursor made up or made with another key', async () => {
    const facilitator = await tokenFor(app.services, app.admin, 'facilitator', 'facilitator');
    await openExercise();
    const { cursor } = (await facilitator.request('GET', '/v1/incidents')).body;
    const other = createCursorCodec(Buffer.alloc(32, 7)).format({ xid: 1, seq: 2 }, 'exercise');
    const flipped = `${cursor.slice(0, -2)}${cursor.at(-2) === 'A' ? 'B' : 'A'}${cursor.at(-1)}`;
    for (const since of [other, flipped, '1042.77', `${cursor}x`]) {
      const answer = await facilitator.request('GET', `/v1/incidents?since=${since}`);
      expect(answer.status, since).toBe(400);
    }
    expect((await facilitator.request('GET', `/v1/incidents?since=${cursor}`)).status).toBe(200);
  });
});

describe('a revoked token', () => {
  const tokenId = async (name: string) =>
    (await app.admin.request('GET', '/v1/tokens')).body.items.find(
      (token: { name: string }) => token.name === name,
    ).id as string;

  it('ends its open streams', async () => {
    const observer = await tokenFor(app.services, app.admin, 'wall-screen', 'observer');
    const incident = await openDrill();
    const all = await openStream('/v1/stream', {}, bearerOf(observer));
    const one = await openStream(`/v1/incidents/${incident.id}/stream`, {}, bearerOf(observer));
    const admins = await openStream('/v1/stream');
    await note(incident.id, 'seen by all');
    await all.next(1);
    await one.next(1);

    expect((await app.admin.request('DELETE', `/v1/tokens/${await tokenId('wall-screen')}`)).status).toBe(
      200,
    );
    await all.ended(2000);
    await one.ended(2000);
    expect(app.services.sessions.size).toBe(1);
    // Another credential's stream goes on.
    await note(incident.id, 'after the revocation');
    expect(parsed(await admins.next(2)).map((change) => change.version)).toEqual([2, 3]);
    await admins.close();
  });

  it('ends its streams at the next heartbeat when no notice of the revocation arrived', async () => {
    const observer = await tokenFor(app.services, app.admin, 'wall-screen', 'observer');
    const stream = await openStream('/v1/stream', {}, bearerOf(observer));
    const id = await tokenId('wall-screen');
    // Revoked the way no trigger sees, so nothing is announced.
    await app.test.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update tokens set revoked_at = now() where id = ${id}`);
    });
    await stream.ended(2000);
  });
});

const bearerOf = (client: Client): string => client.token!;

/** Counts statements sent to the test's PGlite database until `stop()`. */
