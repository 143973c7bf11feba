import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import pino from 'pino';
import { PgChangeFeed, PgChangeStore } from '../db/changes';
import { PgCheckpointStore } from '../db/checkpoint-store';
import { type Database, openDatabase } from '../db/client';
import { PgPlaybookStore } from '../db/playbook-store';
import { rehearsalStore } from '../db/rehearsal';
import { readServerTime } from '../db/server-time';
import { PgExerciseStore, PgIncidentStore, PgTokenStore } from '../db/store';
import { PgWebhookStore } from '../db/webhook-store';
import { playbooks } from '../playbooks';
import { type AppDeps, createApp } from './app';
import type { Config } from './config';
import {
  builtInRoles,
  createAudit,
  createChangeHub,
  createDispatcher,
  createEngine,
  createSessions,
  createTokenService,
  createWebhookService,
  type Keyring,
  PlaybookRegistry,
  Refusal,
  startDatabaseClock,
  startTimerWorker,
  type TokenService,
  VersionCache,
} from './engine';
import { createMetrics } from './http/metrics';
import { notModifiedShortcut } from './http/not-modified';
import { requestRecorder } from './http/observe';
import { createOidc, type Oidc, parseRoleMap } from './http/oidc';
import { closeIfBodyUnread } from './http/unread-body';
import { createPlaybookPublisher, type PlaybookPublisher, publishedPlaybooks } from './playbook-format';
import type { PlaybookDefinition } from './playbook-kit';
import { keyLocation, openKeyring } from './signing-keys';
import { createExerciseService, type ExerciseLimits } from './tabletop';
import { createWebhookSender } from './webhook-sender';

export type Logger = pino.Logger;

export function createLogger(level: Config['LOG_LEVEL']): Logger {
  // Written synchronously: a buffered line (a long one, such as the public key's) was cut off when the
  // process stopped right after start.
  return pino({ level, base: { service: 'holdfast' } }, pino.destination({ dest: 1, sync: true }));
}

/** The bundled playbooks; with a database, also the versions published there (loaded as they are needed). */
export function createRegistry(
  database?: Database,
  logger?: Logger,
  bundled: readonly PlaybookDefinition[] = playbooks,
): PlaybookRegistry {
  if (!database) return new PlaybookRegistry(bundled);
  const loader = publishedPlaybooks(new PgPlaybookStore(database.db), (id, version, problems) =>
    logger?.error({ playbook: `${id}@${version}`, problems }, 'a published playbook file no longer compiles'),
  );
  return new PlaybookRegistry(bundled, loader);
}

export function knownRoles(registry: PlaybookRegistry): Set<string> {
  return new Set([...builtInRoles, ...registry.all().flatMap((p) => Object.keys(p.roles))]);
}

export async function openMigratedDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.HOLDFAST_DATA_DIR,
    maxConnections: config.HOLDFAST_DB_POOL,
  });
  try {
    await database.migrate();
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Keys of in-memory databases: a throwaway key that lives as long as its database, in this process. */
const inMemoryKeys = new WeakMap<object, Keyring>();

/**
 * The checkpoint signing key: HOLDFAST_SIGNING_KEY_FILE, else `signing-key.pem` in the embedded database's
 * folder (or in HOLDFAST_DATA_DIR on Postgres), created on first start.
 */
export function signingKeyring(database: Database, config: Config, logger: Logger): Keyring {
  const location = keyLocation({
    keyFile: config.HOLDFAST_SIGNING_KEY_FILE,
    retiredDir: config.HOLDFAST_RETIRED_KEYS_DIR,
    dataDir: database.dataDir ?? config.HOLDFAST_DATA_DIR,
  });
  if (location.keyFile) return openKeyring(location, logger);
  const known = inMemoryKeys.get(database.db) ?? openKeyring(location, logger);
  inMemoryKeys.set(database.db, known);
  return known;
}

export function exerciseLimits(config: Config): ExerciseLimits {
  return {
    maxInjects: config.HOLDFAST_EXERCISE_MAX_INJECTS,
    maxDays: config.HOLDFAST_EXERCISE_MAX_DAYS,
    maxTimersPerMove: config.HOLDFAST_EXERCISE_MAX_TIMERS_PER_MOVE,
  };
}

/** The wall clock. Tests pass their own, so nothing they assert depends on the day they run. */
export type Clock = () => Date;
const wallClock: Clock = () => new Date();

/** OpenID Connect when HOLDFAST_OIDC_ISSUER is set; a role map naming unknown roles stops the start. */
function openIdConnect(
  config: Config,
  roles: ReadonlySet<string>,
  now: Clock,
  tokens: TokenService,
): Oidc | undefined {
  if (!config.HOLDFAST_OIDC_ISSUER) return undefined;
  return createOidc(
    {
      issuer: config.HOLDFAST_OIDC_ISSUER,
      clientId: config.HOLDFAST_OIDC_CLIENT_ID,
      clientSecret: config.HOLDFAST_OIDC_CLIENT_SECRET,
      // Checked by the config: one of the two is set.
      audience: (config.HOLDFAST_OIDC_AUDIENCE ?? config.HOLDFAST_OIDC_CLIENT_ID) as string,
      rolesClaim: config.HOLDFAST_OIDC_ROLES_CLAIM,
      roleMap: parseRoleMap(config.HOLDFAST_OIDC_ROLE_MAP, roles),
      publicUrl: config.HOLDFAST_PUBLIC_URL,
    },
    now,
    tokens.signedInPrincipal,
  );
}

/** Wires database, engine and HTTP for one process. */
export function createServices(
  database: Database,
  config: Config,
  logger: Logger,
  registry: PlaybookRegistry = createRegistry(database, logger),
  now: Clock = wallClock,
  clockStatus?: AppDeps['clockStatus'],
) {
  const keyring = signingKeyring(database, config, logger);
  const tokens = createTokenService({
    store: new PgTokenStore(database.db),
    adminToken: config.HOLDFAST_ADMIN_TOKEN,
    knownRoles: knownRoles(registry),
  });
  const oidc = openIdConnect(config, knownRoles(registry), now, tokens);
  const sessions = createSessions({
    isValid: async (credential) => oidc?.holds(credential) ?? tokens.isActive(credential.digest),
    now: () => now().getTime(),
    onError: (error) => logger.error({ err: error }, 'checking the tokens of open streams failed'),
  });
  const metrics = createMetrics({ openIncidentCounts: () => engine.openIncidentCounts() });
  const versions = new VersionCache();
  const incidents = new PgIncidentStore(database.db);
  const limits = {
    maxItems: config.HOLDFAST_PAYLOAD_MAX_ITEMS,
    maxStringLength: config.HOLDFAST_PAYLOAD_MAX_STRING,
    maxStateBytes: config.HOLDFAST_CONTEXT_MAX_BYTES,
  };
  const engine = createEngine({
    store: incidents,
    registry,
    now,
    newId: randomUUID,
    keyring,
    versions,
    limits,
    reminders: config.HOLDFAST_REMINDERS,
    onCommitted: (incident, events) => {
      metrics.observeCommitted(incident, events);
      // Every event sends outbox messages: deliver them now rather than at the next poll.
      dispatcher.wake();
    },
  });
  const webhookStore = new PgWebhookStore(database.db);
  const webhooks = createWebhookService({ store: webhookStore, now, newId: randomUUID });
  const dispatcher = webhookDispatcher(webhookStore, config, now, logger);
  const changes = createChangeHub({
    store: new PgChangeStore(database.db),
    feed: new PgChangeFeed(database),
    versions,
    cursorKey: keyring.derivedKey('cursors'),
    onTokenChange: (digest) => {
      tokens.forget(digest);
      sessions.changed(digest);
    },
    onError: (error) => logger.error({ err: error }, 'change feed failed; retrying'),
  });
  const audit = createAudit({
    store: incidents,
    checkpoints: new PgCheckpointStore(database.db),
    keyring,
    now,
  });
  const exercises = createExerciseService({
    engine,
    store: new PgExerciseStore(database.db),
    registry,
    newId: randomUUID,
    now,
    rehearsal: async (incidentId) =>
      createEngine({
        store: await rehearsalStore(incidents, incidentId),
        registry,
        now,
        newId: randomUUID,
        keyring,
        limits,
      }),
    limits: exerciseLimits(config),
  });
  const publisher = createPlaybookPublisher({ store: new PgPlaybookStore(database.db), registry, now });
  const app = createApp({
    engine,
    registry,
    publisher,
    tokens,
    exercises,
    webhooks,
    changes,
    sessions,
    keyring,
    streamHeartbeatMs: config.HOLDFAST_STREAM_HEARTBEAT_MS,
    checkReady: () => database.ping(),
    clockStatus,
    bodyLimitBytes: config.HOLDFAST_BODY_LIMIT_BYTES,
    tokenLimits: {
      eventsPerMinute: config.HOLDFAST_EVENTS_PER_MINUTE,
      streamsPerToken: config.HOLDFAST_STREAMS_PER_TOKEN,
      streamReplayMax: config.HOLDFAST_STREAM_REPLAY_MAX,
    },
    now,
    logError: (error, requestId) => logger.error({ err: error, requestId }, 'request failed'),
    metrics,
    accessLog: logger,
    ...(oidc && { oidc }),
  });
  const answerKnownPoll = notModifiedShortcut({
    engine,
    tokens,
    recorder: requestRecorder({ metrics, log: logger }),
  });
  return {
    registry,
    publisher,
    tokens,
    sessions,
    engine,
    app,
    metrics,
    changes,
    keyring,
    audit,
    answerKnownPoll,
    webhooks,
    dispatcher,
  };
}

/**
 * This instance's webhook dispatcher; `start` runs it (serve does). `wake` before `start` does nothing, so the
 * CLI's services never send.
 */
function webhookDispatcher(store: PgWebhookStore, config: Config, now: Clock, logger: Logger) {
  const dispatcher = createDispatcher({
    store,
    send: createWebhookSender({
      allow: config.HOLDFAST_WEBHOOK_ALLOW,
      timeoutMs: config.HOLDFAST_WEBHOOK_TIMEOUT_MS,
    }),
    now,
    holder: `instance:${randomUUID()}`,
    baseUrl: config.HOLDFAST_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`,
    leaseMs: config.HOLDFAST_WEBHOOK_TIMEOUT_MS * 3,
    onError: (error) => logger.error({ err: error }, 'webhook dispatcher failed; retrying'),
  });
  let running: ReturnType<typeof dispatcher.start> | null = null;
  return {
    drain: dispatcher.drain,
    wake: () => running?.wake(),
    start() {
      running ??= dispatcher.start(config.HOLDFAST_WEBHOOK_POLL_MS);
    },
    stop: async () => {
      await running?.stop();
      running = null;
    },
  };
}

/**
 * Node's HTTP server for the app, with `notModifiedShortcut` in front: a poll it can answer from the
 * caches never enters the app. Not listening yet.
 */
export function createHttpServer(services: Services, logger: Logger): Server {
  const app = getRequestListener(services.app.fetch);
  return createServer((incoming, outgoing) => {
    try {
      if (services.answerKnownPoll(incoming, outgoing)) return;
    } catch (error) {
      logger.error({ err: error }, 'the not-modified shortcut failed; the app answers instead');
      if (outgoing.headersSent) return;
    }
    closeIfBodyUnread(incoming, outgoing);
    void app(incoming, outgoing);
  });
}

export type Services = ReturnType<typeof createServices>;

/**
 * Without HOLDFAST_ADMIN_TOKEN, the first start on an empty tokens table creates an admin token and
 * returns its secret (printed once, on stderr, by the caller).
 */
/**
 * HOLDFAST_PLAYBOOKS_DIR: every `*.playbook.yaml` in the folder published at start, in name order (a version
 * already published with the same content is a no-op). A broken file or a changed version stops the start.
 */
export async function publishFolder(
  publisher: PlaybookPublisher,
  dir: string,
  logger: Logger,
): Promise<void> {
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.playbook.yaml'))
    .sort()) {
    const file = join(dir, name);
    try {
      const outcome = await publisher.publish(file, readFileSync(file, 'utf8'), 'system');
      logger.info({ file, ...outcome }, 'playbook file published at start');
    } catch (error) {
      if (error instanceof Refusal) throw new Error(`HOLDFAST_PLAYBOOKS_DIR: ${error.message}`);
      throw error;
    }
  }
}

export async function ensureFirstAdminToken(tokens: TokenService, config: Config): Promise<string | null> {
  if (config.HOLDFAST_ADMIN_TOKEN || (await tokens.countTokens()) > 0) return null;
  try {
    return (await tokens.createToken('admin', ['admin'])).token;
  } catch {
    return null; // another instance created it at the same moment
  }
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves holdfast; on `opened` when given (a migrated database the caller keeps and closes), else on its own. */
export async function startServer(config: Config, opened?: Database): Promise<RunningServer> {
  const logger = createLogger(config.LOG_LEVEL);
  const database = opened ?? (await openMigratedDatabase(config));
  const clock = await startDatabaseClock({
    readServerTime: () => readServerTime(database.db),
    local: wallClock,
    maxSkewMs: config.HOLDFAST_MAX_CLOCK_SKEW_MS,
    onMeasured: (skewMs, withinBound) => {
      if (withinBound) return;
      logger.error(
        { skewMs, boundMs: config.HOLDFAST_MAX_CLOCK_SKEW_MS },
        "this host's clock is off from the database's by more than HOLDFAST_MAX_CLOCK_SKEW_MS: this instance fires no timers until it is set right (it still tells the time by the database)",
      );
    },
    onError: (error) =>
      logger.error({ err: error }, 'measuring the clock against the database failed; retrying'),
  });
  const services = createServices(
    database,
    config,
    logger,
    createRegistry(database, logger),
    clock.now,
    () => ({
      skewMs: clock.skewMs(),
      boundMs: clock.boundMs,
      firesTimers: clock.withinBound(),
    }),
  );
  const { tokens, engine, changes, dispatcher } = services;
  await services.registry.refresh();
  if (config.HOLDFAST_PLAYBOOKS_DIR)
    await publishFolder(services.publisher, config.HOLDFAST_PLAYBOOKS_DIR, logger);
  await changes.start();
  const firstAdmin = await ensureFirstAdminToken(tokens, config);
  if (firstAdmin) {
    // Not in the JSON log on stdout, which log shippers keep: one plain line on stderr, for whoever started it.
    process.stderr.write(
      `First start: created an admin token, shown only this once; keep it safe: ${firstAdmin}\n`,
    );
    logger.warn(
      'first start: created an admin token; its secret was written once to stderr, not to this log',
    );
  }
  const server = createHttpServer(services, logger);
  server.listen(config.PORT, config.HOST);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('listening', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : config.PORT);
    });
    server.once('error', reject);
  });
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url, database: database.kind }, 'holdfast listening');
  const timerWorker = startTimerWorker({
    fireDueTimers: engine.fireDueTimers,
    nextDueAt: engine.nextTimerDue,
    now: clock.now,
    mayFire: clock.withinBound,
    onError: (error) => logger.error({ err: error }, 'timer worker failed; retrying'),
    onFired: (incidents) => logger.debug({ incidents }, 'timers fired'),
  });
  dispatcher.start();
  return {
    url,
    port,
    close: async () => {
      await dispatcher.stop();
      await timerWorker.stop();
      clock.stop();
      await changes.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Streams never end by themselves.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      if (!opened) await database.close();
    },
  };
}
