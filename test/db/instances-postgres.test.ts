import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { openTestPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/databases';
import { ADMIN_TOKEN, type Client, client, type Services, testServices, tokenFor } from '../support/http';
import { sseReader } from '../support/sse';

/** Polls `check` until it returns true (a notification crossing instances takes milliseconds). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the other instance never saw it');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!TEST_DATABASE_URL)('two instances on one Postgres database', () => {
  let test: TestDatabase;
  let second: Database;
  let a: Services;
  let b: Services;
  let adminA: Client;
  let adminB: Client;

  beforeAll(async () => {
    test = await openTestPostgres(10);
    // Instance B has its own pool, listener and caches: it shares nothing with A but the database.
    second = await openDatabase({ databaseUrl: test.url!, dataDir: '', maxConnections: 10 });
    a = testServices(test);
    b = testServices({ ...test, database: second });
    await a.changes.start();
    await b.changes.start();
    adminA = client(a);
    adminB = client(b);
  });
  afterAll(async () => {
    await a?.changes.stop();
    await b?.changes.stop();
    await second?.close();
    await test?.dispose();
  });

  const openDrill = async () =>
    (
      await adminA.request('POST', '/v1/incidents', {
        body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
      })
    ).body as { id: string };
  const note = (admin: Client, id: string, text: string) =>
    admin.request('POST', `/v1/incidents/${id}/events`, { body: { type: 'note.added', payload: { text } } });

  it("delivers a change committed on one instance to a stream held by the other, in the log's order", async () => {
    const incident = await openDrill();
    const response = await b.app.request('/v1/stream', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const stream = sseReader(response);
    await stream.comment('connected');
    for (let i = 0; i < 20; i++) expect((await note(adminA, incident.id, `from a ${i}`)).status).toBe(200);
    const messages = (await stream.next(20)).map((message) => JSON.parse(message.data));
    expect(messages.map((change) => change.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(new Set(messages.map((change) => change.incidentId))).toEqual(new Set([incident.id]));
    await stream.close();
  });

  it("keeps the other instance's version cache fresh: its 304 turns into 200 once A writes", async () => {
    const incident = await openDrill();
    const seen = await adminB.request('GET', `/v1/incidents/${incident.id}`);
    const etag = seen.headers.get('etag')!;
    const poll = () =>
      adminB.request('GET', `/v1/incidents/${incident.id}`, { headers: { 'if-none-match': etag } });
    expect((await poll()).status).toBe(304);
    await note(adminA, incident.id, 'changed on a');
    await eventually(async () => (await poll()).status === 200);
  });

  it('refuses a token revoked on one instance on the other, although the other had it cached', async () => {
    const observer = await tokenFor(a, adminA, 'screen', 'observer');
    const onB = client(b, observer.token);
    expect((await onB.request('GET', '/v1/incidents')).status).toBe(200);
    const id = (await adminA.request('GET', '/v1/tokens')).body.items.find(
      (token: { name: string }) => token.name === 'screen',
    ).id;
    expect((await adminA.request('DELETE', `/v1/tokens/${id}`)).status).toBe(200);
    await eventually(async () => (await onB.request('GET', '/v1/incidents')).status === 401, 1000);
  });

  it('ends the streams of a token revoked on one instance on both, long before a heartbeat', async () => {
    const observer = await tokenFor(a, adminA, 'stream-screen', 'observer');
    const incident = await openDrill();
    const open = async (services: Services, path: string) => {
      const response = await services.app.request(path, {
        headers: { authorization: `Bearer ${observer.token}` },
      });
      expect(response.status).toBe(200);
      const stream = sseReader(response);
      await stream.comment('connected');
      return stream;
    };
    const streams = [
      await open(a, '/v1/stream'),
      await open(a, `/v1/incidents/${incident.id}/stream`),
      await open(b, '/v1/stream'),
      await open(b, `/v1/incidents/${incident.id}/stream`),
    ];
    const id = (await adminA.request('GET', '/v1/tokens')).body.items.find(
      (token: { name: string }) => token.name === 'stream-screen',
    ).id;
    expect((await adminA.request('DELETE', `/v1/tokens/${id}`)).status).toBe(200);
    // The heartbeat (and its re-check) is 15 s away: only the revocation notice ends them this soon.
    for (const stream of streams) await stream.ended(2000);
  });
});
