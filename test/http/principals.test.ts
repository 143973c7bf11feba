import { describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { type Client, client, tokenFor as newToken, testClock, useTestApp } from '../support/http';

const pb7 = playbooks.find((p) => p.id === 'card-data-exposure')!;
const clock = testClock('2026-05-08T03:05:00Z');
const app = useTestApp({}, clock.now);

const tokenFor = (name: string, ...roles: string[]) => newToken(app.services, app.admin, name, ...roles);

const openIncident = async () => {
  const created = await app.admin.request('POST', '/v1/incidents', {
    body: { playbookId: pb7.id, title: 'Card data claim', input: pb7.example!.input },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
};

const draft = (messageId: string) => ({
  type: 'message.drafted',
  payload: { messageId, audience: 'public', stance: 'neutral', summary: 'We are investigating.' },
});

const post = (as: Client, id: string, body: object, key?: string) =>
  as.request('POST', `/v1/incidents/${id}/events`, {
    body,
    headers: key ? { 'idempotency-key': key } : {},
  });

describe('principals', () => {
  it('will not let a message be drafted and approved by one person holding two tokens', async () => {
    const id = await openIncident();
    const carol = await tokenFor('carol', 'legal');
    expect((await post(carol, id, draft('holding'))).status).toBe(200);
    // Re-issued without revoking the first: both tokens are carol's.
    const carolAgain = await tokenFor('carol', 'legal');
    const refused = await post(carolAgain, id, {
      type: 'message.approved',
      payload: { messageId: 'holding' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('"message.approved" needs a second person: carol');
    expect(refused.body.detail).toContain('the approver is not its author');
    const lena = await tokenFor('lena', 'legal');
    expect(
      (await post(lena, id, { type: 'message.approved', payload: { messageId: 'holding' } })).status,
    ).toBe(200);
  });

  it('records the principal, by id and name, on every event, the same across a token re-issue', async () => {
    const id = await openIncident();
    const carol = await tokenFor('carol', 'legal');
    const carolAgain = await tokenFor('carol', 'legal');
    const me = await carol.request('GET', '/v1/me');
    expect(me.status).toBe(200);
    const principalId = me.body.id as string;
    expect((await post(carol, id, draft('holding'))).body.event).toMatchObject({
      actor: 'carol',
      actorId: principalId,
    });
    expect((await post(carolAgain, id, draft('faq'))).body.event).toMatchObject({
      actor: 'carol',
      actorId: principalId,
    });

    const log = await app.admin.request('GET', `/v1/incidents/${id}/events`);
    const byCarol = log.body.items.filter((event: { actor: string }) => event.actor === 'carol');
    expect(byCarol.map((event: { actorId: string }) => event.actorId)).toEqual([principalId, principalId]);
    const opened = log.body.items[0];
    expect(opened.actorId).toBe((await app.admin.request('GET', '/v1/me')).body.id);
    expect(opened.actorId).not.toBe(principalId);
  });

  it("answers another principal's repeat of an Idempotency-Key as a request of its own", async () => {
    const id = await openIncident();
    const first = await post(app.admin, id, draft('holding'), 'key-1');
    expect(first.status).toBe(200);

    const observer = await tokenFor('olga', 'observer');
    const replayedByObserver = await post(observer, id, draft('holding'), 'key-1');
    expect(replayedByObserver.status).toBe(403);
    expect(replayedByObserver.headers.get('idempotent-replayed')).toBeNull();

    const lena = await tokenFor('lena', 'legal');
    const fresh = await post(lena, id, draft('faq'), 'key-1');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(fresh.body.event.seq).toBe(first.body.event.seq + 1);
    expect(fresh.body.event.actor).toBe('lena');

    // Each principal's own repeat still replays its own event.
    const again = await post(lena, id, draft('faq'), 'key-1');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.event.seq).toBe(fresh.body.event.seq);
    const adminAgain = await post(app.admin, id, draft('holding'), 'key-1');
    expect(adminAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(adminAgain.body.event.seq).toBe(first.body.event.seq);

    // A token re-issued to lena is lena: her key, her replay.
    const lenaAgain = client(
      app.services,
      (await app.admin.request('POST', '/v1/tokens', { body: { name: 'lena', roles: ['legal'] } })).body
        .token,
    );
    const reissued = await post(lenaAgain, id, draft('faq'), 'key-1');
    expect(reissued.headers.get('idempotent-replayed')).toBe('true');
    expect(reissued.body.event.seq).toBe(fresh.body.event.seq);
  });
});
