import type { Actor } from '../playbook-kit';
import type { Checkpoint } from './checkpoints';
import type { OverdueItem } from './overdue';
import type { Principal, PrincipalKind } from './principals';

export type { OverdueItem };

export type IncidentMode = 'live' | 'exercise';
export type IncidentStatus = 'open' | 'closed';
export type EventSource = 'api' | 'timer' | 'clock' | 'inject' | 'system';

/** An incident as stored. */
export interface IncidentRow {
  id: string;
  playbookId: string;
  playbookVersion: number;
  title: string;
  severity: string;
  mode: IncidentMode;
  exerciseId: string | null;
  status: IncidentStatus;
  /** Something fell due with its step not done: a deadline item, or a notification clock passed unfiled. */
  overdue: boolean;
  /** The playbook deadlines that passed with their step not done (the clocks' items come from the context). */
  overdueItems: OverdueItem[];
  state: unknown;
  snapshot: unknown;
  version: number;
  changeSeq: number;
  headHash: string;
  clockNow: string | null;
  /** When its latest event happened: no later event may be logged as happening before it. */
  lastOccurredAt: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** One link of an incident's append-only, hash-chained history. */
export interface EventRecord {
  incidentId: string;
  seq: number;
  type: string;
  payload: unknown;
  /** The display name of who did it, as it was when they did it. */
  actor: string;
  /** The principal who did it (`holdfast:timer` for timers); null on events recorded before principals. */
  actorId: string | null;
  source: EventSource;
  occurredAt: string;
  recordedAt: string;
  stateAfter: unknown;
  note: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  prevHash: string;
  hash: string;
}

export interface TimerRow {
  incidentId: string;
  timerId: string;
  event: { type: string; [key: string]: unknown };
  label: string;
  dueAt: string;
}

/** The writes one transition makes, applied in one transaction. A closed incident keeps no timers. */
export interface IncidentWrite {
  incident: IncidentRow;
  event: EventRecord;
  timersToAdd: TimerRow[];
  timerIdsToRemove: string[];
}

export interface IncidentFilter {
  status?: IncidentStatus;
  playbookId?: string;
  mode?: IncidentMode;
  overdue?: boolean;
  limit: number;
}

export type CommitResult =
  | { status: 'committed'; changeSeq: number }
  | { status: 'version_conflict' }
  | { status: 'idempotency_conflict' };

/** What firing an incident's due timers produced: zero or more events, and the timer rows to change. */
export interface TimerFiring {
  incident: IncidentRow;
  events: EventRecord[];
  timersToAdd: TimerRow[];
  timerIdsToRemove: string[];
}

/** Which incident a unit of work locks; it is handed the incident's timers due by `dueBy`, in due order. */
export type IncidentPick =
  /** The open live incident with the earliest timer due by `dueBy` that no other worker holds locked. */
  | { dueBy: string }
  /** This incident, waiting for its lock if another holds it. */
  | { id: string; dueBy: string };

/** An incident locked for a unit of work, and its timers due by the pick's time. */
export interface LockedIncident {
  incident: IncidentRow;
  due: TimerRow[];
}

/**
 * A write with the signed checkpoint of the head it leaves (null when it appends no event, so the head does not
 * move) and the outbox messages its events send, all stored in the same transaction as the events: a message
 * exists if and only if its event does.
 */
export interface Sealed {
  checkpoint: Checkpoint | null;
  outbox: OutboxMessage[];
}

/** What a subscription may hear of a committed write (`outbox.ts`); delivered by the webhook dispatcher. */
export interface OutboxMessage {
  /** `msg_…`: the `webhook-id` of every delivery of it. */
  id: string;
  incidentId: string;
  /** The event it came with. */
  seq: number;
  type: OutboxMessageType;
  mode: IncidentMode;
  playbookId: string;
  severity: string;
  /** The thin facts every subscription gets: ids, types, labels, due times, state. */
  data: Record<string, unknown>;
  /** Free text (notes, event payloads), sent only to subscriptions that ask for it. */
  details: Record<string, unknown> | null;
  createdAt: string;
}

export type OutboxMessageType =
  | 'incident.opened'
  | 'incident.event'
  | 'incident.closed'
  | 'deadline.passed'
  | 'deadline.reminder'
  | 'incident.escalated'
  | 'incident.overdue'
  | 'clock.changed';

/** What the engine needs from storage (implemented in db/). */
export interface IncidentStore {
  /** Inserts a new incident with its first event and timers; resolves to its change_seq. */
  insertIncident(write: IncidentWrite & Sealed): Promise<number>;
  /** Applies the write, in one round trip, only if the stored incident is still the one read (`version` and `changeSeq`). */
  commitAdvance(
    expected: Pick<IncidentRow, 'version' | 'changeSeq'>,
    write: IncidentWrite & Sealed,
  ): Promise<CommitResult>;
  /** With `mode`, an incident of another mode is not found, and its row (the snapshot) is never read. */
  getIncident(id: string, mode?: IncidentMode): Promise<IncidentRow | null>;
  listIncidents(filter: IncidentFilter): Promise<IncidentRow[]>;
  listEvents(incidentId: string, after: number, limit: number): Promise<EventRecord[]>;
  findEventByIdempotencyKey(incidentId: string, key: string): Promise<EventRecord | null>;
  listTimers(incidentId: string): Promise<TimerRow[]>;
  /** The incident's signed checkpoints, in seq order. */
  listCheckpoints(incidentId: string): Promise<Checkpoint[]>;
  /** The outbox messages the incident's writes sent, in seq order (then in the order written). */
  listOutboxMessages(incidentId: string): Promise<OutboxMessage[]>;
  /**
   * The unit of work of timers and clock moves: locks the picked incident, hands it and its due timers to
   * `work`, and writes what `work` returns in the same transaction: the timer changes always, the events and
   * the incident when there are events, and `clock_now` when the returned incident moved it. Resolves to the
   * incident as written, or null when nothing was picked (no such incident; no unlocked one with a timer due).
   * Whatever `work` throws rolls the transaction back and is thrown again.
   */
  withLockedIncident(
    pick: IncidentPick,
    work: (locked: LockedIncident) => TimerFiring & Sealed,
  ): Promise<IncidentRow | null>;
  /**
   * The common exercise clock move in one statement: sets `clock_now` to `to` if the incident is still at
   * change_seq `expectedChangeSeq` and has no timer due by `to`. Resolves to the new change_seq, else null.
   */
  moveClockQuietly(incidentId: string, expectedChangeSeq: number, to: string): Promise<number | null>;
  /** The earliest due_at of any live timer, or null. */
  nextDueAt(): Promise<string | null>;
  /** Open incidents counted by playbook and mode. */
  countOpenIncidents(): Promise<{ playbookId: string; mode: IncidentMode; count: number }[]>;
}

export interface TokenRecord {
  id: string;
  /** The principal's name. */
  name: string;
  principalId: string;
  roles: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface PrincipalRecord extends Principal {
  createdAt: string;
  /** The OpenID Connect user (`<iss>#<sub>`) this principal is, if any. */
  oidcSubject: string | null;
}

/**
 * A token to issue for the principal named `principal.name`, who is created (with `id`, and `kind` or a
 * person) unless it exists.
 */
export interface TokenIssue {
  principal: { id: string; name: string; nameKey: string; kind: PrincipalKind | undefined };
  token: { id: string; roles: string[]; tokenHash: string };
}

export interface TokenStore {
  /**
   * Issues the token to the principal whose name has `principal.nameKey`, created if there is none. The token
   * is null (nothing written) when that principal's name is not exactly `principal.name`, or its kind not
   * `principal.kind` when one is given.
   */
  issueToken(issue: TokenIssue): Promise<{ principal: PrincipalRecord; token: TokenRecord | null }>;
  findActiveTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(): Promise<TokenRecord[]>;
  /** In name order. */
  listPrincipals(): Promise<PrincipalRecord[]>;
  revokeToken(id: string): Promise<TokenRecord | null>;
  countTokens(): Promise<number>;
  /**
   * The principal of the OpenID Connect user `subject`, created if there is none: a person with `id` and the
   * first of `names` whose key no other principal holds. Null when every name is taken.
   */
  signedInPrincipal(
    subject: string,
    id: string,
    names: { name: string; nameKey: string }[],
  ): Promise<PrincipalRecord | null>;
  /**
   * Sets the OpenID Connect subject of the principal whose name has `nameKey`, unless it has one or another
   * principal holds `subject`. Returns that principal as it is after (null if there is none) and the holder of
   * `subject` after (the principal itself when linked).
   */
  linkOidcSubject(
    nameKey: string,
    subject: string,
  ): Promise<{ principal: PrincipalRecord | null; holder: PrincipalRecord | null }>;
}

export type { Actor };

/** A tabletop exercise: the scenario it runs, its exercise incident and the injects delivered so far. */
export interface ExerciseRow {
  id: string;
  scenarioId: string;
  scenario: unknown;
  scenarioHash: string;
  incidentId: string | null;
  status: 'running' | 'finished';
  startedAt: string;
  finishedAt: string | null;
}

/**
 * A player's move the engine refused during an exercise: kept beside the exercise, not in the incident's log,
 * because a refused move changes nothing in the incident (docs/decisions.md).
 */
export interface RefusedMoveRecord {
  id: string;
  exerciseId: string;
  /** Virtual time: the exercise incident's clock when the move was refused. */
  at: string;
  /** The principal's name. */
  actor: string;
  event: string;
  code: string;
  reason: string;
  recordedAt: string;
}

export interface ExerciseStore {
  insertExercise(row: ExerciseRow): Promise<void>;
  /** Keeps a refused move, unless the exercise holds `max` already; resolves whether it was kept. */
  recordRefusedMove(move: RefusedMoveRecord, max: number): Promise<boolean>;
  /** The exercise's refused moves in virtual-time order, at most `limit`. */
  listRefusedMoves(exerciseId: string, limit: number): Promise<RefusedMoveRecord[]>;
  /** The exercise; with `scenario: false`, without its scenario (null), for a caller that has it already. */
  getExercise(id: string, options?: { scenario?: boolean }): Promise<ExerciseRow | null>;
  /** The newest `limit` exercises whose incident is open, latest start first. */
  listExercises(limit: number): Promise<ExerciseRow[]>;
  /**
   * Takes the exercise's clock for one move, as `holder`, until `until` (a lease: a crashed mover's expires).
   * Resolves false while another holder's lease runs at `now`.
   */
  claimClockMove(id: string, holder: string, now: string, until: string): Promise<boolean>;
  /** Gives the clock back, if `holder` still has it. */
  releaseClockMove(id: string, holder: string): Promise<void>;
  /** Records progress (the injects delivered are in the incident's log, not here). */
  updateExercise(
    id: string,
    change: Pick<ExerciseRow, 'status' | 'finishedAt' | 'incidentId'>,
  ): Promise<void>;
}

/**
 * A place in the stream of committed changes: the writing transaction and the change sequence. Reads only
 * return rows of transactions older than every transaction still running, so this order never skips one.
 */
export interface ChangeCursor {
  xid: number;
  seq: number;
}

/** What the database announces on every committed write to an incident (any instance's). */
export interface ChangeNotice {
  id: string;
  version: number;
  changeSeq: number;
  xid: number;
  mode: IncidentMode;
  status: IncidentStatus;
}

/** One committed event as the streams send it: the event and the incident it belongs to. */
export interface ChangeRecord {
  cursor: ChangeCursor;
  incidentId: string;
  playbookId: string;
  title: string;
  mode: IncidentMode;
  /** The incident's version after this event (its seq). */
  version: number;
  event: { seq: number; type: string; actor: string; source: EventSource; occurredAt: string };
  state: unknown;
}

/** An incident as `?since` lists it (no snapshot), with its place in the change stream. */
export interface ChangedIncident {
  row: Omit<IncidentRow, 'snapshot'>;
  cursor: ChangeCursor;
}

export interface ChangeStore {
  /** The oldest transaction still running: a reader starting at (horizon, 0) misses nothing later. */
  changeHorizon(): Promise<number>;
  /**
   * The latest change (an incident write or an event) of an incident of `mode` older than the horizon, or
   * (0, 0): a reader of that mode starting there misses nothing later either, and the place says nothing about
   * the other mode's writes.
   */
  lastChangeOf(mode: IncidentMode): Promise<ChangeCursor>;
  /**
   * Committed events after `after`, in cursor order, of incidents matching the filter; and `horizon`, the
   * oldest transaction still running (where a reader may start without missing anything later).
   */
  listChanges(
    after: ChangeCursor,
    filter: { mode?: IncidentMode; incidentId?: string },
    limit: number,
  ): Promise<{ changes: ChangeRecord[]; horizon: number }>;
  /** Incidents whose last write comes after `after`, in cursor order; and the horizon as above. */
  listIncidentsChangedSince(
    after: ChangeCursor,
    filter: Omit<IncidentFilter, 'limit'>,
    limit: number,
  ): Promise<{ incidents: ChangedIncident[]; horizon: number }>;
}

/** Notifications of committed changes from every instance (LISTEN/NOTIFY, or in-process on PGlite). */
export interface ChangeFeed {
  listen(handlers: {
    incident(notice: ChangeNotice): void;
    /** A token changed (revoked): its hash. */
    token(tokenHash: string): void;
    /** The feed reconnected: notices may have been missed. */
    reconnected(): void;
  }): Promise<() => Promise<void>>;
}

/** A playbook version published as a file: never changed once stored. */
export interface PublishedPlaybook {
  id: string;
  version: number;
  /** SHA-256 (hex) of `source`. */
  contentHash: string;
  /** The playbook file as published. */
  source: string;
  publishedAt: string;
  publishedBy: string;
}

export interface PlaybookStore {
  /** Stores the version unless (id, version) is taken; answers with the row stored under (id, version) either way. */
  publishPlaybook(row: PublishedPlaybook): Promise<{ stored: PublishedPlaybook; inserted: boolean }>;
  getPublishedPlaybook(id: string, version: number): Promise<PublishedPlaybook | null>;
  /** Every published version's id, version and hash, for an instance to load what it lacks. */
  listPublishedPlaybooks(): Promise<Pick<PublishedPlaybook, 'id' | 'version' | 'contentHash'>[]>;
}
