import type { OpenAPIHono } from '@hono/zod-openapi';
import type {
  ChangeHub,
  Credential,
  Engine,
  Keyring,
  PlaybookRegistry,
  Sessions,
  TokenService,
  WebhookService,
} from '../engine';
import type { PlaybookPublisher } from '../playbook-format';
import type { Actor } from '../playbook-kit';
import type { ExerciseService } from '../tabletop';
import type { Metrics } from './metrics';
import type { Oidc } from './oidc';

/** What the routes need; wired by the composition root. */
export interface AppDeps {
  engine: Engine;
  registry: PlaybookRegistry;
  /** Publishing playbook files (`POST /v1/playbooks`) and reading them back. */
  publisher: PlaybookPublisher;
  tokens: TokenService;
  exercises: ExerciseService;
  /** Webhook endpoints and their dead letters (`/v1/webhooks`). */
  webhooks: WebhookService;
  /** The checkpoint signing key and the public keys it trusts (`GET /v1/keys`). */
  keyring: Keyring;
  /** This instance's view of committed changes: streams and `?since`. */
  changes: ChangeHub;
  /** The open streams by credential: they end when it is revoked or expires. */
  sessions: Sessions;
  /** Streams send a heartbeat comment after this long without a message (default 15 s). */
  streamHeartbeatMs?: number;
  /** How this instance's clock stands against the database's (`/readyz`); absent when it does not measure it. */
  clockStatus?: () => ClockStatus;
  /** Resolves when the database answers; rejects otherwise. */
  checkReady: () => Promise<void>;
  /** Request bodies above this many bytes are refused with 413. */
  bodyLimitBytes: number;
  /**
   * Per token, on this instance: events a minute (0: no limit), streams open at once, and how many messages a
   * stream replays before it ends (the client resumes from its last id).
   */
  tokenLimits: { eventsPerMinute: number; streamsPerToken: number; streamReplayMax: number };
  /** The clock the limits count with. */
  now: () => Date;
  /** Logs unexpected errors (never sent to clients). */
  logError: (error: unknown, requestId: string) => void;
  /** OpenID Connect, when configured: the provider's JWTs on the API and the dashboard's sign-in. */
  oidc?: Oidc;
  /** Request counts and latencies, served at `GET /metrics`; without it there is no `/metrics`. */
  metrics?: Metrics;
  /** Where the access log goes (one JSON line per request); without it, nothing is logged per request. */
  accessLog?: RequestLogger;
}

export interface ClockStatus {
  /** How far this host's clock runs ahead of the database's (negative: behind). */
  skewMs: number;
  boundMs: number;
  /** False while the skew is beyond the bound: this instance then fires no timers. */
  firesTimers: boolean;
}

/** The slice of a logger the access log needs (a pino logger is one). */
export interface RequestLogger {
  isLevelEnabled(level: 'info' | 'error'): boolean;
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export type AppEnv = {
  /** What @hono/node-server passes to the app; absent under `app.request()` in tests. */
  Bindings: { outgoing?: { setHeader(name: string, value: string): unknown } } | undefined;
  Variables: {
    actor: Actor;
    authenticatedBy: 'token' | 'jwt' | 'session';
    /** Set for JWTs and sessions; a token's is computed when a stream asks (`credentialOf`). */
    credential?: Credential;
    requestId: string;
  };
};
export type App = OpenAPIHono<AppEnv>;
