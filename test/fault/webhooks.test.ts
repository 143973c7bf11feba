import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, TEST_DATABASE_URL } from '../support/databases';
import { call, evidenceEvent, Fleet, openIncident, openSql, type Sql, serveEnv } from '../support/fault';
import { killAll, waitFor } from '../support/processes';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

/**
 * Webhooks from real `holdfast serve` processes on one Postgres database, to a receiver in this process that
 * verifies every signature: a server killed with -9 between the commit and the delivery, and three servers
 * sharing a thousand messages.
 */

if (!TEST_DATABASE_URL) console.warn('webhook fault suite skipped: TEST_DATABASE_URL is not set');

/** `timeoutMs`: a lease is three timeouts, after which a killed sender's deliveries are taken again. */
const webhookEnv = (url: string, timeoutMs = 10_000) =>
  serveEnv(url, {
    HOLDFAST_WEBHOOK_ALLOW: '127.0.0.1',
    HOLDFAST_WEBHOOK_POLL_MS: '100',
    HOLDFAST_WEBHOOK_TIMEOUT_MS: String(timeoutMs),
  });

async function subscribe(server: string, receiver: Receiver, types: string[]) {
  const created = await call(server, 'POST', '/v1/webhooks', {
    body: { url: `${receiver.url}/hook`, filters: { types } },
  });
  expect(created.status).toBe(201);
  receiver.trust(created.body.secret);
  return created.body.id as string;
}

describe.skipIf(!TEST_DATABASE_URL)(
  'fault: webhooks from servers killed with -9 and shared by three (Postgres)',
  () => {
    let scratch: { url: string; drop(): Promise<void> };
    let sql: Sql;
    let receiver: Receiver;

    beforeAll(async () => {
      scratch = await createScratchPostgres();
      sql = openSql(scratch.url);
      receiver = await startReceiver();
    });
    afterAll(async () => {
      killAll();
      await receiver?.close();
      await sql?.end();
      await scratch?.drop();
    });

    it('delivers a message committed before the kill after the restart, with the same webhook-id', async () => {
      const fleet = new Fleet(webhookEnv(scratch.url, 1000));
      await fleet.start(1);
      const endpoint = await subscribe(fleet.url(0), receiver, ['incident.opened']);
      // The receiver takes the first request and never answers it: the server dies with it in flight.
      let held = true;
      receiver.answer(() => (held ? { status: 204, hold: true } : { status: 204 }));
      const incident = await openIncident(fleet.url(0), 'Killed mid-delivery', Date.now() + 3_600_000);
      await waitFor(
        async () => (receiver.received.length > 0 ? true : undefined),
        20_000,
        'the first attempt',
      );
      await fleet.kill9(0);
      held = false;
      const [first] = receiver.received;
      expect(first!.verifiedWith).toHaveLength(1);
      expect(first!.json).toMatchObject({ type: 'incident.opened', data: { incident: { id: incident.id } } });

      await fleet.restart(0);
      await waitFor(
        async () => {
          const [row] = await sql`select status from webhook_deliveries where endpoint_id = ${endpoint}`;
          return row?.status === 'delivered' ? true : undefined;
        },
        30_000,
        'the delivery after the restart',
      );
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(new Set(ids)).toEqual(new Set([first!.headers['webhook-id']]));
      expect(receiver.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
      await fleet.stopAll();
      await sql`delete from webhook_attempts`;
      await sql`delete from webhook_deliveries`;
      await sql`delete from webhook_endpoints`;
    }, 120_000);

    it('sends each of 1,000 messages once from three servers: no webhook-id twice at the receiver', async () => {
      receiver.received.length = 0;
      receiver.answer(() => ({ status: 204 }));
      const fleet = new Fleet(webhookEnv(scratch.url));
      await fleet.start(3);
      await subscribe(fleet.url(0), receiver, ['evidence.collected']);
      const incidents = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          openIncident(fleet.url(i % 3), `Shared ${i}`, Date.now() + 3_600_000),
        ),
      );
      const MESSAGES = 1000;
      let sent = 0;
      await Promise.all(
        incidents.map(async (incident, i) => {
          for (let n = 0; n < MESSAGES / incidents.length; n++) {
            const answer = await call(fleet.url((i + n) % 3), 'POST', `/v1/incidents/${incident.id}/events`, {
              body: evidenceEvent(`${incident.id}-${n}`),
            });
            expect(answer.status).toBe(200);
            sent++;
          }
        }),
      );
      expect(sent).toBe(MESSAGES);
      await waitFor(
        async () => (receiver.received.length >= MESSAGES ? true : undefined),
        120_000,
        'every message to arrive',
      );
      // Anything sent twice would come within a poll or two.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(MESSAGES);
      expect(new Set(ids).size).toBe(MESSAGES);
      expect(receiver.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
      const [row] = await sql`select count(*)::int as n from webhook_deliveries where status = 'delivered'`;
      expect(row!.n).toBe(MESSAGES);
      await fleet.stopAll();
    }, 240_000);
  },
);
