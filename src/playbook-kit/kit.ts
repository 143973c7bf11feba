import { assign, enqueueActions, setup } from 'xstate';
import {
  anchorsOf,
  type ClockState,
  clockTimerId,
  fileClocks,
  markOverdue,
  type RecordedAnchors,
  startFromAnchors,
  type TrackedClock,
  type TrackedClocks,
  waiveClocks,
} from './clock-tracking';
import type { Actor, IncidentInput, StateMeta } from './define';
import type { BasicInput } from './input';
import { appendKept, type Omitted } from './kept-records';
import { msUntil } from './time';

/**
 * The machine kit the catalogue playbooks are built with: one context shape, one event shape, and the few
 * actions every track uses (record a fact, record a decision, record an escalation, capture evidence). PB-1
 * predates it and keeps its own typed context.
 */

/** Who did something, and when on the incident clock. */
export interface Stamp {
  by: string;
  byName: string;
  at: string;
}

/** The last payload of a client event, with who sent it and when. `count` says how often it happened. */
export interface Fact extends Stamp {
  payload: Payload;
  count: number;
}

/** A decision: the option chosen, the rationale, and what was known (the facts recorded so far). */
export interface Decision extends Stamp {
  id: string;
  event: string;
  option: string;
  rationale: string;
  knownFacts: string[];
}

/** A timer that fired before its step was done: timers escalate, they never complete a step. */
export interface Escalation {
  timer: string;
  label: string;
  dueAt: string;
  at: string;
}

export interface EvidenceItem extends Stamp {
  kind: string;
  sha256: string;
  location: string;
  note?: string;
}

/** An outbound message in the approval workflow (SM-COMMS). */
export interface Message {
  id: string;
  audience: string;
  stance: 'neutral' | 'factual' | 'denial';
  summary: string;
  factsReferenced: string[];
  state: 'draft' | 'approved' | 'sent';
  draftedBy: string;
  approvedBy: string | null;
  sentAt: string | null;
}

export type Payload = Record<string, unknown>;

export interface KitContext {
  playbook: string;
  title: string;
  severity: string;
  openedAt: string;
  /** The incident clock at the last event: delays count from here. */
  now: string;
  timeZone: string;
  jurisdictions: string[];
  country: string | null;
  input: BasicInput & Payload;
  facts: Record<string, Fact>;
  /** The newest decisions, and the newest of each id (see `appendKept`). */
  decisions: Decision[];
  /** The newest escalations, and the newest of each timer. */
  escalations: Escalation[];
  /** The newest evidence items, and the newest of each kind. */
  evidence: EvidenceItem[];
  messages: Record<string, Message>;
  clocks: TrackedClocks;
  /** The clock anchors recorded so far, each with its own time (SM-CLOCKS). */
  anchors: RecordedAnchors;
  /** How many older records `decisions`, `escalations` and `evidence` left out (absent until one did). */
  omitted?: Omitted;
}

/** Client events carry a payload; internal ones (`deadline.passed`, `clock.due`) carry their own fields. */
export interface KitEvent {
  type: string;
  payload?: Payload;
  at?: string;
  actor?: Actor;
  timer?: string;
  label?: string;
  dueAt?: string;
  clockId?: string;
}

export type KitInput = IncidentInput<BasicInput & Payload>;

export function openContext(playbook: string, { input, at, title, severity }: KitInput): KitContext {
  return {
    playbook,
    title,
    severity,
    openedAt: at,
    now: at,
    timeZone: input.timeZone,
    jurisdictions: [...input.jurisdictions],
    country: input.organisation.country ?? null,
    input,
    facts: {},
    decisions: [],
    escalations: [],
    evidence: [],
    messages: {},
    clocks: {},
    anchors: {},
  };
}

const stampOf = (event: KitEvent, fallbackAt: string): Stamp => ({
  by: event.actor?.id ?? 'system',
  byName: event.actor?.name ?? 'system',
  at: event.at ?? fallbackAt,
});

const byId = (decision: Decision) => decision.id;
const byTimer = (escalation: Escalation) => escalation.timer;
const byKind = (item: EvidenceItem) => item.kind;

/** The time an event's anchor happened: `anchor.recorded` may say it was earlier than the event. */
const anchorTime = (event: KitEvent, at: string): string =>
  typeof event.payload?.anchorAt === 'string' ? new Date(event.payload.anchorAt).toISOString() : at;

/** The kit context's side of SM-CLOCKS (see `startFromAnchors`). */
const clockState = (context: KitContext): ClockState => ({
  clocks: context.clocks,
  // Incidents opened before anchors were recorded have none.
  anchors: context.anchors ?? {},
  jurisdictions: context.jurisdictions,
  calendar: { timeZone: context.timeZone, country: context.country ?? undefined },
  improperPurpose: context.facts['breach.determined']?.payload.improperPurpose === true,
});

/** A started clock's `clock.due`, raised at its due time (at once when a late start finds it already due). */
const dueRaise = (clock: TrackedClock, at: string) =>
  [
    { type: 'clock.due', clockId: clock.id },
    { id: clockTimerId(clock.id), delay: Math.max(0, msUntil(clock.dueAt, at)) },
  ] as const;

const withClocks = (clocks: TrackedClocks, started: readonly TrackedClock[]): TrackedClocks => ({
  ...clocks,
  ...Object.fromEntries(started.map((clock) => [clock.id, clock])),
});

export const kit = setup({
  types: {
    context: {} as KitContext,
    events: {} as KitEvent,
    input: {} as KitInput,
    meta: {} as StateMeta,
  },
  actions: {
    /**
     * Moves the incident clock to the event's `at` and records a client event's payload as a fact, counted once
     * per event: when several tracks handle the same event, each transition runs `note`, but the later ones see
     * the fact already holding this very event's payload (the same object, within one transition) and leave it.
     */
    note: assign(({ context, event }) => {
      const now = event.at ?? context.now;
      if (!event.payload || !event.actor) return { now };
      const previous = context.facts[event.type];
      if (previous?.payload === event.payload) return { now };
      const fact: Fact = {
        ...stampOf(event, now),
        payload: event.payload,
        count: (previous?.count ?? 0) + 1,
      };
      return { now, facts: { ...context.facts, [event.type]: fact } };
    }),
    /** Records a decision event: option, rationale, who, when, and which facts were known. */
    decide: assign(({ context, event }, params: { id: string; option?: string; field?: string }) => {
      const payload = event.payload ?? {};
      const decision: Decision = {
        ...stampOf(event, context.now),
        id: params.id,
        event: event.type,
        option: params.option ?? String(payload[params.field ?? 'option'] ?? ''),
        rationale: String(payload.rationale ?? ''),
        knownFacts: Object.keys(context.facts).filter((type) => type !== event.type),
      };
      const { list, omitted } = appendKept('decisions', context.decisions, [decision], context.omitted, byId);
      return { decisions: list, omitted };
    }),
    recordEscalation: assign(({ context, event }) => {
      const escalation: Escalation = {
        timer: event.timer ?? 'unknown',
        label: event.label ?? '',
        dueAt: event.dueAt ?? context.now,
        at: event.at ?? context.now,
      };
      const { list, omitted } = appendKept(
        'escalations',
        context.escalations,
        [escalation],
        context.omitted,
        byTimer,
      );
      return { now: event.at ?? context.now, escalations: list, omitted };
    }),
    /** No-op on purpose: returned by `transition()` as data, so the engine logs or alerts on it. */
    escalate: (_, _params: { timer: string; label: string }) => {},
    draftMessage: assign(({ context, event }) => {
      const p = event.payload as Pick<Message, 'audience' | 'stance' | 'summary' | 'factsReferenced'> & {
        messageId: string;
      };
      const message: Message = {
        id: p.messageId,
        audience: p.audience,
        stance: p.stance,
        summary: p.summary,
        factsReferenced: p.factsReferenced,
        state: 'draft',
        draftedBy: event.actor?.id ?? 'system',
        approvedBy: null,
        sentAt: null,
      };
      return { messages: { ...context.messages, [message.id]: message } };
    }),
    approveMessage: assign(({ context, event }) => {
      const message = context.messages[String(event.payload?.messageId)]!;
      const approved: Message = { ...message, state: 'approved', approvedBy: event.actor?.id ?? 'system' };
      return { messages: { ...context.messages, [message.id]: approved } };
    }),
    sendMessage: assign(({ context, event }) => {
      const message = context.messages[String(event.payload?.messageId)]!;
      const sent: Message = { ...message, state: 'sent', sentAt: event.at ?? context.now };
      return { messages: { ...context.messages, [message.id]: sent } };
    }),
    /** SM-CLOCKS: records the anchors an event found and starts the clocks they open (one delayed `clock.due` each). */
    startClocks: enqueueActions(({ context, event, enqueue }) => {
      const at = event.at ?? context.now;
      const found = anchorsOf(event.type, event.payload);
      const { anchors, started } = startFromAnchors(
        clockState(context),
        found,
        anchorTime(event, at),
        event.type,
      );
      for (const clock of started) enqueue.raise(...dueRaise(clock, at));
      enqueue.assign({ anchors, clocks: withClocks(context.clocks, started) });
    }),
    /**
     * SM-CLOCKS: a filing meets the open clocks it names (`params.clockIds` for a playbook's own filing event, or
     * the `clockIds` of a `regulator.reported` payload); late from the due instant on (see `filingIsLate`). Their
     * timers are cancelled.
     */
    fileClocks: enqueueActions(
      ({ context, event, enqueue }, params: { clockIds?: readonly string[] } | undefined) => {
        const clockIds = params?.clockIds ?? (event.payload?.clockIds as string[] | undefined) ?? [];
        const { clocks, filed } = fileClocks(context.clocks, { clockIds }, event.at ?? context.now);
        for (const id of filed) enqueue.cancel(clockTimerId(id));
        enqueue.assign({ clocks });
      },
    ),
    /** SM-CLOCKS: `regulator.not_required` marks the regime's open clocks `not_required` and cancels their timers. */
    waiveClocks: enqueueActions(({ context, event, enqueue }) => {
      const { clocks, waived } = waiveClocks(context.clocks, String(event.payload?.regime));
      for (const id of waived) enqueue.cancel(clockTimerId(id));
      enqueue.assign({ clocks });
    }),
    markClockOverdue: assign(({ context, event }) => ({
      clocks: markOverdue(context.clocks, event.clockId ?? ''),
    })),
    captureEvidence: assign(({ context, event }) => {
      const payload = event.payload as { kind: string; sha256: string; location: string; note?: string };
      const item = { ...stampOf(event, context.now), ...payload };
      const { list, omitted } = appendKept('evidence', context.evidence, [item], context.omitted, byKind);
      return { evidence: list, omitted };
    }),
    /** SM-EVIDENCE for an event that preserves several items at once (`payload.items`, e.g. a baseline). */
    captureEvidenceItems: assign(({ context, event }) => {
      const items = (event.payload?.items ?? []) as { kind: string; sha256: string; location: string }[];
      const stamp = stampOf(event, context.now);
      const added = items.map((item) => ({ ...stamp, ...item }));
      const { list, omitted } = appendKept('evidence', context.evidence, added, context.omitted, byKind);
      return { evidence: list, omitted };
    }),
    /**
     * Jurisdictions found after opening (a legal profile, `payload.jurisdictions`) join the incident's, and their
     * clocks start from the anchors already recorded, at those anchors' times (overdue at once if already due).
     */
    addJurisdictions: enqueueActions(({ context, event, enqueue }) => {
      const found = (event.payload?.jurisdictions ?? []) as string[];
      const jurisdictions = [...new Set([...context.jurisdictions, ...found])];
      const at = event.at ?? context.now;
      const { started } = startFromAnchors({ ...clockState(context), jurisdictions }, [], at, event.type);
      for (const clock of started) enqueue.raise(...dueRaise(clock, at));
      enqueue.assign({ jurisdictions, clocks: withClocks(context.clocks, started) });
    }),
  },
});

/** A state node config of a kit machine. */
export type KitStateConfig = Parameters<typeof kit.createStateConfig>[0];
/** A guard a kit transition may use (build one from a predicate with `guard`). */
export type KitGuard = NonNullable<KitTransition['guard']>;
/** A kit action a transition may name, with its params, e.g. `{ type: 'fileClocks', params: { clockIds } }`. */
export type KitAction = Extract<Single<NonNullable<KitTransition['actions']>>, { type: string }>;
type Single<T> = T extends readonly (infer One)[] ? One : T;
type KitTransition = Exclude<
  NonNullable<NonNullable<KitStateConfig['on']>[string]>,
  string | readonly unknown[] | undefined
>;
