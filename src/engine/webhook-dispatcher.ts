import { renderMessage } from './webhook-formats';
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  DISABLE_AFTER_FAILING_MS,
  matches,
  nextAttemptAt,
  type WebhookStore,
} from './webhooks';

/** One signed POST, as the sender makes it (`src/webhook-sender.ts`). */
export interface OutboundRequest {
  url: string;
  /** The `webhook-id`: the message's id, the same on every attempt. */
  messageId: string;
  body: string;
  /** Every secret signing now (two during a rotation's overlap): one signature each. */
  secrets: string[];
}

/** What came back: the status, or the error (refused address, timeout, connection) when there was none. */
export interface OutboundResult {
  status: number | null;
  error: string | null;
  /** The first bytes of the body. */
  excerpt: string | null;
  /** The answer's Retry-After, in ms. */
  retryAfterMs: number | null;
}

export type Send = (request: OutboundRequest) => Promise<OutboundResult>;

export interface DispatcherDeps {
  store: WebhookStore;
  send: Send;
  /** Schedules: when a delivery is due, its lease, its retries. Tests move it. */
  now: () => Date;
  /** This instance, as the holder of its leases. */
  holder: string;
  /** Where the messages' links point (the dashboard). */
  baseUrl: string;
  /** How long a claimed delivery is this instance's: longer than an attempt may take. */
  leaseMs?: number;
  /** Deliveries claimed at once, and sent at once. */
  batch?: number;
  /** In [0, 1): spreads the retries (`nextAttemptAt`). */
  random?: () => number;
  onError?: (error: unknown) => void;
}

/** How often a dispatcher looks for endpoints failing too long. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Delivers the outbox: fans new messages out to the endpoints that want them, claims due deliveries under a
 * lease (every instance runs one; SKIP LOCKED keeps them apart) and sends each, recording every attempt and
 * what it leads to. A delivery whose sender died is claimed again when its lease runs out: at least once, with
 * the same `webhook-id`.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { store, holder } = deps;
  const leaseMs = deps.leaseMs ?? 60_000;
  const batch = deps.batch ?? 32;
  const random = deps.random ?? Math.random;
  let sweptAt: number | null = null;

  async function attempt({ delivery, message, endpoint }: ClaimedDelivery): Promise<void> {
    const started = deps.now();
    const secrets = endpoint.secrets
      .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > started.getTime())
      .map((s) => s.secret);
    const clock = performance.now();
    const result = await deps.send({
      url: endpoint.url,
      messageId: message.id,
      body: renderMessage(message, endpoint, deps.baseUrl),
      secrets,
    });
    const attempts = delivery.attempts + 1;
    await store.recordAttempt(
      holder,
      {
        messageId: message.id,
        endpointId: endpoint.id,
        attempt: attempts,
        at: started.toISOString(),
        status: result.status,
        error: result.error,
        excerpt: result.excerpt,
        durationMs: Math.round(performance.now() - clock),
      },
      outcomeOf(result, attempts, deps.now(), random()),
    );
  }

  /** One round: fan out, disable the endpoints failing too long, send what is due. Resolves to what it did. */
  async function dispatchOnce(): Promise<{ fannedOut: number; sent: number }> {
    const now = deps.now();
    const at = now.toISOString();
    const fannedOut = await store.fanOut(at, batch * 4, (message, endpoints) =>
      endpoints.filter((endpoint) => endpoint.active && matches(endpoint.filters, message)),
    );
    // Days of failure are what disables an endpoint: looking once a minute is often enough.
    if (sweptAt === null || now.getTime() - sweptAt >= SWEEP_EVERY_MS) {
      sweptAt = now.getTime();
      const since = new Date(now.getTime() - DISABLE_AFTER_FAILING_MS).toISOString();
      await store.disableFailing(since, `failing since before ${since} without one delivery`, at);
    }
    const claimed = await store.claimDue(holder, at, new Date(now.getTime() + leaseMs).toISOString(), batch);
    await Promise.all(claimed.map(attempt));
    return { fannedOut, sent: claimed.length };
  }

  /** Rounds until nothing is left to fan out or due; resolves to the deliveries sent. */
  async function drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const round = await dispatchOnce();
      sent += round.sent;
      if (round.fannedOut === 0 && round.sent === 0) return sent;
      // PGlite never yields between queries: let the event loop go between rounds.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Drains every `pollMs`, and at once when woken (this instance wrote messages). */
  function start(pollMs: number) {
    let stopped = false;
    let wake: (() => void) | null = null;
    const loop = (async () => {
      while (!stopped) {
        try {
          await drain();
        } catch (error) {
          deps.onError?.(error);
        }
        if (stopped) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    })();
    return {
      wake: () => wake?.(),
      stop: async () => {
        stopped = true;
        wake?.();
        await loop;
      },
    };
  }

  return { dispatchOnce, drain, start };
}

/** 2xx delivered; 410 gone; anything else tried again on the schedule, or failed after its last retry. */
function outcomeOf(result: OutboundResult, attempts: number, now: Date, jitter: number): AttemptOutcome {
  const { status } = result;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410)
    return { kind: 'gone', reason: `the endpoint answered 410 Gone at ${now.toISOString()}` };
  const next = nextAttemptAt(attempts, now, result.retryAfterMs, jitter);
  return next === null ? { kind: 'failed' } : { kind: 'retry', nextAttemptAt: next };
}
