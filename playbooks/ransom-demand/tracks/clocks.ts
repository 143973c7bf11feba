import { and, stateIn } from 'xstate';
import {
  type ClockAnchor,
  clockTimerId,
  fileClocks,
  markOverdue,
  msUntil,
  startClocks,
} from '../../../src/playbook-kit';
import type { RansomDemandContext, RansomDemandEvent } from '../context';
import { pb, sid } from '../setup';

type Ctx = RansomDemandContext;

/** Jurisdictions known now: the intake list plus the legal profile (LEG-0). */
const knownJurisdictions = (context: Ctx): string[] => [
  ...new Set([...context.jurisdictions, ...(context.legal.profile?.jurisdictions ?? [])]),
];

/** Starts the clocks an anchor event opens (one delayed `clock.due` each) and records them in context. */
const startFor = (anchors: (event: RansomDemandEvent) => ClockAnchor[]) =>
  pb.enqueueActions(({ context, event, enqueue }) => {
    const at = (event as { at: string }).at;
    const started = anchors(event).flatMap((anchor) =>
      startClocks(context.clocks, knownJurisdictions(context), anchor, at, {
        timeZone: context.timeZone,
        country: context.organisation.country,
      }),
    );
    if (started.length === 0) return;
    for (const clock of started) {
      enqueue.raise(
        { type: 'clock.due', clockId: clock.id },
        { id: clockTimerId(clock.id), delay: msUntil(clock.dueAt, at) },
      );
    }
    enqueue.assign({
      clocks: { ...context.clocks, ...Object.fromEntries(started.map((clock) => [clock.id, clock])) },
    });
  });

/**
 * SM-CLOCKS (domain reference §5.0, §3): the notification clock manager. Anchor events start the clocks of the
 * incident's jurisdictions from the clock library; a filing marks them met (or met late); a due time passing
 * unfiled marks them overdue, which the incident listing shows.
 */
export const clocks = pb.createStateConfig({
  description:
    'Notification clocks (SM-CLOCKS): breach.aware starts GDPR / UK GDPR 72 h; breach.determined starts PIPEDA ' +
    '(as soon as feasible, policy target 72 h), APPI and NYDFS clocks; materiality.determined starts SEC 8-K ' +
    '(4 business days); payment.executed starts payment notices. ' +
    'regulator.reported files them. Soft clocks are amber at their policy target, never "met" by default.',
  meta: {
    owner: 'legal',
    checklist: ['Record awareness and determination explicitly: clocks never start silently (§7 item 2)'],
    source: 'PB-1 Anchors; §3.1–3.2 clock table; §5.0 SM-CLOCKS; R12–R22',
  },
  initial: 'watching',
  states: {
    watching: {
      description:
        'Clocks run from their anchors until filed; an overdue clock stays flagged until it is filed late.',
      meta: { owner: 'legal', source: 'SM-CLOCKS' },
      on: {
        'breach.aware': { actions: startFor(() => ['aware']) },
        // The clocks react to the steps that own these events; they never take one on their own.
        'breach.determined': {
          guard: stateIn(sid('investigation.determination')),
          actions: startFor((event) =>
            (event as { payload: { finding: string } }).payload.finding === 'no_evidence'
              ? []
              : ['determined', 'knew'],
          ),
        },
        'materiality.determined': { actions: startFor(() => ['material']) },
        'payment.executed': {
          guard: stateIn(sid('payment.pay_path.awaiting_execution')),
          actions: startFor(() => ['payment']),
        },
        'regulator.reported': {
          guard: and([stateIn(sid('legal.regulatory.filings')), 'lateFilingHasReason']),
          actions: pb.enqueueActions(({ context, event, enqueue }) => {
            const { payload, at } = event as { payload: { clockIds: string[] }; at: string };
            const { clocks: next, filed } = fileClocks(context.clocks, payload, at);
            for (const id of filed) enqueue.cancel(clockTimerId(id));
            enqueue.assign({ clocks: next });
          }),
        },
        'clock.due': {
          actions: pb.assign(({ context, event }) => ({
            clocks: markOverdue(context.clocks, (event as { clockId: string }).clockId),
          })),
        },
        'incident.closed': { target: 'stopped', guard: 'otherTracksFinal' },
      },
    },
    stopped: {
      type: 'final',
      description: 'The incident is closed; the clock record stays in the history.',
      meta: { owner: 'legal', source: 'SM-CLOCKS' },
    },
  },
});
