import { createHash, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { Body } from './http';
import { cleanEnv, type ServeProcess, sleep, startServe } from './processes';

/** Shared by the fault and scale-out suites: real `holdfast serve` processes, driven over HTTP. */

export const ADMIN = 'fault-suite-admin-token-0123456789';

/** A number from the environment (a knob), or `fallback`. */
export function knob(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Environment for a server on `databaseUrl`. A small pool: the shared test server has 100 connections. */
export const serveEnv = (databaseUrl: string, extra: Record<string, string> = {}) =>
  cleanEnv({
    HOLDFAST_ADMIN_TOKEN: ADMIN,
    DATABASE_URL: databaseUrl,
    HOLDFAST_DB_POOL: '4',
    // The load generators play many clients with one token: no per-token rate limit here.
    HOLDFAST_EVENTS_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  });

/** ransom-demand input whose declaration timer (demand + 30 min) falls due at `declarationDueAt`. */
export function ransomInput(declarationDueAt: number) {
  return {
    demand: {
      receivedAt: new Date(declarationDueAt - 30 * 60_000).toISOString(),
      channel: 'email',
      claimedAssets: ['image files'],
      proofOfAccess: false,
      threatenedActions: ['publish_internet'],
      amount: 1000,
      currency: 'USD',
      windowHours: 48,
    },
    organisation: { name: 'JJ Meds', country: 'CA' },
    jurisdictions: ['CA'],
    dataCategories: ['health'],
  };
}

/** An event ransom-demand accepts in every state while the incident is open (the evidence locker). */
export const evidenceEvent = (tag: string) => ({
  type: 'evidence.collected',
  payload: {
    kind: 'logs',
    sha256: createHash('sha256').update(tag).digest('hex'),
    location: `evidence://fault/${tag}`,
  },
});

export class NetworkError extends Error {}
export class HangError extends Error {}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Body;
  ms: number;
}

/**
 * One HTTP request with a hard deadline. A connection failure throws NetworkError; no answer within
 * `deadlineMs` throws HangError (a server must never leave a client hanging).
 */
export async function call(
  base: string,
  method: string,
  path: string,
  options: {
    body?: unknown;
    headers?: Record<string, string>;
    deadlineMs?: number;
    token?: string | null;
  } = {},
): Promise<Answer> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(deadlineMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new HangError(`${method} ${base}${path}: no answer within ${deadlineMs} ms`);
    }
    throw new NetworkError(`${method} ${base}${path}: ${(error as Error).message}`, { cause: error });
  }
  let body: Body = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, headers: response.headers, text, body, ms: Date.now() - started };
}

/** `holdfast serve` processes that can be killed and restarted; a restarted one listens on a new port. */
export class Fleet {
  readonly slots: (ServeProcess | null)[] = [];
  /** URLs of killed servers not restarted yet: clients that do not know still try them. */
  readonly dead = new Set<string>();
  private readonly killed = new Map<number, string>();
  kills = 0;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(count: number): Promise<void> {
    const started = await Promise.all(Array.from({ length: count }, () => startServe([], this.env)));
    this.slots.push(...started);
  }

  /** URLs of the servers running now. */
  urls(): string[] {
    return this.slots.filter((slot): slot is ServeProcess => slot !== null).map((slot) => slot.url);
  }

  url(index: number): string {
    const slot = this.slots[index];
    if (!slot) throw new Error(`server ${index} is not running`);
    return slot.url;
  }

  /** Running servers and killed ones not replaced yet, as a client with a stale list of servers sees them. */
  known(): string[] {
    return [...this.urls(), ...this.dead];
  }

  /** SIGKILL: no chance to finish a request, a transaction or a timer fire. */
  async kill9(index: number): Promise<void> {
    const slot = this.slots[index];
    if (!slot) throw new Error(`server ${index} is not running`);
    await slot.kill9();
    this.slots[index] = null;
    this.dead.add(slot.url);
    this.killed.set(index, slot.url);
    this.kills++;
  }

  async restart(index: number): Promise<void> {
    if (this.slots[index]) throw new Error(`server ${index} is running`);
    const started = await startServe([], this.env);
    this.dead.delete(this.killed.get(index) ?? '');
    this.slots[index] = started;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot?.stop()));
    this.slots.fill(null);
  }
}

/** What became of one advance the load sent (all attempts share one Idempotency-Key and body). */
export interface Outcome {
  key: string;
  incidentId: string;
  location: string;
  /** The seq of the 2xx answer; null while (or if) the advance never got one. */
  seq: number | null;
  attempts: number;
  /** Attempts that failed to connect or lost the connection (retried with the same key). */
  networkErrors: number;
  /** Every status answered, in order. */
  statuses: number[];
  /** The 2xx was a replay (Idempotent-Replayed): an earlier attempt had been applied. */
  replayed: boolean;
  /** Why it ended without a 2xx (a test failure). */
  failure?: string;
}

export interface LoadOptions {
  /** Incidents the advances go to (picked at random). */
  incidents: string[];
  /** The servers that run now (picked at random per attempt). */
  servers: () => string[];
  workers: number;
  /** Per request: longer than this is a hang. */
  deadlineMs: number;
  /** Give an advance up (as a failure) after retrying this long. */
  giveUpMs?: number;
  /** Called with every non-2xx answer, before the retry decision (e.g. to check 503 bodies). */
  onAnswer?: (answer: Answer, outcome: Outcome) => void;
  /** Pause between one worker's advances. */
  pauseMs?: number;
}

export interface Load {
  outcomes: Outcome[];
  hangs: string[];
  /** Stops sending new advances and resolves once every advance in flight has settled. */
  stop(): Promise<Outcome[]>;
}

const RETRYABLE = new Set([412, 503]);

/**
 * A steady stream of `evidence.collected` advances, each with its own Idempotency-Key. An attempt that
 * fails to connect, or that gets 412 (lost a race) or 503 (database away), is retried with the same key
 * and body on any running server until it gets its 2xx; anything else is recorded as a failure.
 */
export function startLoad(options: LoadOptions): Load {
  const outcomes: Outcome[] = [];
  const hangs: string[] = [];
  let stopping = false;
  const giveUpMs = options.giveUpMs ?? 90_000;

  async function settle(outcome: Outcome): Promise<void> {
    const started = Date.now();
    const event = evidenceEvent(outcome.key);
    for (;;) {
      if (Date.now() - started > giveUpMs) {
        outcome.failure = `no 2xx after ${outcome.attempts} attempts (${outcome.statuses.join(',')})`;
        return;
      }
      const servers = options.servers();
      if (servers.length === 0) {
        await sleep(50);
        continue;
      }
      const server = servers[Math.floor(Math.random() * servers.length)]!;
      outcome.attempts++;
      let answer: Answer;
      try {
        answer = await call(server, 'POST', `/v1/incidents/${outcome.incidentId}/events`, {
          body: event,
          headers: { 'idempotency-key': outcome.key },
          deadlineMs: options.deadlineMs,
        });
      } catch (error) {
        if (error instanceof HangError) hangs.push(error.message);
        else if (!(error instanceof NetworkError)) throw error;
        outcome.networkErrors++;
        await sleep(20 + Math.random() * 80);
        continue;
      }
      outcome.statuses.push(answer.status);
      if (answer.status >= 200 && answer.status < 300) {
        outcome.seq = answer.body?.event?.seq ?? null;
        outcome.replayed = answer.headers.get('idempotent-replayed') === 'true';
        if (outcome.seq === null) outcome.failure = `2xx without an event: ${answer.text.slice(0, 200)}`;
        return;
      }
      options.onAnswer?.(answer, outcome);
      if (!RETRYABLE.has(answer.status)) {
        outcome.failure = `${answer.status}: ${answer.text.slice(0, 300)}`;
        return;
      }
      await sleep(20 + Math.random() * (answer.status === 503 ? 200 : 40));
    }
  }

  async function worker(): Promise<void> {
    while (!stopping) {
      const key = randomUUID();
      const outcome: Outcome = {
        key,
        incidentId: options.incidents[Math.floor(Math.random() * options.incidents.length)]!,
        location: evidenceEvent(key).payload.location,
        seq: null,
        attempts: 0,
        networkErrors: 0,
        statuses: [],
        replayed: false,
      };
      outcomes.push(outcome);
      await settle(outcome);
      if (options.pauseMs) await sleep(options.pauseMs * (0.5 + Math.random()));
    }
  }

  const running = Array.from({ length: options.workers }, () => worker());
  return {
    outcomes,
    hangs,
    async stop() {
      stopping = true;
      await Promise.all(running);
      return outcomes;
    },
  };
}

export type Sql = postgres.Sql;

/** A direct connection to the database under test, for the checks. */
export const openSql = (url: string): Sql => postgres(url, { max: 2, onnotice: () => {} });

export interface LogProblems {
  /** Advances whose 2xx is not exactly one event with the key, seq, type and payload sent. */
  badAdvances: string[];
  /** Evidence events in the log that no advance sent (duplicates, phantoms). */
  extraEvents: number;
  /** Incidents whose version is not their last seq, or whose seqs are not 1..version. */
  badVersions: string[];
}

/**
 * Compares what the clients were told with what the log holds (the evidence events of `incidentIds`, by
 * default of every incident).
 */
export async function checkLog(sql: Sql, outcomes: Outcome[], incidentIds?: string[]): Promise<LogProblems> {
  const all = await sql<{ incident_id: string; seq: number; type: string; key: string; location: string }[]>`
    select incident_id, seq, type, idempotency_key as key, payload->>'location' as location
    from incident_events where source = 'api' and type = 'evidence.collected'`;
  // Stored keys are scoped to the principal that sent them (`<principal id>:<key>`); clients know the key.
  const rows = (incidentIds ? all.filter((row) => incidentIds.includes(row.incident_id)) : all).map(
    (row) => ({
      ...row,
      key: row.key.slice(row.key.indexOf(':') + 1),
    }),
  );
  const byKey = new Map<string, typeof rows>();
  for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  const badAdvances: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.seq === null) continue;
    const found = byKey.get(outcome.key) ?? [];
    const [row] = found;
    if (
      found.length !== 1 ||
      row!.incident_id !== outcome.incidentId ||
      row!.seq !== outcome.seq ||
      row!.location !== outcome.location
    ) {
      badAdvances.push(
        `${outcome.key}: answered seq ${outcome.seq} on ${outcome.incidentId}, log has ${JSON.stringify(found)}`,
      );
    }
  }
  const sentKeys = new Set(outcomes.map((outcome) => outcome.key));
  const extraEvents = rows.filter((row) => !sentKeys.has(row.key)).length + rows.length - byKey.size;
  const versions = await sql<{ id: string; version: number; max: number; n: number }[]>`
    select i.id, i.version, max(e.seq)::int as max, count(e.seq)::int as n
    from incidents i join incident_events e on e.incident_id = i.id group by i.id, i.version`;
  const badVersions = versions
    .filter((v) => v.version !== v.max || v.n !== v.max)
    .map((v) => `${v.id}: version ${v.version}, last seq ${v.max}, ${v.n} events`);
  return { badAdvances, extraEvents, badVersions };
}

/** Timer fires in the log, per incident: how often each (timer, due time) fired. */
/**
 * Timer events by incident, timer and due time, with how many times each was logged. `occurredAt` is the due
 * time unless an event logged earlier happened later (the log never goes back in time).
 */
export async function timerFires(
  sql: Sql,
): Promise<
  { incidentId: string; timer: string; dueAt: string; occurredAt: string; recordedAt: string; n: number }[]
> {
  const rows = await sql<
    { incident_id: string; timer: string; due_at: string; occurred_at: Date; recorded_at: Date; n: number }[]
  >`
    select incident_id, payload->>'timer' as timer, payload->>'dueAt' as due_at, min(occurred_at) as occurred_at,
      min(recorded_at) as recorded_at, count(*)::int as n
    from incident_events where source = 'timer' group by incident_id, payload->>'timer', payload->>'dueAt'`;
  return rows.map((row) => ({
    incidentId: row.incident_id,
    timer: row.timer,
    dueAt: new Date(row.due_at).toISOString(),
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    n: row.n,
  }));
}

/** Live timers already due (by the database's clock) `graceMs` ago that nobody fired. */
export async function overdueTimers(sql: Sql, graceMs: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from timers t join incidents i on i.id = t.incident_id
    where i.status = 'open' and t.live and t.due_at < now() - make_interval(secs => ${graceMs / 1000})`;
  return row!.n;
}

/**
 * Opens a ransom-demand incident through `server` whose declaration timer falls due at `dueAt`; `timerId` is
 * the timer as its fire names it (`payload.timer` of its `deadline.passed`).
 */
export async function openIncident(
  server: string,
  title: string,
  dueAt: number,
): Promise<{ id: string; timerId: string; dueAt: string }> {
  const created = await call(server, 'POST', '/v1/incidents', {
    body: { playbookId: 'ransom-demand', title, input: ransomInput(dueAt) },
  });
  if (created.status !== 201) throw new Error(`open ${title}: ${created.status} ${created.text}`);
  const timer = (created.body.timers as { id: string; dueAt: string }[]).find((t) =>
    t.id.includes('declarationOverdue'),
  );
  if (!timer) throw new Error(`open ${title}: no declaration timer in ${created.text}`);
  return { id: created.body.id, timerId: timer.id.split(':')[0]!, dueAt: timer.dueAt };
}
