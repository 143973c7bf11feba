import { and, asc, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { OutboxMessage } from '../src/engine/types';
import type {
  AttemptOutcome,
  ClaimedDelivery,
  DeliveryStatus,
  IncidentDelivery,
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

/** A row as `to_jsonb` gives it, with the property names drizzle would (timestamps stay strings). */
const camel = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  );

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

  /** One statement: the due deliveries leased (SKIP LOCKED), with their messages and endpoints. */
  async claimDue(holder: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> {
    const rows = rowsOf<{
      delivery: Record<string, unknown>;
      message: Record<string, unknown>;
      endpoint: Record<string, unknown>;
    }>(
      await this.db.execute(sql`
        with claimed as (
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
          returning d.*
        )
        select to_jsonb(claimed) as delivery, to_jsonb(m) as message, to_jsonb(e) as endpoint
        from claimed
        join outbox_messages m on m.id = claimed.message_id
        join webhook_endpoints e on e.id = claimed.endpoint_id
        order by claimed.next_attempt_at`),
    );
    return rows.map((row) => ({
      delivery: toDelivery(camel(row.delivery) as typeof webhookDeliveries.$inferSelect),
      message: toMessage(camel(row.message) as typeof outboxMessages.$inferSelect),
      endpoint: toEndpoint(camel(row.endpoint) as typeof webhookEndpoints.$inferSelect),
    }));
  }

  /**
   * One statement: the delivery's update guarded by the lease, the attempt row and the endpoint's failing
   * streak (or its disabling on 410), the last two only when the guard matched.
   */
  async recordAttempt(holder: string, attempt: WebhookAttempt, outcome: AttemptOutcome): Promise<boolean> {
    const status =
      outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'pending' : 'failed';
    const next = outcome.kind === 'retry' ? outcome.nextAttemptAt : null;
    const gone = outcome.kind === 'gone' ? outcome.reason : null;
    const rows = rowsOf<{ message_id: string }>(
      await this.db.execute(sql`
        with updated as (
          update webhook_deliveries set status = ${status}, attempts = ${attempt.attempt},
            last_status = ${attempt.status}, last_error = ${attempt.error}, lease_by = null, lease_until = null,
            next_attempt_at = coalesce(${next}::timestamptz, next_attempt_at),
            delivered_at = case when ${status} = 'delivered' then ${attempt.at}::timestamptz end
          where message_id = ${attempt.messageId} and endpoint_id = ${attempt.endpointId}
            and lease_by = ${holder} and status = 'pending'
          returning message_id
        ), recorded as (
          insert into webhook_attempts (message_id, endpoint_id, attempt, at, status, error, excerpt, duration_ms)
          select message_id, ${attempt.endpointId}, ${attempt.attempt}, ${attempt.at}::timestamptz,
            ${attempt.status}::int, ${attempt.error}, ${attempt.excerpt}, ${attempt.durationMs}::int
          from updated
        ), streak as (
          update webhook_endpoints set
            failing_since = case when ${status} = 'delivered' then null
              else coalesce(failing_since, ${attempt.at}::timestamptz) end,
            active = active and ${gone}::text is null,
            disabled_reason = coalesce(${gone}::text, disabled_reason),
            updated_at = case when ${gone}::text is null then updated_at else ${attempt.at}::timestamptz end
          where id = ${attempt.endpointId} and exists (select 1 from updated)
        )
        select message_id from updated`),
    );
    return rows.length > 0;
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

  async listIncidentDeliveries(incidentId: string): Promise<IncidentDelivery[]> {
    const rows = await this.db
      .select({
        messageId: webhookDeliveries.messageId,
        type: outboxMessages.type,
        mode: outboxMessages.mode,
        data: outboxMessages.data,
        seq: outboxMessages.seq,
        endpointId: webhookDeliveries.endpointId,
        endpointDescription: webhookEndpoints.description,
        audience: webhookEndpoints.audience,
        status: webhookDeliveries.status,
        attempts: webhookDeliveries.attempts,
        deliveredAt: webhookDeliveries.deliveredAt,
        lastAttemptAt: sql<string | null>`(select max(${webhookAttempts.at}) from ${webhookAttempts}
          where ${webhookAttempts.messageId} = ${webhookDeliveries.messageId}
            and ${webhookAttempts.endpointId} = ${webhookDeliveries.endpointId})`,
        lastStatus: webhookDeliveries.lastStatus,
      })
      .from(webhookDeliveries)
      .innerJoin(outboxMessages, eq(outboxMessages.id, webhookDeliveries.messageId))
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(outboxMessages.incidentId, incidentId))
      .orderBy(asc(outboxMessages.seq), asc(outboxMessages.createdAt), asc(webhookDeliveries.messageId));
    return rows.map(({ mode, data, ...row }) => {
      const type = row.type as IncidentDelivery['message']['type'];
      return {
        ...row,
        type,
        deliveredAt: isoOrNull(row.deliveredAt),
        lastAttemptAt: isoOrNull(row.lastAttemptAt),
        message: { type, mode, data: data as Record<string, unknown> },
      };
    });
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
