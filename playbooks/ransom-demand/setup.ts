import { and, assign, or, setup, stateIn } from 'xstate';
import {
  addMs,
  appendKept,
  days,
  filingNeedsReason,
  hours,
  minutes,
  msUntil,
  type StateMeta,
} from '../../src/playbook-kit';
import {
  clock,
  type EscalationKind,
  type EscalationParams,
  type MachineInput,
  outstandingRegimes,
  type RansomDemandContext,
  type RansomDemandEvent,
} from './context';

export const MACHINE_ID = 'ransom-demand';
/** `#ransom-demand.<path>`: a state id, for targets across tracks and `stateIn` guards. */
export const sid = (path: string) => `#${MACHINE_ID}.${path}`;

type Ctx = RansomDemandContext;

/** Escalations kept in context by kind: `notYetEscalated` asks whether one of a kind was ever recorded. */
export const byKind = (escalation: { kind: string }) => escalation.kind;

/**
 * When each timer is due, from the anchors in context (PB-1 "Timers"; all *policy defaults* unless a law is
 * named). Delays are `due - now`, so re-arming a timer in another state keeps the same absolute due time.
 */
export const due = {
  /** TM-CMD1: T_demand + 30 min. */
  declarationOverdue: (c: Ctx) => addMs(c.demandAt, minutes(30)),
  /** TM-CMD2: every 4 h while active, counted from the last (re-)entry of `active`. */
  sitrepDue: (c: Ctx) => addMs(c.command.sitrepFrom ?? c.declaredAt ?? c.openedAt, hours(4)),
  /** TM-CON1: incident open + 1 h. */
  containmentDecisionOverdue: (c: Ctx) => addMs(c.openedAt, hours(1)),
  /** TM-CON4: incident open + 4 h. */
  vendorNotEngaged: (c: Ctx) => addMs(c.openedAt, hours(4)),
  /** TM-INV2: incident open + 72 h. */
  breachDeterminationPending: (c: Ctx) => addMs(c.openedAt, hours(72)),
  /** TM-COM1: T_offline + 12 h. */
  customerNoticeDue: (c: Ctx) => addMs(c.offlineAt ?? c.openedAt, hours(12)),
  /** TM-COM2: every 24 h while the service is down, from the last update. */
  updateDue: (c: Ctx) => addMs(c.communications.updateFrom ?? c.openedAt, hours(24)),
  /** TM-LEG5: T_demand + 24 h (FBI R5, OFAC R6; §3.2 row 29 policy target). */
  lawEnforcementReportDue: (c: Ctx) => addMs(c.demandAt, hours(24)),
  /** PIPEDA "as soon as feasible" → policy target 72 h from T_determined (or from the assessment if earlier). */
  regulatorReportTarget: (c: Ctx) => addMs(c.determinedAt ?? c.legal.assessedAt ?? c.openedAt, hours(72)),
  /** TM-PAY1: T_deadline − 24 h, −12 h, −1 h, and T_deadline. */
  ransomWarning24h: (c: Ctx) => addMs(c.deadline, -hours(24)),
  ransomWarning12h: (c: Ctx) => addMs(c.deadline, -hours(12)),
  ransomWarning1h: (c: Ctx) => addMs(c.deadline, -hours(1)),
  ransomDeadline: (c: Ctx) => c.deadline,
  /** T_payment + 24 h: NYDFS 500.17(c) / CIRCIA (proposed) payment notice, where they apply. */
  paymentReportDue: (c: Ctx) => addMs(c.paidAt ?? c.openedAt, hours(24)),
  /** TM-PAY3: T_deadline + 30 d. */
  leakWatchEnded: (c: Ctx) => addMs(c.deadline, days(30)),
  /** TM-REC6: T_online + 30 d. */
  monitoringWindowClosed: (c: Ctx) => addMs(c.onlineAt ?? c.openedAt, days(30)),
  /** TM-REV0: recovery complete + 14 d. */
  reviewOverdue: (c: Ctx) => addMs(c.recoveryCompletedAt ?? c.openedAt, days(14)),
} as const;

export type TimerName = keyof typeof due;

/** Labels of every named delay and delayed-raise id, shown on dashboards. */
export const timerLabels: Readonly<Record<TimerName, string>> = {
  declarationOverdue: 'Declaration due (30 min after the demand)',
  sitrepDue: 'Situation report due (every 4 h while the incident is active)',
  containmentDecisionOverdue: 'Offline decision due (1 h after opening)',
  vendorNotEngaged: 'IR vendor engagement due (4 h after opening)',
  breachDeterminationPending: 'Breach determination due (72 h after opening)',
  customerNoticeDue: 'Customer notice due (12 h after going offline)',
  updateDue: 'Customer update due (every 24 h until service is restored)',
  lawEnforcementReportDue: 'Police report due (24 h after the demand)',
  regulatorReportTarget:
    'Regulator report target (72 h after breach determination; PIPEDA "as soon as feasible")',
  ransomWarning24h: 'Warning: 24 h to the ransom deadline',
  ransomWarning12h: 'Warning: 12 h to the ransom deadline',
  ransomWarning1h: 'Warning: 1 h to the ransom deadline',
  ransomDeadline: 'Ransom deadline (end of the payment window; 48 h after the demand in JJ Meds)',
  paymentReportDue: 'Payment report due (24 h after paying; NYDFS 500.17(c) / CIRCIA where applicable)',
  leakWatchEnded: 'Leak watch ends (30 d after the ransom deadline)',
  monitoringWindowClosed: 'Heightened monitoring ends (30 d after return to service)',
  reviewOverdue: 'Post-incident review due (14 d after recovery completes)',
};

/** The recurring updates and the watches that end by themselves: not deadlines a responder must meet. */
export const routineTimers: readonly TimerName[] = [
  'sitrepDue',
  'updateDue',
  'leakWatchEnded',
  'monitoringWindowClosed',
];

/** Delay = due time − incident-clock now (never negative). `now` falls back for events that carry no `at`. */
const until =
  (dueAt: (c: Ctx) => string, nowFallback: (c: Ctx) => string = (c) => c.openedAt) =>
  ({ context, event }: { context: Ctx; event: unknown }) =>
    msUntil(dueAt(context), clock(event, nowFallback(context)));

const delays = {
  declarationOverdue: until(due.declarationOverdue),
  sitrepDue: until(due.sitrepDue),
  containmentDecisionOverdue: until(due.containmentDecisionOverdue),
  vendorNotEngaged: until(due.vendorNotEngaged),
  breachDeterminationPending: until(due.breachDeterminationPending),
  // Counted from the `site.taken_offline` event itself: T_offline is that event's `at`.
  customerNoticeDue: ({ event }: { event: unknown }) => {
    const now = clock(event, '');
    return now ? msUntil(addMs(now, hours(12)), now) : hours(12);
  },
  updateDue: until(due.updateDue),
  lawEnforcementReportDue: until(due.lawEnforcementReportDue),
  regulatorReportTarget: until(due.regulatorReportTarget),
  ransomWarning24h: until(due.ransomWarning24h),
  ransomWarning12h: until(due.ransomWarning12h),
  ransomWarning1h: until(due.ransomWarning1h),
  ransomDeadline: until(due.ransomDeadline),
  paymentReportDue: until(due.paymentReportDue),
  // `post_payment_watch` is entered through pay_path's done event, which has no `at`: T_payment-report is now.
  leakWatchEnded: until(due.leakWatchEnded, (c) => c.payment.report?.at ?? c.openedAt),
  monitoringWindowClosed: until(due.monitoringWindowClosed),
  reviewOverdue: until(due.reviewOverdue),
} satisfies Record<TimerName, unknown>;

const paymentWatching = or([
  stateIn(sid('payment.open')),
  stateIn(sid('payment.refused')),
  stateIn(sid('payment.pay_path')),
  stateIn(sid('payment.post_payment_watch')),
]);

export const pb = setup({
  types: {
    context: {} as RansomDemandContext,
    events: {} as RansomDemandEvent,
    input: {} as MachineInput,
    meta: {} as StateMeta,
  },
  actions: {
    /** Appends to `context.escalations`, stamped with the timer event's `at` (or the due time if it has none). */
    recordEscalation: assign(({ context, event }, params: EscalationParams) => {
      const escalation = { ...params, at: clock(event, params.dueAt) };
      const { list, omitted } = appendKept(
        'escalations',
        context.escalations,
        [escalation],
        context.omitted,
        byKind,
      );
      return { escalations: list, omitted };
    }),
    /** No-op on purpose: returned by `transition()` as data so the engine can log / alert on it. */
    escalate: (_, _params: EscalationParams) => {},
  },
  guards: {
    // ── cross-track guards (pure: state + context + event) ──
    siteStillOnline: stateIn(sid('containment.immediate.site.online')),
    /** RS.MA-05: recovery starts from eradication verified, and only once the incident is declared. */
    eradicationVerifiable: and([stateIn(sid('containment.verification')), stateIn(sid('command.active'))]),
    recoveryComplete: stateIn(sid('recovery.complete')),
    /** RC.RP-06: every track except command is in its final state. */
    otherTracksFinal: and([
      stateIn(sid('containment.verified')),
      stateIn(sid('investigation.closed')),
      stateIn(sid('communications.done')),
      stateIn(sid('legal.regulatory.done')),
      stateIn(sid('legal.law_enforcement.reported')),
      stateIn(sid('legal.breach_record.created')),
      stateIn(sid('legal.insurer.done')),
      stateIn(sid('payment.watch_ended')),
      stateIn(sid('recovery.complete')),
      stateIn(sid('review.done')),
    ]),
    /**
     * D8 criteria the machine can see: recovery validated (awaiting the decision), root cause identified, customer
     * comms ready for the return notice. Recovery and communications both move on `service.restored`, so both use it.
     */
    returnCriteriaMet: and([
      stateIn(sid('recovery.return_decision')),
      stateIn(sid('communications.updates')),
      or([stateIn(sid('investigation.final_report')), stateIn(sid('investigation.closed'))]),
    ]),
    paymentWatching,
    regulatoryReopenable: and([
      paymentWatching,
      or([stateIn(sid('legal.regulatory.filings')), stateIn(sid('legal.regulatory.done'))]),
    ]),
    allRequiredReported: ({ context }) => outstandingRegimes(context).length === 0,
    beforeDeadline: ({ context, event }) =>
      Date.parse(clock(event, context.openedAt)) < Date.parse(context.deadline),
    notYetEscalated: ({ context }, params: { kind: EscalationKind }) =>
      !context.escalations.some((e) => e.kind === params.kind),
    // ── event guards ──
    /** D2: deleting IDs is irreversible, so it needs an account export on record (C2 lesson; caveat 6). */
    revocationMethodAllowed: ({ context, event }) =>
      event.type === 'credentials.revoked' &&
      (event.payload.method !== 'delete' ||
        context.containment.baseline.some((i) => i.kind === 'account_export')),
    anyRegimeRequired: ({ event }) =>
      event.type === 'regulatory.assessed' && event.payload.assessments.some((a) => a.required),
    /** SM-CLOCKS: a filing late for a clock it meets gives the reasons for its delay (GDPR Art. 33(1)). */
    lateFilingHasReason: ({ context, event }) =>
      event.type === 'regulator.reported' && !filingNeedsReason(context.clocks, event.payload, event.at),
    isRefuse: ({ event }) => event.type === 'payment.decided' && event.payload.option === 'refuse',
    isDefer: ({ event }) => event.type === 'payment.decided' && event.payload.option === 'defer',
    isPay: ({ event }) => event.type === 'payment.decided' && event.payload.option === 'pay',
    payRequested: ({ context }) => context.payment.requestedBy !== null,
    legalSignedOff: ({ context }) => context.payment.legalSignOff !== null,
    /** Two-person rule: the executive who decides to pay is not the person who asked for it. */
    deciderIsNotRequester: ({ context, event }) =>
      'actor' in event && event.actor !== undefined && event.actor.id !== context.payment.requestedBy,
    sanctionsClear: ({ context }) => context.payment.inputs?.sanctionsScreen === 'clear',
  },
  delays,
});

/**
 * Actions of an escalating timer: record it in context and emit an `escalate` action (data for the engine).
 * `dueAt` comes from the anchors, so the record says when it was due even if the timer fired late.
 */
export function escalation(kind: EscalationKind, timer: string, dueAt: (c: Ctx) => string, note?: string) {
  const params = ({ context }: { context: Ctx }): EscalationParams =>
    note === undefined
      ? { kind, timer, dueAt: dueAt(context) }
      : { kind, timer, dueAt: dueAt(context), note };
  return [
    { type: 'recordEscalation', params },
    { type: 'escalate', params },
  ] as const;
}

export type EventOf<T extends RansomDemandEvent['type']> = Extract<RansomDemandEvent, { type: T }>;

/**
 * An assign for one event type, with the event narrowed (xstate does not narrow actions declared outside the
 * transition). It checks the type at run time too, so it is inert if ever attached to another event.
 */
export function record<T extends RansomDemandEvent['type']>(
  type: T,
  update: (context: Ctx, event: EventOf<T>) => Partial<Ctx>,
) {
  return pb.assign(({ context, event }) => (event.type === type ? update(context, event as EventOf<T>) : {}));
}
