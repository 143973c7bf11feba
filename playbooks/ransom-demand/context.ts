import type { Actor, IncidentInput, Omitted, RecordedAnchors, TrackedClocks } from '../../src/playbook-kit';
import { addMs, appendKept, clockIsOpen, eventTime, hours } from '../../src/playbook-kit';
import type { ClientEvent, PayloadOf } from './events';
import type { RansomDemandInput } from './input';

/** Internal events: raised by the machine itself, never accepted from clients. */
export type InternalEvent =
  /** TM-COM1: raised with a 12 h delay (id `customerNoticeDue`) when the site goes offline. */
  | { type: 'customer_notice.overdue'; dueAt: string; at?: string; actor?: Actor }
  /** Raised by the recovery track when the monitoring window closes (RC.RP-06), so the review track starts. */
  | { type: 'recovery.completed'; at: string; actor?: Actor }
  /** A notification clock's due time (delayed raise, id `clock:<clockId>`; SM-CLOCKS). */
  | { type: 'clock.due'; clockId: string; at?: string; actor?: Actor };

export type RansomDemandEvent = ClientEvent | InternalEvent;
export type MachineInput = IncidentInput<RansomDemandInput>;

/** Who did something, and when on the incident clock. */
export interface Stamp {
  by: string;
  at: string;
}

export type EscalationKind =
  | 'declaration_overdue'
  | 'sitrep_due'
  | 'containment_decision_overdue'
  | 'vendor_not_engaged'
  | 'breach_determination_pending'
  | 'customer_notice_overdue'
  | 'update_due'
  | 'le_report_overdue'
  | 'regulator_report_overdue'
  | 'payment_deadline_warning_24h'
  | 'payment_deadline_warning_12h'
  | 'payment_deadline_warning_1h'
  | 'payment_deadline_reached'
  | 'payment_report_overdue'
  | 'leak_detected'
  | 'review_overdue';

/** What a timer (or a leak) escalates: the `escalate` action carries the same fields as data for the engine. */
export interface EscalationParams {
  kind: EscalationKind;
  /** The PB-1 timer id (TM-…) or rule it comes from. */
  timer: string;
  /** When it was due, computed from the anchor in context. */
  dueAt: string;
  note?: string;
}
export interface Escalation extends EscalationParams {
  /** Incident-clock time it was recorded (the timer event's `at`). */
  at: string;
}

/** PB-1 decisions D0–D8 (plus declaration and gate override): option, rationale, who, when, and what scope was known. */
export interface DecisionRecord extends Stamp {
  id:
    | 'declare'
    | 'D0'
    | 'D1'
    | 'D2'
    | 'D3'
    | 'D4'
    | 'D5'
    | 'D6'
    | 'D7'
    | 'D8'
    | 'gate_override'
    | 'pay_request';
  option: string;
  rationale: string;
  knownScope: ScopeEstimate | null;
}

export type ScopeEstimate = PayloadOf<'scope.estimated'> & Stamp;
export type EvidenceItem = { kind: string; sha256: string; location: string; note?: string } & Stamp;

export interface RansomDemandContext {
  title: string;
  severity: string;
  openedAt: string;
  openedBy: string;
  demand: RansomDemandInput['demand'];
  organisation: RansomDemandInput['organisation'];
  jurisdictions: string[];
  dataCategories: RansomDemandInput['dataCategories'];
  timeZone: string;
  /** SM-CLOCKS: notification clocks started by the anchor events, by clock id. */
  clocks: TrackedClocks;
  /** SM-CLOCKS: the clock anchors recorded so far, each with its own time. */
  anchors: RecordedAnchors;
  // ── anchors (PB-1 "Anchors"), ISO UTC ──
  /** T_demand. */
  demandAt: string;
  /** T_deadline = T_demand + window. */
  deadline: string;
  declaredAt: string | null;
  /** T_offline. */
  offlineAt: string | null;
  /** T_determined (PIPEDA, US states, breach-record retention). */
  determinedAt: string | null;
  /** PIPEDA s.10.3 / BSSR s.6: keep the breach record until T_determined + 24 months. */
  breachRecordRetainUntil: string | null;
  /** T_payment. */
  paidAt: string | null;
  /** T_online. */
  onlineAt: string | null;
  recoveryCompletedAt: string | null;
  // ── logs: the newest records of each list (see `appendKept`); the event log has them all ──
  /** How many older records each list left out, by its path (absent until one did). */
  omitted?: Omitted;
  escalations: Escalation[];
  decisions: DecisionRecord[];
  command: {
    triageStartedAt: string | null;
    sitrepFrom: string | null;
    sitreps: ({ summary: string } & Stamp)[];
  };
  claim: ({ assessment: PayloadOf<'claim.assessed'>['assessment']; rationale: string } & Stamp) | null;
  containment: {
    site:
      | ({ decision: 'offline' | 'online'; scope?: 'full' | 'restricted'; monitoring?: string } & Stamp)
      | null;
    baseline: EvidenceItem[];
    baselineCapturedAt: string | null;
    gateOverride: ({ rationale: string } & Stamp) | null;
    credentials: (Omit<PayloadOf<'credentials.revoked'>, 'rationale'> & Stamp) | null;
    vendor: ({ engaged: boolean; vendor?: string; scope?: string } & Stamp) | null;
    eradication: ({ summary: string } & Stamp) | null;
    verification: (PayloadOf<'eradication.verified'> & Stamp) | null;
  };
  investigation: {
    demandPreserved: (PayloadOf<'evidence.demand_preserved'> & Stamp) | null;
    evidence: EvidenceItem[];
    scope: ScopeEstimate[];
    finding: PayloadOf<'breach.determined'>['finding'] | null;
    rootCause: (PayloadOf<'root_cause.identified'> & Stamp) | null;
    reportRef: string | null;
  };
  communications: {
    statements: ({ text: string } & Stamp)[];
    notices: (PayloadOf<'customers.notified'> & Stamp)[];
    updates: (PayloadOf<'update.published'> & Stamp)[];
    individualNotices: (PayloadOf<'individuals.notified'> & Stamp)[];
    updateFrom: string | null;
    finalStatement: (PayloadOf<'statement.final_published'> & Stamp) | null;
  };
  legal: {
    profile: (PayloadOf<'jurisdictions.profiled'> & Stamp) | null;
    assessments: PayloadOf<'regulatory.assessed'>['assessments'];
    assessedAt: string | null;
    requiredRegimes: string[];
    reports: (PayloadOf<'regulator.reported'> & Stamp)[];
    organisationNotices: (PayloadOf<'organisations.notified'> & Stamp)[];
    police: (PayloadOf<'police.reported'> & Stamp) | null;
    breachRecord: ({ location: string } & Stamp) | null;
    insurer: ({ notified: boolean; insurer?: string; policyRef?: string; rationale?: string } & Stamp) | null;
  };
  payment: {
    inputs: (PayloadOf<'payment.inputs_recorded'> & Stamp) | null;
    /** Actor id of whoever asked to pay (two-person rule). */
    requestedBy: string | null;
    requestedAt: string | null;
    legalSignOff: ({ rationale: string } & Stamp) | null;
    decision: PayloadOf<'payment.decided'>['option'] | null;
    /** The deadline passed with no decision: de facto refusal. */
    lapsed: boolean;
    actorContact: PayloadOf<'actor_contact.decided'>['option'] | null;
    leaks: (PayloadOf<'leak.detected'> & Stamp)[];
    execution: (PayloadOf<'payment.executed'> & Stamp) | null;
    report: (PayloadOf<'payment.reported'> & Stamp) | null;
  };
  recovery: {
    rebuild: Stamp | null;
    restore: (PayloadOf<'restore.completed'> & Stamp) | null;
    credentialsReissued: Stamp | null;
    validation: ({ summary: string } & Stamp) | null;
  };
  review: {
    held: (PayloadOf<'review.held'> & Stamp) | null;
    improvementsTracked: ({ summary: string } & Stamp) | null;
    /** Version 2: the tabletop rehearsal of the improved playbook. */
    rehearsal?: PayloadOf<'rehearsal.scheduled'> & Stamp;
  };
}

/** The machine's starting context, from the validated input and the opening request. */
export function initialContext({ input, at, actor, title, severity }: MachineInput): RansomDemandContext {
  const demandAt = addMs(input.demand.receivedAt, 0);
  return {
    title,
    severity,
    openedAt: addMs(at, 0),
    openedBy: actor.id,
    demand: input.demand,
    organisation: input.organisation,
    jurisdictions: input.jurisdictions,
    dataCategories: input.dataCategories,
    timeZone: input.timeZone,
    clocks: {},
    anchors: {},
    demandAt,
    deadline: addMs(demandAt, hours(input.demand.windowHours)),
    declaredAt: null,
    offlineAt: null,
    determinedAt: null,
    breachRecordRetainUntil: null,
    paidAt: null,
    onlineAt: null,
    recoveryCompletedAt: null,
    escalations: [],
    decisions: [],
    command: { triageStartedAt: null, sitrepFrom: null, sitreps: [] },
    claim: null,
    containment: {
      site: null,
      baseline: [],
      baselineCapturedAt: null,
      gateOverride: null,
      credentials: null,
      vendor: null,
      eradication: null,
      verification: null,
    },
    investigation: {
      demandPreserved: null,
      evidence: [],
      scope: [],
      finding: null,
      rootCause: null,
      reportRef: null,
    },
    communications: {
      statements: [],
      notices: [],
      updates: [],
      individualNotices: [],
      updateFrom: null,
      finalStatement: null,
    },
    legal: {
      profile: null,
      assessments: [],
      assessedAt: null,
      requiredRegimes: [],
      reports: [],
      organisationNotices: [],
      police: null,
      breachRecord: null,
      insurer: null,
    },
    payment: {
      inputs: null,
      requestedBy: null,
      requestedAt: null,
      legalSignOff: null,
      decision: null,
      lapsed: false,
      actorContact: null,
      leaks: [],
      execution: null,
      report: null,
    },
    recovery: { rebuild: null, restore: null, credentialsReissued: null, validation: null },
    review: { held: null, improvementsTracked: null },
  };
}

/**
 * The incident-clock time of any event the machine sees: `at` on client and timer events, `input.at` on
 * `xstate.init`. Machine-generated events (`xstate.done.state.*`) carry none, hence the fallback anchor.
 */
export function clock(event: unknown, fallback: string): string {
  const e = event as { at?: unknown; input?: { at?: unknown } } | null | undefined;
  if (e && (typeof e.at === 'string' || typeof e.input?.at === 'string')) return eventTime(e);
  return fallback;
}

/** `{ by, at }` of a client event. */
export const stamp = (event: { actor: Actor; at: string }): Stamp => ({ by: event.actor.id, at: event.at });

/** A decision record with the scope known at the time (PB-1 §5.0 "Decisions"), added to the decision log. */
export function decision(
  context: RansomDemandContext,
  id: DecisionRecord['id'],
  option: string,
  rationale: string,
  event: { actor: Actor; at: string },
): Pick<RansomDemandContext, 'decisions' | 'omitted'> {
  const knownScope = context.investigation.scope.at(-1) ?? null;
  const record = { id, option, rationale, knownScope, ...stamp(event) };
  const { list, omitted } = appendKept(
    'decisions',
    context.decisions,
    [record],
    context.omitted,
    (d) => d.id,
  );
  return { decisions: list, omitted };
}

const norm = (regime: string) => regime.trim().toUpperCase();

/**
 * Required regimes not yet reported, or reported with a clock still open (LEG-2). A filing meets only the clocks
 * it names, so PIPEDA's report to the Commissioner leaves its notices to individuals and to organisations open:
 * the filings step waits for them, since it is the only step that takes `regulator.reported`.
 */
export function outstandingRegimes(context: RansomDemandContext): string[] {
  const reported = new Set(context.legal.reports.map((r) => norm(r.regime)));
  const open = new Set(
    Object.values(context.clocks)
      .filter(clockIsOpen)
      .map((clock) => norm(clock.regime)),
  );
  return context.legal.requiredRegimes.filter((r) => !reported.has(norm(r)) || open.has(norm(r)));
}
