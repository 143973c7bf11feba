import type { AnyMachineSnapshot } from 'xstate';
import {
  type Actor,
  type ClientEventDef,
  contextFacts,
  hasOverdueClock,
  type PlaybookDefinition,
  type Severity,
  severities,
} from '../playbook-kit';
import { listIssues, Refusal } from './errors';
import { GENESIS_HASH, hashEvent } from './hash-chain';
import { checkInstantsIn } from './instants';
import { checkPayloadSize, checkStateSize, defaultIncidentLimits, type IncidentLimits } from './limits';
import {
  acceptsEvent,
  allowedEvents,
  openSnapshot,
  type PendingTimer,
  persistSnapshot,
  restoreSnapshot,
  type StepResult,
  step,
  timerKey,
  timerLabel,
} from './machine-runtime';
import { nextOverdueItems } from './overdue';
import { mayActAs } from './policy';
import { isReminder, reminderEventType, reminderOf } from './reminders';
import type {
  EventRecord,
  EventSource,
  IncidentMode,
  IncidentRow,
  IncidentWrite,
  TimerFiring,
  TimerRow,
} from './types';

/**
 * The pure heart of the engine: what opening an incident, deciding on an event and firing due timers
 * write, computed from the definition, the stored row and the time, with no I/O. The use cases
 * (`incidents.ts`) load, commit and retry; everything that decides lives here, and every write goes
 * through `nextRow`.
 */

/** A custom action a transition asked for (e.g. `escalate`), as data, with the incident-clock time it came at. */
export interface Effect {
  type: string;
  params?: unknown;
  at: string;
}

/** The facts of an event the kernel seals into the chain (everything but seq, hashes and the incident). */
type EventFacts = Omit<EventRecord, 'incidentId' | 'seq' | 'stateAfter' | 'prevHash' | 'hash'>;

/**
 * The row and the sealed event after one transition of `row`: version and hash chain advanced, state,
 * snapshot and status from the machine, overdue items carried forward (`fired`: the timer this step fired).
 */
function nextRow(
  definition: PlaybookDefinition,
  row: IncidentRow,
  result: StepResult,
  facts: EventFacts,
  fired?: PendingTimer,
): { incident: IncidentRow; event: EventRecord } {
  const seq = row.version + 1;
  const closed = result.snapshot.status === 'done';
  // The log never goes back in time: a timer fired after a later event was recorded is logged at that
  // event's time (its payload keeps its due time).
  const occurredAt = notBefore(facts.occurredAt, row.lastOccurredAt);
  const event = sealEvent({
    ...facts,
    occurredAt,
    incidentId: row.id,
    seq,
    stateAfter: result.snapshot.value,
    prevHash: row.headHash,
  });
  const items = closed
    ? []
    : nextOverdueItems(definition, row.overdueItems, result.snapshot, result.timers, fired);
  const incident: IncidentRow = {
    ...row,
    status: closed ? 'closed' : 'open',
    overdue:
      items.length > 0 ||
      (!closed && hasOverdueClock(contextFacts(definition, result.snapshot.context).clocks)),
    overdueItems: items,
    state: result.snapshot.value,
    snapshot: persistSnapshot(definition, result.snapshot),
    version: seq,
    headHash: event.hash,
    updatedAt: facts.recordedAt,
    closedAt: closed ? occurredAt : null,
    lastOccurredAt: occurredAt,
  };
  return { incident, event };
}

export interface OpenCommand {
  id: string;
  title: string;
  severity?: string;
  input: unknown;
  actor: Actor;
  mode: IncidentMode;
  exerciseId: string | null;
  /** The incident clock at opening: the wall clock, or an exercise's start. */
  at: string;
  recordedAt: string;
}

/** The first write of an incident: its row at version 1, the `incident.opened` event and its first timers. */
export function open(
  definition: PlaybookDefinition,
  command: OpenCommand,
  limits: IncidentLimits = defaultIncidentLimits,
): IncidentWrite & { effects: Effect[] } {
  checkPayloadSize(command.input, 'input', limits);
  const input = parseOrThrow(definition.inputSchema, command.input ?? {}, 'input');
  checkInstantsIn(definition.inputSchema, input, 'input', new Date(command.recordedAt));
  const severity = command.severity ?? definition.defaultSeverity(input);
  if (!(severities as readonly string[]).includes(severity)) {
    throw new Refusal('invalid_request', `severity must be one of ${severities.join(', ')}`);
  }
  const { id, at, recordedAt } = command;
  const result = openSnapshot(definition, {
    input,
    at,
    actor: command.actor,
    title: command.title,
    severity: severity as Severity,
  });
  const before: IncidentRow = {
    id,
    playbookId: definition.id,
    playbookVersion: definition.version,
    title: command.title,
    severity,
    mode: command.mode,
    exerciseId: command.exerciseId,
    status: 'open',
    overdue: false,
    overdueItems: [],
    state: null,
    snapshot: null,
    version: 0,
    changeSeq: 0,
    headHash: GENESIS_HASH,
    clockNow: command.mode === 'exercise' ? at : null,
    lastOccurredAt: null,
    createdAt: recordedAt,
    updatedAt: recordedAt,
    closedAt: null,
  };
  const { incident, event } = nextRow(definition, before, result, {
    type: 'incident.opened',
    payload: { title: command.title, severity, input },
    actor: command.actor.name,
    actorId: command.actor.id,
    source: 'api',
    occurredAt: at,
    recordedAt,
    note: null,
    idempotencyKey: null,
    requestHash: null,
  });
  checkStateSize(incident.snapshot, limits);
  return {
    incident,
    event,
    timersToAdd: timerRows(id, result.timers.add),
    timerIdsToRemove: [],
    effects: result.effects.map((effect) => ({ ...effect, at })),
  };
}

export interface DecideCommand {
  type: string;
  payload?: unknown;
  note?: string | null;
  /** When it really happened (ISO 8601), if earlier than now; see `occurredAtOf`. */
  occurredAt?: string;
  actor: Actor;
  source?: EventSource;
  idempotencyKey?: string;
  /** The hash of the request, kept with an Idempotency-Key to tell a repeat from a different request. */
  requestHash: string;
}

export interface Decision {
  write: IncidentWrite;
  /** The machine snapshot the event leads to (views and simulations read it without restoring it). */
  result: StepResult;
}

/**
 * Whether the incident accepts the event now, and what accepting it writes; a refusal is an `Refusal`
 * (closed, unknown event, role, payload, time, no owning step takes it, or the incident would outgrow
 * `limits`). `now`: the incident's clock.
 */
export function decide(
  definition: PlaybookDefinition,
  row: IncidentRow,
  command: DecideCommand,
  now: string,
  recordedAt: string,
  limits: IncidentLimits = defaultIncidentLimits,
): Decision {
  if (row.status === 'closed') {
    throw new Refusal('incident_closed', `incident ${row.id} is closed; it accepts no more events`);
  }
  const clientEvent = definition.events.find((event) => event.type === command.type);
  if (!clientEvent) {
    throw new Refusal(
      'invalid_request',
      `playbook ${definition.id}@${definition.version} has no client event "${command.type}"`,
      { events: definition.events.map((event) => event.type) },
    );
  }
  if (!mayActAs(command.actor.roles, clientEvent.roles)) {
    throw new Refusal(
      'forbidden',
      `"${command.type}" needs one of the roles: ${clientEvent.roles.join(', ')}`,
      {
        roles: clientEvent.roles,
      },
    );
  }
  checkPayloadSize(command.payload, 'payload', limits);
  const payload = parseOrThrow(clientEvent.payload, command.payload ?? {}, 'payload');
  checkInstantsIn(clientEvent.payload, payload, 'payload', new Date(recordedAt));
  const snapshot = restoreSnapshot(definition, row.snapshot);
  const at = occurredAtOf(definition, row, snapshot, now, command.occurredAt);
  const machineEvent = { type: command.type, payload, at, actor: command.actor };
  if (!acceptsEvent(definition, snapshot, clientEvent, machineEvent)) {
    // The same event from someone else would do: a two-person rule stopped it, and the refusal says so. The same
    // filing with a delay reason would do: it is late for a clock it meets (SM-CLOCKS), and the refusal says so.
    const anotherPerson = { ...machineEvent, actor: { ...command.actor, id: 'holdfast:another-principal' } };
    const explained = {
      ...machineEvent,
      payload: { delayReason: 'explained', ...(payload as Record<string, unknown>) },
    };
    const why = acceptsEvent(definition, snapshot, clientEvent, anotherPerson)
      ? `"${command.type}" needs a second person: ${command.actor.name} took the step it follows, and one person may not take both.`
      : typeof payload === 'object' && acceptsEvent(definition, snapshot, clientEvent, explained)
        ? `"${command.type}" is late for a clock it meets: give the reason for the delay in \`delayReason\`.`
        : `"${command.type}" is not accepted in the incident's current state (${JSON.stringify(snapshot.value)}).`;
    throw new Refusal('event_not_allowed', `${why} ${clientEvent.description}`, {
      allowedEvents: allowedEvents(definition, snapshot, command.actor.roles, at),
    });
  }
  const result = step(definition, snapshot, machineEvent);
  const { incident, event } = nextRow(definition, row, result, {
    type: command.type,
    payload,
    actor: command.actor.name,
    actorId: command.actor.id,
    source: command.source ?? 'api',
    occurredAt: at,
    recordedAt,
    note: command.note ?? null,
    idempotencyKey: command.idempotencyKey ?? null,
    requestHash: command.idempotencyKey ? command.requestHash : null,
  });
  checkStateSize(incident.snapshot, limits);
  return {
    write: {
      incident,
      event,
      timersToAdd: timerRows(row.id, result.timers.add),
      timerIdsToRemove: result.timers.remove,
    },
    result,
  };
}

/** Facts the log keeps that no playbook reacts to. */
export const logOnlyEventTypes = ['exercise.inject_delivered'] as const;
export type LogOnlyEventType = (typeof logOnlyEventTypes)[number];

export interface RecordCommand {
  type: LogOnlyEventType;
  payload: Record<string, unknown>;
  actor: Actor;
  source: EventSource;
  idempotencyKey?: string;
  requestHash: string;
}

/**
 * What recording a fact writes: one event, with the machine, its timers, status and overdue items as they
 * were. Only exercise incidents take these, and also once closed: an exercise goes on to its end.
 */
export function record(
  row: IncidentRow,
  command: RecordCommand,
  now: string,
  recordedAt: string,
): IncidentWrite {
  if (row.mode !== 'exercise') {
    throw new Refusal('invalid_request', `"${command.type}" is recorded on exercise incidents only`);
  }
  return {
    ...appendFact(row, {
      type: command.type,
      payload: command.payload,
      actor: command.actor.name,
      actorId: command.actor.id,
      source: command.source,
      occurredAt: now,
      recordedAt,
      note: null,
      idempotencyKey: command.idempotencyKey ?? null,
      requestHash: command.idempotencyKey ? command.requestHash : null,
    }),
    timersToAdd: [],
    timerIdsToRemove: [],
  };
}

/** Appends an event that leaves the machine, its timers, status and overdue items as they were. */
function appendFact(row: IncidentRow, facts: EventFacts): { incident: IncidentRow; event: EventRecord } {
  const occurredAt = notBefore(facts.occurredAt, row.lastOccurredAt);
  const event = sealEvent({
    ...facts,
    occurredAt,
    incidentId: row.id,
    seq: row.version + 1,
    stateAfter: row.state,
    prevHash: row.headHash,
  });
  return {
    incident: {
      ...row,
      version: event.seq,
      headHash: event.hash,
      updatedAt: facts.recordedAt,
      lastOccurredAt: occurredAt,
    },
    event,
  };
}

/**
 * A reminder's `deadline.reminder` event, or null when it has nothing left to say: its deadline was cancelled
 * or armed again in this batch, or falls due by the horizon too (after downtime), and then its own event says so.
 */
function remind(
  row: IncidentRow,
  timer: TimerRow,
  fate: ReadonlyMap<string, TimerRow | null>,
  horizon: string,
  recordedAt: string,
): { incident: IncidentRow; event: EventRecord } | null {
  const { timer: deadlineId, before, dueAt } = reminderOf(timer);
  const deadline = fate.get(deadlineId);
  if (row.status === 'closed') return null;
  if (deadline === null || (deadline && deadline.dueAt !== dueAt) || dueAt <= horizon) return null;
  return appendFact(row, {
    type: reminderEventType,
    payload: { timer: timerKey(deadlineId), label: timer.label, dueAt, before },
    actor: timerActor.name,
    actorId: timerActor.id,
    source: 'timer',
    occurredAt: timer.dueAt,
    recordedAt,
    note: `${timer.label}: due in ${before}`,
    idempotencyKey: null,
    requestHash: null,
  });
}

/** The actor of every timer fire. */
export const timerActor: Actor = { id: 'holdfast:timer', name: 'timer', roles: [] };

/** A runaway playbook (a zero-delay timer re-arming itself) stops here instead of looping forever. */
const MAX_FIRES_PER_BATCH = 10_000;

const byDueAt = (a: TimerRow, b: TimerRow) =>
  a.dueAt.localeCompare(b.dueAt) || a.timerId.localeCompare(b.timerId);

/**
 * Fires the timers due by `horizon` on an incident in due_at order, each as an event at its own due
 * time (the incident's clock at that moment), including timers that those fires schedule before the
 * horizon. A timer the machine no longer accepts, or one cancelled by an earlier fire, is dropped
 * without a transition. It takes `maxFires` timers at most; when timers due by the horizon remain,
 * `stoppedAt` is the due time of the last one taken (the incident's clock may stand there), else null.
 */
export function fire(
  definition: PlaybookDefinition,
  incident: IncidentRow,
  due: TimerRow[],
  horizon: string,
  recordedAt: string,
  maxFires = MAX_FIRES_PER_BATCH,
): TimerFiring & { effects: Effect[]; stoppedAt: string | null } {
  let snapshot = restoreSnapshot(definition, incident.snapshot);
  let current = incident;
  const events: EventRecord[] = [];
  const effects: Effect[] = [];
  /** Final fate of each touched timer id: a row to (re)write, or null to delete. */
  const fate = new Map<string, TimerRow | null>();
  const cancelled = new Set<string>();

  const queue = [...due].sort(byDueAt);
  let taken: TimerRow | null = null;
  for (let fires = 0; queue.length > 0 && fires < maxFires; fires++) {
    const timer = queue.shift()!;
    taken = timer;
    if (cancelled.has(timer.timerId)) continue;
    fate.set(timer.timerId, null);
    if (isReminder(timer)) {
      const next = remind(current, timer, fate, horizon, recordedAt);
      if (next) {
        events.push(next.event);
        current = next.incident;
      }
      continue;
    }
    const event = { payload: {}, ...timer.event, at: timer.dueAt, actor: timerActor };
    if (snapshot.status !== 'active' || !snapshot.can(event)) continue;
    const result = step(definition, snapshot, event);
    snapshot = result.snapshot;
    effects.push(...result.effects.map((effect) => ({ ...effect, at: timer.dueAt })));
    for (const id of result.timers.remove) {
      fate.set(id, null);
      cancelled.add(id);
    }
    for (const added of result.timers.add) {
      const row = { incidentId: incident.id, ...added };
      fate.set(added.timerId, row);
      cancelled.delete(added.timerId);
      const queued = queue.findIndex((t) => t.timerId === added.timerId);
      if (queued >= 0) queue.splice(queued, 1);
      if (row.dueAt <= horizon) {
        queue.push(row);
        queue.sort(byDueAt);
      }
    }
    const next = nextRow(
      definition,
      current,
      result,
      {
        type: timerEventType(timer),
        payload: timerEventPayload(definition, timer),
        actor: timerActor.name,
        actorId: timerActor.id,
        source: 'timer',
        occurredAt: timer.dueAt,
        recordedAt,
        note: timer.label,
        idempotencyKey: null,
        requestHash: null,
      },
      timer,
    );
    events.push(next.event);
    current = next.incident;
  }
  return {
    incident: current,
    events,
    effects,
    timersToAdd: [...fate.values()].filter((row): row is TimerRow => row !== null),
    timerIdsToRemove: [...fate.entries()].filter(([, row]) => row === null).map(([id]) => id),
    stoppedAt: queue.length > 0 && taken ? taken.dueAt : null,
  };
}

/**
 * What a timer's event is called in the log, the streams and reports: its own type, except XState's
 * `xstate.after.<delay>.<state>`, which is a `deadline.passed` like the kit's deadlines.
 */
export function timerEventType(timer: Pick<TimerRow, 'event'>): string {
  return timer.event.type.startsWith('xstate.') ? 'deadline.passed' : timer.event.type;
}

/** A timer event's payload: which timer, its label and when it was due (also when it fired late). */
function timerEventPayload(definition: PlaybookDefinition, timer: TimerRow) {
  const { type: _type, ...fields } = timer.event;
  return {
    ...fields,
    timer: timerKey(timer.timerId),
    label: timerLabel(definition, timer.timerId),
    dueAt: timer.dueAt,
  };
}

/** How far ahead of the incident's clock a client's `occurredAt` may be: clocks of two hosts disagree a little. */
export const OCCURRED_AT_SKEW_MS = 60_000;

/**
 * The incident-clock time an event happened: now, or the client's `occurredAt` when it names an earlier moment
 * (a step done before it was typed in), so that clocks and deadlines count from when it really happened. Not
 * before the incident was opened (on its own clock), not before the latest event in its log (the history is in
 * the order things happened), not more than the skew ahead of now.
 */
function occurredAtOf(
  definition: PlaybookDefinition,
  row: IncidentRow,
  snapshot: AnyMachineSnapshot,
  now: string,
  claimed?: string,
): string {
  if (claimed === undefined) return notBefore(now, row.lastOccurredAt);
  const at = Date.parse(claimed);
  if (Number.isNaN(at)) throw new Refusal('invalid_request', `occurredAt "${claimed}" is not a time`);
  const opened = openedAtOf(definition, row, snapshot);
  if (at < Date.parse(opened)) {
    throw new Refusal(
      'invalid_request',
      `occurredAt ${claimed} is before the incident was opened (${opened})`,
      {
        openedAt: opened,
      },
    );
  }
  if (row.lastOccurredAt && at < Date.parse(row.lastOccurredAt)) {
    throw new Refusal(
      'invalid_request',
      `occurredAt ${claimed} is before the latest event of the incident (seq ${row.version}, at ${row.lastOccurredAt}): its history is kept in the order things happened; record the step now and say when it happened in its note`,
      { latestOccurredAt: row.lastOccurredAt, latestSeq: row.version },
    );
  }
  if (at > Date.parse(now) + OCCURRED_AT_SKEW_MS) {
    throw new Refusal(
      'invalid_request',
      `occurredAt ${claimed} is in the future: the incident's clock is at ${now} (60 s of skew allowed)`,
      { now },
    );
  }
  return new Date(Math.min(at, Date.parse(now))).toISOString();
}

/** The later of two ISO 8601 times (`floor` may be absent). */
const notBefore = (at: string, floor: string | null): string =>
  floor !== null && Date.parse(at) < Date.parse(floor) ? floor : at;

/** When the incident was opened on its own clock: the playbook context's `openedAt`, else the row's creation. */
function openedAtOf(definition: PlaybookDefinition, row: IncidentRow, snapshot: AnyMachineSnapshot): string {
  return contextFacts(definition, snapshot.context).openedAt ?? row.createdAt;
}

function sealEvent(facts: Omit<EventRecord, 'hash'>): EventRecord {
  return { ...facts, hash: hashEvent(facts) };
}

function timerRows(incidentId: string, timers: PendingTimer[]): TimerRow[] {
  return timers.map((timer) => ({ incidentId, ...timer }));
}

/** Validates with a playbook's zod schema (input or payload) and returns the parsed value. */
export function parseOrThrow(schema: ClientEventDef['payload'], value: unknown, what: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { errors, errorCount, summary } = listIssues(what, parsed.error.issues);
  throw new Refusal('invalid_request', `${what} is invalid: ${summary}`, { errors, errorCount });
}
