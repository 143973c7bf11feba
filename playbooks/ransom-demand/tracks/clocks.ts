import { and, or, stateIn } from 'xstate';
import {
  anchorsOf,
  clockTimerId,
  fileClocks,
  markOverdue,
  msUntil,
  startFromAnchors,
} from '../../../src/playbook-kit';
import type { RansomDemandContext } from '../context';
import { pb, sid } from '../setup';

type Ctx = RansomDemandContext;

/** Jurisdictions known now: the intake list plus the legal profile (LEG-0). */
const knownJurisdictions = (context: Ctx): string[] => [
  ...new Set([...context.jurisdictions, ...(context.legal.profile?.jurisdictions ?? [])]),
];

/**
 * The kit's SM-CLOCKS over PB-1's own context: records the anchors the event found (none for a legal profile,
 * whose new jurisdictions start their clocks from the anchors already recorded) and starts the clocks they open,
 * one delayed `clock.due` each.
 */
const startClocks = pb.enqueueActions(({ context, event, enqueue }) => {
  const { at, payload } = event as { at: string; payload?: Record<string, unknown> };
  const { anchors, started } = startFromAnchors(
    {
      clocks: context.clocks,
      // Incidents opened before anchors were recorded have none.
      anchors: context.anchors ?? {},
      jurisdictions: knownJurisdictions(context),
      calendar: { timeZone: context.timeZone, country: context.organisation.country },
      improperPurpose: false,
    },
    anchorsOf(event.type, payload),
    at,
    event.type,
  );
  for (const clock of started) {
    enqueue.raise(
      { type: 'clock.due', clockId: clock.id },
      { id: clockTimerId(clock.id), delay: Math.max(0, msUntil(clock.dueAt, at)) },
    );
  }
  enqueue.assign({
    anchors,
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
    "Notification clocks (SM-CLOCKS, the kit's): each clock counts from its own anchor. breach.aware starts " +
    'GDPR / UK GDPR 72 h; breach.determined starts PIPEDA and, at the latest, the APPI, HIPAA, card-brand, PIPL ' +
    'and NYDFS clocks; materiality.determined starts SEC 8-K (4 business days); payment.executed starts payment ' +
    'notices; a legal profile adding jurisdictions starts theirs from the anchors already recorded. ' +
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
        'breach.aware': { actions: startClocks },
        // The clocks react to the steps that own these events; they never take one on their own.
        'breach.determined': { guard: stateIn(sid('investigation.determination')), actions: startClocks },
        'materiality.determined': { actions: startClocks },
        'payment.executed': {
          guard: stateIn(sid('payment.pay_path.awaiting_execution')),
          actions: startClocks,
        },
        'jurisdictions.profiled': {
          guard: or([
            stateIn(sid('legal.regulatory.applicability')),
            stateIn(sid('legal.regulatory.harm_assessment')),
          ]),
          actions: startClocks,
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
