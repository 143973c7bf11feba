import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string', precision: 3 });

/** One global sequence: every write to an incident takes the next value, the dashboards' cursor. */
export const incidentChangeSeq = pgSequence('incident_change_seq');

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey(),
    playbookId: text('playbook_id').notNull(),
    playbookVersion: integer('playbook_version').notNull(),
    title: text('title').notNull(),
    severity: text('severity').notNull(),
    mode: text('mode', { enum: ['live', 'exercise'] }).notNull(),
    exerciseId: uuid('exercise_id'),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    /** Something fell due with its step not done: a deadline item, or a notification clock passed unfiled. */
    overdue: boolean('overdue').notNull().default(false),
    /** The playbook deadlines that passed with their step not done (engine `OverdueItem`s, kind `deadline`). */
    overdueItems: jsonb('overdue_items').notNull().default([]),
    state: jsonb('state').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    version: integer('version').notNull(),
    changeSeq: bigint('change_seq', { mode: 'number' })
      .notNull()
      .default(sql`nextval('incident_change_seq')`),
    /** The transaction of the last write (set by a trigger): `?since` polls by it (docs/decisions.md). */
    changeXid: bigint('change_xid', { mode: 'number' }).notNull().default(0),
    /** Hash of the last event: the next event's prev_hash without reading the log. */
    headHash: text('head_hash').notNull(),
    clockNow: ts('clock_now'),
    /** When the latest event happened (its occurred_at): the log never goes back in time. */
    lastOccurredAt: ts('last_occurred_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    index('incidents_change_seq_idx').on(t.changeSeq),
    index('incidents_change_xid_idx').on(t.changeXid),
    index('incidents_listing_idx').on(t.mode, t.status, t.createdAt),
    index('incidents_overdue_idx').on(t.mode, t.createdAt).where(sql`${t.overdue}`),
  ],
);

export const incidentEvents = pgTable(
  'incident_events',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    actor: text('actor').notNull(),
    /** The principal (null on events recorded before principals); hashed when present. */
    actorId: text('actor_id'),
    source: text('source', { enum: ['api', 'timer', 'clock', 'inject', 'system'] }).notNull(),
    occurredAt: ts('occurred_at').notNull(),
    recordedAt: ts('recorded_at').notNull(),
    stateAfter: jsonb('state_after').notNull(),
    note: text('note'),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** The writing transaction and its place on the change sequence: the streams' cursor (not hashed). */
    changeXid: bigint('change_xid', { mode: 'number' })
      .notNull()
      .default(sql`pg_current_xact_id()::text::bigint`),
    changeSeq: bigint('change_seq', { mode: 'number' })
      .notNull()
      .default(sql`nextval('incident_change_seq')`),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.seq] }),
    index('incident_events_change_idx').on(t.changeXid, t.changeSeq),
    uniqueIndex('incident_events_idempotency_idx')
      .on(t.incidentId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

/**
 * Signed checkpoints of each incident's head (engine `Checkpoint`): the key that signs them is not in the
 * database. Append-only, like the log.
 */
export const incidentCheckpoints = pgTable(
  'incident_checkpoints',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    seq: integer('seq').notNull(),
    hash: text('hash').notNull(),
    signedAt: ts('signed_at').notNull(),
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.seq] })],
);

export const timers = pgTable(
  'timers',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    timerId: text('timer_id').notNull(),
    event: jsonb('event').notNull(),
    label: text('label').notNull(),
    dueAt: ts('due_at').notNull(),
    /** The incident is live: the timer worker fires it on the wall clock (exercise timers move with their clock). */
    live: boolean('live').notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.timerId] }),
    index('timers_due_at_idx').on(t.dueAt),
    index('timers_live_due_at_idx').on(t.dueAt).where(sql`${t.live}`),
  ],
);

/** A person or a service holding tokens (engine `Principal`): events and two-person rules are about them. */
export const principals = pgTable(
  'principals',
  {
    id: uuid('id').primaryKey(),
    /** The name as given, NFKC-normalized. */
    name: text('name').notNull(),
    /** The name as compared (lower case): one principal per key. */
    nameKey: text('name_key').notNull(),
    kind: text('kind', { enum: ['person', 'service'] }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** `<iss>#<sub>` of the OpenID Connect user this principal is: set once, never changed. */
    oidcSubject: text('oidc_subject'),
  },
  (t) => [
    uniqueIndex('principals_name_key_idx').on(t.nameKey),
    uniqueIndex('principals_oidc_subject_idx').on(t.oidcSubject),
  ],
);

export const tokens = pgTable(
  'tokens',
  {
    id: uuid('id').primaryKey(),
    /** The principal's name. */
    name: text('name').notNull(),
    principalId: uuid('principal_id')
      .notNull()
      .references(() => principals.id),
    roles: text('roles').array().notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('tokens_hash_idx').on(t.tokenHash), index('tokens_principal_idx').on(t.principalId)],
);

export const exercises = pgTable('exercises', {
  id: uuid('id').primaryKey(),
  scenarioId: text('scenario_id').notNull(),
  /** The exact scenario used, validated. */
  scenario: jsonb('scenario').notNull(),
  /** SHA-256 of the canonical scenario JSON. */
  scenarioHash: text('scenario_hash').notNull().default(''),
  /** The exercise incident (mode `exercise`). */
  incidentId: uuid('incident_id'),
  status: text('status').notNull(),
  startedAt: ts('started_at').notNull(),
  finishedAt: ts('finished_at'),
  /** Injects delivered so far: id, virtual time, offset, emitted event seq. */
  report: jsonb('report'),
  /** The clock move in progress, on whichever instance: one at a time per exercise. */
  clockMoveBy: text('clock_move_by'),
  clockMoveUntil: ts('clock_move_until'),
});

/**
 * What subscriptions may hear of (engine `OutboxMessage`), written in the same statement or transaction as the
 * event it comes with: a message exists if and only if its event does. The dispatcher fans each out to the
 * matching endpoints once (`fanned_out`).
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    /** `msg_…`: the `webhook-id` of every delivery of it, stable across retries. */
    id: text('id').primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** The event it came with. */
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    mode: text('mode', { enum: ['live', 'exercise'] }).notNull(),
    playbookId: text('playbook_id').notNull(),
    severity: text('severity').notNull(),
    /** The thin facts every subscription gets. */
    data: jsonb('data').notNull(),
    /** Free text and evidence details, sent only to subscriptions that ask for them. */
    details: jsonb('details'),
    createdAt: ts('created_at').notNull(),
    fannedOut: boolean('fanned_out').notNull().default(false),
  },
  (t) => [
    index('outbox_messages_waiting_idx').on(t.createdAt).where(sql`not ${t.fannedOut}`),
    index('outbox_messages_incident_idx').on(t.incidentId, t.seq),
  ],
);

/** A subscriber's endpoint (engine `WebhookEndpoint`). */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  /** Which messages it wants (engine `WebhookFilters`). */
  filters: jsonb('filters').notNull(),
  format: text('format', { enum: ['standard', 'slack', 'teams'] }).notNull(),
  active: boolean('active').notNull().default(true),
  /** Why it was disabled by holdfast (410 Gone, failing too long); null when a person did it or it runs. */
  disabledReason: text('disabled_reason'),
  /**
   * Who reads it (`legal`, `executives`): set on an endpoint that reaches people, and the incident report says
   * what reached them and when. Null: a machine's endpoint.
   */
  audience: text('audience'),
  /** It asked for free text and evidence details. */
  includeDetails: boolean('include_details').notNull().default(false),
  /** `whsec_…` secrets, newest first, each with the time it stops signing (null: current). */
  secrets: jsonb('secrets').notNull(),
  /** The first failure since its last success. */
  failingSince: ts('failing_since'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** One message to one endpoint: pending until delivered, or failed after its last retry (the dead letters). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    messageId: text('message_id')
      .notNull()
      .references(() => outboxMessages.id),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    /** The dispatcher holding it, until when: a crashed instance's lease runs out and another takes it. */
    leaseBy: text('lease_by'),
    leaseUntil: ts('lease_until'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.endpointId] }),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.status),
  ],
);

/** Every attempt at a delivery: when, the answer's status or the error, a short excerpt of the body. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    messageId: text('message_id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: ts('at').notNull(),
    status: integer('status'),
    error: text('error'),
    excerpt: text('excerpt'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.endpointId, t.attempt] })],
);

/**
 * Moves the engine refused during an exercise (a player's event out of turn, out of role, against a gate): the
 * after-action report lists them. Outside the incident's log: a refused move changes nothing in the incident.
 */
export const exerciseRefusedMoves = pgTable(
  'exercise_refused_moves',
  {
    id: uuid('id').primaryKey(),
    exerciseId: uuid('exercise_id')
      .notNull()
      .references(() => exercises.id),
    /** Virtual time: the exercise incident's clock when it was refused. */
    at: ts('at').notNull(),
    /** The principal's name. */
    actor: text('actor').notNull(),
    event: text('event').notNull(),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    recordedAt: ts('recorded_at').notNull(),
  },
  (t) => [index('exercise_refused_moves_exercise_idx').on(t.exerciseId, t.at)],
);

/**
 * Playbook versions published as files (`POST /v1/playbooks`): the file as sent and its SHA-256. A row is
 * never updated: the same content again is a no-op, other content needs a new version.
 */
export const publishedPlaybooks = pgTable(
  'published_playbooks',
  {
    id: text('id').notNull(),
    version: integer('version').notNull(),
    contentHash: text('content_hash').notNull(),
    source: text('source').notNull(),
    publishedAt: ts('published_at').notNull(),
    /** The principal that published it. */
    publishedBy: text('published_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
);
