import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { PgIncidentStore } from '../../db/store';
import { PgWebhookStore } from '../../db/webhook-store';
import { playbooks } from '../../playbooks';
import { createDispatcher, createEngine, createWebhookService, PlaybookRegistry } from '../../src/engine';
import { createWebhookSender } from '../../src/webhook-sender';
import { testKeyring } from '../support/keys';
import { startReceiver } from '../support/webhook-receiver';
import type { BenchTarget } from './target';
import { percentile } from './timers';

export interface WebhookBenchResult {
  messages: number;
  drainSeconds: number;
  /** From the message's commit to its arrival at the receiver (all committed at once before the dispatcher starts). */
  lagP50Ms: number;
  lagP99Ms: number;
  deliveriesPerSecond: number;
  /** The same receiver, the same signed POSTs, as many at once, from one process with no database. */
  floorPostsPerSecond: number;
  /** holdfast deliveries per second ÷ plain signed POSTs per second. */
  ratioToFloor: number;
}

const CONCURRENCY = 32;

/**
 * `count` outbox messages committed at one instant (copies of an incident's opening message), one
 * subscription, one dispatcher: how long until the receiver has them all, and each message's lag.
 */
export async function benchWebhooks(
  target: BenchTarget,
  count: number,
  log: (line: string) => void,
): Promise<WebhookBenchResult> {
  const { database } = target;
  const receiver = await startReceiver();
  const arrivals = new Map<string, number>();
  receiver.answer((request) => {
    arrivals.set(request.headers['webhook-id']!, Date.now());
    return { status: 204 };
  });
  const send = createWebhookSender({ allow: '127.0.0.1', timeoutMs: 10_000 });
  try {
    const engine = createEngine({
      store: new PgIncidentStore(database.db),
      registry: new PlaybookRegistry(playbooks),
      now: () => new Date(),
      newId: randomUUID,
      keyring: testKeyring(),
    });
    const store = new PgWebhookStore(database.db);
    const webhooks = createWebhookService({ store, now: () => new Date(), newId: randomUUID });
    const endpoint = await webhooks.createEndpoint({ url: `${receiver.url}/hook` });
    const incident = await engine.startIncident(
      {
        playbookId: 'ransom-demand',
        title: 'Bench',
        actor: { id: 'bench', name: 'bench', roles: ['incident_commander'] },
        input: {
          demand: {
            receivedAt: new Date().toISOString(),
            channel: 'email',
            claimedAssets: ['files'],
            proofOfAccess: false,
            threatenedActions: [],
            amount: 1,
            currency: 'USD',
          },
          organisation: { name: 'Bench', country: 'CA' },
        },
      },
      [],
    );
    log(`committing ${count} outbox messages…`);
    const committedAt = Date.now();
    await database.db.execute(sql`
      insert into outbox_messages (id, incident_id, seq, type, mode, playbook_id, severity, data, details, created_at)
      select 'msg_bench_' || g, incident_id, seq, type, mode, playbook_id, severity, data, details, now()
      from outbox_messages, generate_series(1, ${count}) g where incident_id = ${incident.id}`);
    await database.db.execute(
      sql`delete from outbox_messages where incident_id = ${incident.id} and id not like 'msg_bench_%'`,
    );

    const dispatcher = createDispatcher({
      store,
      send,
      now: () => new Date(),
      holder: 'bench',
      baseUrl: 'http://127.0.0.1:8080',
      batch: CONCURRENCY,
    });
    const started = performance.now();
    await dispatcher.drain();
    const drainSeconds = (performance.now() - started) / 1000;
    if (arrivals.size !== count) throw new Error(`${arrivals.size} of ${count} messages arrived`);
    const lags = [...arrivals.values()].map((at) => at - committedAt).sort((a, b) => a - b);

    log(`floor: ${count} signed POSTs, ${CONCURRENCY} at once…`);
    const [secret] = (await store.getEndpoint(endpoint.id))!.secrets.map((s) => s.secret);
    const floorStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < count; i = next++) {
          await send({
            url: `${receiver.url}/floor`,
            messageId: `msg_floor_${i}`,
            body: '{"type":"floor"}',
            secrets: [secret!],
          });
        }
      }),
    );
    const floorPostsPerSecond = count / ((performance.now() - floorStarted) / 1000);
    const deliveriesPerSecond = count / drainSeconds;
    return {
      messages: count,
      drainSeconds: Math.round(drainSeconds * 100) / 100,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      deliveriesPerSecond: Math.round(deliveriesPerSecond),
      floorPostsPerSecond: Math.round(floorPostsPerSecond),
      ratioToFloor: Math.round((deliveriesPerSecond / floorPostsPerSecond) * 100) / 100,
    };
  } finally {
    await receiver.close();
  }
}
