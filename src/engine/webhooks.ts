import { randomBytes } from 'node:crypto';
import { isUuid, Refusal } from './errors';
import type { IncidentMode, OutboxMessage, OutboxMessageType } from './types';
import { messageSummary } from './webhook-formats';

/** How a message is rendered for an endpoint: Standard Webhooks JSON, a Slack or a Microsoft Teams message. */
export const webhookFormats = ['standard', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

/** Which messages an endpoint wants; an absent list matches everything (modes: live only). */
export interface WebhookFilters {
  /** Message types (`deadline.passed`…), or the event types of `incident.event` messages (`note.added`…). */
  types?: string[];
  playbooks?: string[];
  incidents?: string[];
  /** Default `['live']`: exercise messages reach only endpoints that ask for them. */
  modes?: IncidentMode[];
  severities?: string[];
  /** Labels of deadlines and ids or regimes of notification clocks. */
  deadlines?: string[];
}

/** A signing secret; a rotated one keeps signing, beside its successor, until `expiresAt`. */
export interface WebhookSecret {
  secret: string;
  expiresAt: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  filters: WebhookFilters;
  format: WebhookFormat;
  active: boolean;
  /** Why holdfast disabled it (410 Gone, failing too long); null when running or disabled by a person. */
  disabledReason: string | null;
  /**
   * Who reads it (`legal`, `executives`) when it reaches people, not a machine: the incident report says what
   * reached them and when. Null: not a responder-facing endpoint.
   */
  audience: string | null;
  /** Free text (notes, event payloads) goes along too. */
  includeDetails: boolean;
  /** Newest first. Never shown by the API once created or rotated. */
  secrets: WebhookSecret[];
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  messageId: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface WebhookAttempt {
  messageId: string;
  endpointId: string;
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  /** The first bytes of the answer's body, no more. */
  excerpt: string | null;
  durationMs: number;
}

/** One delivery of one of an incident's messages: what the after-action report says about who was told. */
export interface IncidentNotification {
  messageId: string;
  type: OutboxMessageType;
  seq: number;
  endpointId: string;
  endpointDescription: string;
  /** Who reads the endpoint, when it reaches people. */
  audience: string | null;
  status: DeliveryStatus;
  attempts: number;
  deliveredAt: string | null;
  /** When its last attempt was made (for a failed message: when it finally failed). */
  lastAttemptAt: string | null;
  lastStatus: number | null;
  /** What the message said, as a chat message says it. */
  what: string;
}

/** An incident's delivery as stored, with the message it carried. */
export type IncidentDelivery = Omit<IncidentNotification, 'what'> & {
  message: Pick<OutboxMessage, 'type' | 'mode' | 'data'>;
};

/** A delivery a dispatcher holds under lease, with what it needs to send it. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  message: OutboxMessage;
  endpoint: WebhookEndpoint;
}

/** What an attempt leads to, written with the attempt in one transaction. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; nextAttemptAt: string }
  | { kind: 'failed' }
  /** 410 Gone: the delivery fails and the endpoint is disabled. */
  | { kind: 'gone'; reason: string };

export interface WebhookStore {
  insertEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(id: string): Promise<WebhookEndpoint | null>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  updateEndpoint(
    id: string,
    change: Partial<Omit<WebhookEndpoint, 'id' | 'createdAt'>>,
  ): Promise<WebhookEndpoint | null>;
  /** Deletes the endpoint with its deliveries and attempts; false when there was none. */
  deleteEndpoint(id: string): Promise<boolean>;
  /**
   * Hands up to `limit` outbox messages not yet fanned out (oldest first, skipping those another instance
   * holds) to `match`, inserts a pending delivery, due at `now`, for each endpoint it returns, and marks them
   * fanned out, in one transaction. Resolves to the number of messages fanned out.
   */
  fanOut(
    now: string,
    limit: number,
    match: (message: OutboxMessage, endpoints: WebhookEndpoint[]) => WebhookEndpoint[],
  ): Promise<number>;
  /**
   * Takes up to `limit` pending deliveries due by `now` to active endpoints, none held under another lease
   * (`FOR UPDATE SKIP LOCKED`), leasing them to `holder` until `leaseUntil`.
   */
  claimDue(holder: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempt and its outcome, if `holder` still holds the lease (else false, nothing written). A
   * failed attempt marks the endpoint failing since `attempt.at` (unless it already was); a delivery clears it.
   */
  recordAttempt(holder: string, attempt: WebhookAttempt, outcome: AttemptOutcome): Promise<boolean>;
  /** Disables an endpoint failing since before `failingBefore`, saying why; resolves to the ids disabled. */
  disableFailing(failingBefore: string, reason: string, now: string): Promise<string[]>;
  listDeliveries(filter: {
    endpointId: string;
    status?: DeliveryStatus;
    limit: number;
  }): Promise<WebhookDelivery[]>;
  listAttempts(endpointId: string, messageId: string): Promise<WebhookAttempt[]>;
  /** Who was told what of an incident, and when: its messages' deliveries, in message order. */
  listIncidentDeliveries(incidentId: string): Promise<IncidentDelivery[]>;
  /**
   * Puts failed deliveries of the endpoint (all, or those named) back to pending, due at `now`, their attempts
   * counted on (one more attempt each: past the schedule, a failure fails it again); their count.
   */
  requeue(endpointId: string, now: string, messageIds?: string[]): Promise<number>;
}

/**
 * When a failed attempt is tried again, counted from the attempt it follows: at once, then 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h and 10 h (about 27.5 h in all, the Standard Webhooks reference schedule); after the last the
 * message is failed. Each wait is spread by up to a fifth either way.
 */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** An endpoint failing this long without one success is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;

/**
 * The time of the next attempt after the `attempts`-th failed, or null when there is none. `retryAfterMs` (the
 * answer's Retry-After) is honoured when later than the schedule, up to a day. `jitter` is in [0, 1).
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  retryAfterMs: number | null,
  jitter: number,
): string | null {
  const wait = RETRY_SCHEDULE_MS[attempts - 1];
  if (wait === undefined) return null;
  const spread = wait * (0.8 + 0.4 * jitter);
  const honoured = retryAfterMs === null ? spread : Math.max(spread, Math.min(retryAfterMs, 86_400_000));
  return new Date(now.getTime() + honoured).toISOString();
}

/** Whether an endpoint wants a message. */
export function matches(filters: WebhookFilters, message: OutboxMessage): boolean {
  const has = (list: readonly string[] | undefined, ...values: unknown[]) =>
    list === undefined || values.some((value) => typeof value === 'string' && list.includes(value));
  const data = message.data as {
    event?: { type?: string };
    deadline?: { label?: string };
    overdue?: { label?: string; id?: string };
    clock?: { id?: string; regime?: string; label?: string };
    escalation?: { label?: string };
    reminder?: { label?: string; timer?: string };
  };
  const deadlines = [
    data.reminder?.label,
    // A reminder of a notification clock names its timer `clock:<clock id>`.
    data.reminder?.timer?.replace(/^clock:/, ''),
    data.deadline?.label,
    data.overdue?.label,
    data.overdue?.id,
    data.clock?.id,
    data.clock?.regime,
    data.clock?.label,
    data.escalation?.label,
  ];
  return (
    (filters.modes ?? ['live']).includes(message.mode) &&
    has(filters.types, message.type, message.type === 'incident.event' ? data.event?.type : undefined) &&
    has(filters.playbooks, message.playbookId) &&
    has(filters.incidents, message.incidentId) &&
    has(filters.severities, message.severity) &&
    (filters.deadlines === undefined || deadlines.some((value) => has(filters.deadlines, value)))
  );
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** An endpoint as the API shows it: no secrets, only when each stops signing. */
export function endpointView({ secrets, ...endpoint }: WebhookEndpoint) {
  return { ...endpoint, secrets: secrets.map((s) => ({ expiresAt: s.expiresAt })) };
}
export type WebhookEndpointView = ReturnType<typeof endpointView>;

export interface CreateEndpointCommand {
  url: string;
  description?: string;
  filters?: WebhookFilters;
  format?: WebhookFormat;
  audience?: string | null;
  includeDetails?: boolean;
}

export type UpdateEndpointCommand = Partial<CreateEndpointCommand & { active: boolean }>;

/** Managing endpoints and their dead letters; what an admin does through the API or the CLI. */
export function createWebhookService(deps: { store: WebhookStore; now: () => Date; newId: () => string }) {
  const { store } = deps;
  const now = () => deps.now().toISOString();

  async function endpoint(id: string): Promise<WebhookEndpoint> {
    const found = isUuid(id) ? await store.getEndpoint(id) : null;
    if (!found) throw new Refusal('not_found', `no webhook endpoint ${id}`);
    return found;
  }

  return {
    /** Creates an endpoint; its secret is in this answer only. */
    async createEndpoint(command: CreateEndpointCommand) {
      checkEndpointUrl(command.url);
      const at = now();
      const created: WebhookEndpoint = {
        id: deps.newId(),
        url: command.url,
        description: command.description ?? '',
        filters: command.filters ?? {},
        format: command.format ?? 'standard',
        active: true,
        disabledReason: null,
        audience: command.audience ?? null,
        includeDetails: command.includeDetails ?? false,
        secrets: [{ secret: newWebhookSecret(), expiresAt: null }],
        failingSince: null,
        createdAt: at,
        updatedAt: at,
      };
      await store.insertEndpoint(created);
      return { ...endpointView(created), secret: created.secrets[0]!.secret };
    },
    async listEndpoints() {
      return (await store.listEndpoints()).map(endpointView);
    },
    async getEndpoint(id: string) {
      return endpointView(await endpoint(id));
    },
    /** Changes an endpoint; turning it back on clears the reason it was disabled and its failing streak. */
    async updateEndpoint(id: string, change: UpdateEndpointCommand) {
      await endpoint(id);
      if (change.url !== undefined) checkEndpointUrl(change.url);
      const reenabled = change.active === true ? { disabledReason: null, failingSince: null } : {};
      const updated = await store.updateEndpoint(id, { ...change, ...reenabled, updatedAt: now() });
      if (!updated) throw new Refusal('not_found', `no webhook endpoint ${id}`);
      return endpointView(updated);
    },
    async deleteEndpoint(id: string) {
      if (!isUuid(id) || !(await store.deleteEndpoint(id)))
        throw new Refusal('not_found', `no webhook endpoint ${id}`);
    },
    /**
     * A new secret that signs from now on; the current one keeps signing beside it for `overlapMs`, so
     * receivers can switch without missing a message. The new secret is in this answer only.
     */
    async rotateSecret(id: string, overlapMs: number) {
      const current = await endpoint(id);
      const at = deps.now().getTime();
      const until = new Date(at + overlapMs).toISOString();
      const kept = current.secrets
        .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > at)
        .map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? until }))
        .filter((s) => Date.parse(s.expiresAt) > at);
      const secret = newWebhookSecret();
      const updated = await store.updateEndpoint(id, {
        secrets: [{ secret, expiresAt: null }, ...kept],
        updatedAt: now(),
      });
      return { ...endpointView(updated!), secret };
    },
    async listMessages(id: string, status: DeliveryStatus | undefined, limit: number) {
      await endpoint(id);
      return store.listDeliveries({ endpointId: id, status, limit });
    },
    async listAttempts(id: string, messageId: string) {
      await endpoint(id);
      return store.listAttempts(id, messageId);
    },
    /** The deliveries of an incident's messages: delivered (when), failed or still pending. */
    async incidentNotifications(incidentId: string): Promise<IncidentNotification[]> {
      if (!isUuid(incidentId)) throw new Refusal('not_found', `no incident ${incidentId}`);
      return (await store.listIncidentDeliveries(incidentId)).map(({ message, ...delivery }) => ({
        ...delivery,
        what: messageSummary(message).text,
      }));
    },
    /** Sends a failed message again, once, with the same `webhook-id`. */
    async retryMessage(id: string, messageId: string) {
      await endpoint(id);
      if ((await store.requeue(id, now(), [messageId])) === 0) {
        throw new Refusal('not_found', `no failed message ${messageId} for webhook endpoint ${id}`);
      }
    },
    /** Sends every failed message of the endpoint again; resolves to how many. */
    async replayFailed(id: string) {
      await endpoint(id);
      return store.requeue(id, now());
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;

/** Only http(s) URLs, without credentials in them; where they lead is checked when sending. */
export function checkEndpointUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Refusal('invalid_request', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Refusal('invalid_request', `a webhook URL must be http or https, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new Refusal('invalid_request', 'a webhook URL must not carry credentials');
  }
}

export type { OutboxMessage, OutboxMessageType };
