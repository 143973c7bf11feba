import type { Actor } from '../playbook-kit';

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
  state: unknown;
  snapshot: unknown;
  version: number;
  changeSeq: number;
  headHash: string;
  clockNow: string | null;
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
  actor: string;
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
  limit: number;
}

export type CommitResult = 'committed' | 'version_conflict' | 'idempotency_conflict';

/** What the engine needs from storage (implemented in db/). */
export interface IncidentStore {
  insertIncident(write: IncidentWrite): Promise<void>;
  /** Applies the write only if the stored version is still `expectedVersion`. */
  commitAdvance(expectedVersion: number, write: IncidentWrite): Promise<CommitResult>;
  getIncident(id: string): Promise<IncidentRow | null>;
  listIncidents(filter: IncidentFilter): Promise<IncidentRow[]>;
  listEvents(incidentId: string, after: number, limit: number): Promise<EventRecord[]>;
  findEventByIdempotencyKey(incidentId: string, key: string): Promise<EventRecord | null>;
  listTimers(incidentId: string): Promise<TimerRow[]>;
}

export interface TokenRecord {
  id: string;
  name: string;
  roles: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface TokenStore {
  createToken(token: { id: string; name: string; roles: string[]; tokenHash: string }): Promise<TokenRecord>;
  findActiveTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string): Promise<TokenRecord | null>;
  countTokens(): Promise<number>;
}

export type { Actor };
