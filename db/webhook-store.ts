import { and, asc, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { OutboxMessage } from '../src/engine/types';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  DeliveryStatus,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookStore,
} from '../src/engine/webhooks';
import { type Db, iso, isoOrNull, rowsOf } from './client';
import { outboxMessages, webhookAttempts, webhookDeliveries, webhookEndpoints } from './schema';

const toEndpoint = (row: typeof webhookEndpoints.$inferSelect): WebhookEndpoint => ({
  ...row,
  filters: row.filters as WebhookEndpoint['filters'],
  secrets: row.secrets as WebhookEndpoint['secrets'],
  failingSince: isoOrNull(row.failingSince),
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const toDelivery = ({
  leaseBy: _by,
  leaseUntil: _until,
  ...row
}: typeof webhookDeliveries.$inferSelect): WebhookDelivery => ({
  ...row,
  nextAttemptAt: iso(row.nextAttemptAt),
  deliveredAt: isoOrNull(row.deliveredAt),
  createdAt: iso(row.createdAt),
});

const toMessage = ({ fannedOut: _f, ...row }: typeof outboxMessages.$inferSelect): OutboxMessage => ({
  ...row,
  type: row.type as OutboxMessage['type'],
  data: row.data as OutboxMessage['data'],
  details: row.details as OutboxMessage['details'],
  createdAt: iso(row.createdAt),
});

const toAttempt = (row: typeof webhookAttempts.$inferSelect): WebhookAttempt => ({ ...row, at: iso(row.at) });

export class PgWebhookStore implements WebhookStore {
  constructor(private readonly db: Db) {}

  async insertEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.db.insert(webhookEndpoints).values(endpoint);
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint | null> {
    const [row] = await this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    return row ? toEndpoint(row) : null;
  }

  async listEndpoints(): Promise<WebhookEndpoint[]> {
    const rows = await this.db
      .select()
      .from(webhookEndpoints)
      .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
    return rows.map(toEndpoint);
  }

  async updateEndpoint(id: string, change: Partial<Omit<WebhookEndpoint, 'id' | 'createdAt'>>) {
    const [row] = await this.db
      .update(webhookEndpoints)
      .set(change)
      .where(eq(webhookEndpoints.id, id))
      .returning();
    return row ? toEndpoint(row) : null;
  }

  deleteEndpoint(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.delete(webhookAttempts).where(eq(webhookAttempts.endpointId, id));
      await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
      const deleted = await tx
        .delete(webhookEndpoints)
        .where(eq(webhookEndpoints.id, id))
        .returning({ id: webhookEndpoints.id });
      return deleted.length > 0;
    });
  }

  fanOut(
    now: string,
    limit: number,
    match: (message: OutboxMessage, endpoints: WebhookEndpoint[]) => WebhookEndpoint[],
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      const waiting = await tx
        .select()
        .from(outboxMessages)
        .where(eq(outboxMessages.fannedOut, false))
        .orderBy(asc(outboxMessages.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (waiting.length === 0) return 0;
      const endpoints = (
        await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.active, true))
      ).map(toEndpoint);
      const deliveries = waiting.flatMap((row) =>
        match(toMessage(row), endpoints).map((endpoint) => ({
          messageId: row.id,
          endpointId: endpoint.id,
          status: 'pending' as const,
          nextAttemptAt: now,
          createdAt: now,
        })),
      );
      if (deliveries.length > 0) await tx.insert(webhookDeliveries).values(deliveries).onConflictDoNothing();
      await tx
        .update(outboxMessages)
        .set({ fannedOut: true })
        .where(
          inArray(
            outboxMessages.id,
            waiting.map((row) => row.id),
          ),
        );
      return waiting.length;
    });
  }

  async claimDue(holder: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> {
    const claimed = rowsOf<{ message_id: string; endpoint_id: string }>(
      await this.db.execute(sql`
        update webhook_deliveries d set lease_by = ${holder}, lease_until = ${leaseUntil}::timestamptz
        from (
          select message_id, endpoint_id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${now}::timestamptz
            and (lease_until is null or lease_until <= ${now}::timestamptz)
            and endpoint_id in (select id from webhook_endpoints where active)
          order by next_attempt_at
          limit ${limit}
          for update skip locked
        ) due
        where d.message_id = due.message_id and d.endpoint_id = due.endpoint_id
        returning d.message_id, d.endpoint_id`),
    );
    if (claimed.length === 0) return [];
    const rows = await this.db
      .select({ delivery: webhookDeliveries, message: outboxMessages, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .innerJoin(outboxMessages, eq(outboxMessages.id, webhookDeliveries.messageId))
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(
        and(
          eq(webhookDeliveries.leaseBy, holder),
          inArray(
            sql`(${webhookDeliveries.messageId}, ${webhookDeliveries.endpointId})`,
            claimed.map((c) => sql`(${c.message_id}, ${c.endpoint_id}::uuid)`),
          ),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt));
    return rows.map((row) => ({
      delivery: toDelivery(row.delivery),
      message: toMessage(row.message),
      endpoint: toEndpoint(row.endpoint),
    }));
  }

  recordAttempt(holder: string, attempt: WebhookAttempt, outcome: AttemptOutcome): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const where = and(
        eq(webhookDeliveries.messageId, attempt.messageId),
        eq(webhookDeliveries.endpointId, attempt.endpointId),
        eq(webhookDeliveries.leaseBy, holder),
        eq(webhookDeliveries.status, 'pending'),
      );
      const last = { lastStatus: attempt.status, lastError: attempt.error, leaseBy: null, leaseUntil: null };
      const change =
        outcome.kind === 'delivered'
          ? { status: 'delivered' as const, deliveredAt: attempt.at }
          : outcome.kind === 'retry'
            ? { nextAttemptAt: outcome.nextAttemptAt }
            : { status: 'failed' as const };
      const updated = await tx
        .update(webhookDeliveries)
        .set({ ...last, ...change, attempts: attempt.attempt })
        .where(where)
        .returning({ messageId: webhookDeliveries.messageId });
      if (updated.length === 0) return false;
      await tx.insert(webhookAttempts).values(attempt);
      const endpoint = eq(webhookEndpoints.id, attempt.endpointId);
      if (outcome.kind === 'delivered') {
        await tx.update(webhookEndpoints).set({ failingSince: null }).where(endpoint);
      } else {
        await tx
          .update(webhookEndpoints)
          .set({
            failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${attempt.at}::timestamptz)`,
            ...(outcome.kind === 'gone' && {
              active: false,
              disabledReason: outcome.reason,
              updatedAt: attempt.at,
            }),
          })
          .where(endpoint);
      }
      return true;
    });
  }

  async disableFailing(failingBefore: string, reason: string, now: string): Promise<string[]> {
    const rows = await this.db
      .update(webhookEndpoints)
      .set({ active: false, disabledReason: reason, updatedAt: now })
      .where(
        and(
          eq(webhookEndpoints.active, true),
          isNotNull(webhookEndpoints.failingSince),
          lt(webhookEndpoints.failingSince, failingBefore),
        ),
      )
      .returning({ id: webhookEndpoints.id });
    return rows.map((row) => row.id);
  }

  async listDeliveries(filter: { endpointId: string; status?: DeliveryStatus; limit: number }) {
    const rows = await this.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.endpointId, filter.endpointId),
          filter.status && eq(webhookDeliveries.status, filter.status),
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.messageId))
      .limit(filter.limit);
    return rows.map(toDelivery);
  }

  async listAttempts(endpointId: string, messageId: string): Promise<WebhookAttempt[]> {
    const rows = await this.db
      .select()
      .from(webhookAttempts)
      .where(and(eq(webhookAttempts.endpointId, endpointId), eq(webhookAttempts.messageId, messageId)))
      .orderBy(asc(webhookAttempts.attempt));
    return rows.map(toAttempt);
  }

  async requeue(endpointId: string, now: string, messageIds?: string[]): Promise<number> {
    const rows = await this.db
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: now, leaseBy: null, leaseUntil: null })
      .where(
        and(
          eq(webhookDeliveries.endpointId, endpointId),
          eq(webhookDeliveries.status, 'failed'),
          messageIds && inArray(webhookDeliveries.messageId, messageIds),
        ),
      )
      .returning({ messageId: webhookDeliveries.messageId });
    return rows.length;
  }
}
