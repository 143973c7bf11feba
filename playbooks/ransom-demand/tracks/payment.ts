import { and } from 'xstate';
import { appendKept } from '../../../src/playbook-kit';
import { decision, stamp } from '../context';
import { byKind, due, escalation, pb, record, sid } from '../setup';

const recordLeak = record('leak.detected', (context, event) => {
  const leaks = appendKept(
    'payment.leaks',
    context.payment.leaks,
    [{ ...event.payload, ...stamp(event) }],
    context.omitted,
  );
  const escalation = {
    kind: 'leak_detected' as const,
    timer: 'PAY-3a leak watch',
    dueAt: event.at,
    at: event.at,
    note: 'Re-scope (INV-1), re-assess (LEG-1), consider individual notices (COM-3).',
  };
  const escalations = appendKept('escalations', context.escalations, [escalation], leaks.omitted, byKind);
  return {
    payment: { ...context.payment, leaks: leaks.list },
    escalations: escalations.list,
    omitted: escalations.omitted,
  };
});

const recordActorContact = record('actor_contact.decided', (context, event) => ({
  payment: { ...context.payment, actorContact: event.payload.option },
  ...decision(context, 'D5', event.payload.option, event.payload.rationale, event),
}));

const recordInputs = record('payment.inputs_recorded', (context, event) => ({
  // New inputs withdraw an earlier sign-off: legal signed off on what was known then.
  payment: { ...context.payment, inputs: { ...event.payload, ...stamp(event) }, legalSignOff: null },
}));

const recordDecision = record('payment.decided', (context, event) => ({
  payment: { ...context.payment, decision: event.payload.option },
  ...decision(context, 'D4', event.payload.option, event.payload.rationale, event),
}));

const leakWatch = {
  leakWatchEnded: { target: '#ransom-demand.payment.watch_ended' },
} as const;

/** Track F: the payment decision (D4) and what follows it. */
export const payment = pb.createStateConfig({
  description:
    'Track F, payment decision (D4, RS.MA-04). Default recommendation: REFUSE. FBI does not advocate paying and urges ' +
    'a police report regardless (R5); CISA et al.: "Paying ransom will not ensure … your data will not be leaked" (R4); ' +
    'OFAC: strict-liability sanctions risk (R6). C2 refused. Paying never cancels notification duties.',
  meta: {
    owner: 'executive',
    checklist: ['Default: refuse', 'Decision log with rationale (especially the non-payment rationale)'],
    evidence: ['Decision log', 'Sanctions-screen result (evidence item 11)'],
    source: 'PB-1 Track F, D4, D5, TM-PAY1, TM-PAY3; §2.3 (R4, R5, R6); C2 refused',
  },
  initial: 'open',
  states: {
    open: {
      description:
        'PAY-0..PAY-2: the demand is logged and T_deadline computed; warnings 24 h, 12 h and 1 h before the deadline ' +
        '(TM-PAY1). With no decision at the deadline the demand lapses: de facto refusal, and an alert.',
      meta: {
        owner: 'executive',
        checklist: ['Countdown to T_deadline on the dashboard'],
        source: 'PB-1 PAY-0..PAY-2, TM-PAY1; C2 48-hour window',
      },
      initial: 'options_analysis',
      after: {
        ransomWarning24h: {
          guard: 'beforeDeadline',
          actions: escalation('payment_deadline_warning_24h', 'TM-PAY1', due.ransomWarning24h),
        },
        ransomWarning12h: {
          guard: 'beforeDeadline',
          actions: escalation('payment_deadline_warning_12h', 'TM-PAY1', due.ransomWarning12h),
        },
        ransomWarning1h: {
          guard: 'beforeDeadline',
          actions: escalation('payment_deadline_warning_1h', 'TM-PAY1', due.ransomWarning1h),
        },
        ransomDeadline: {
          actions: [
            pb.assign(({ context }) => ({ payment: { ...context.payment, lapsed: true } })),
            ...escalation(
              'payment_deadline_reached',
              'TM-PAY1',
              due.ransomDeadline,
              'No payment decision by the deadline: lapsed (de facto refusal).',
            ),
          ],
        },
      },
      on: {
        'leak.detected': { actions: recordLeak },
        'actor_contact.decided': { actions: recordActorContact },
      },
      states: {
        options_analysis: {
          description:
            'PAY-1: gather the inputs: claim verification (Track C), recovery without paying, data sensitivity, law ' +
            'enforcement consultation (LEG-5), sanctions screen of wallet and actor (OFAC SDN and national lists), ' +
            'insurer, legal opinion. Refusal needs no more than the approver and a rationale.',
          meta: {
            owner: 'executive',
            checklist: [
              'Claim verified (D0)',
              'Can we recover without paying?',
              'Sanctions screen (OFAC SDN, Canadian / Japanese lists) of wallet and actor',
              'Law-enforcement consultation',
              'Insurer consultation if insured',
              'Guidance reminder: FBI / CISA / OFAC discourage payment',
            ],
            evidence: ['Sanctions-screen result', 'Inputs recorded as evidence items'],
            source: 'PB-1 PAY-1; §2.3 gate items 1–6 (R4, R5, R6)',
          },
          on: {
            'payment.inputs_recorded': { target: 'decision', actions: recordInputs },
            'payment.decided': { target: sid('payment.refused'), guard: 'isRefuse', actions: recordDecision },
          },
        },
        decision: {
          description:
            'PAY-2, D4 by the executive approver: refuse / pay / defer; default REFUSE. Pay only when someone requested ' +
            'it, legal signed off, the deciding executive is not the requester, and the sanctions screen is clear ' +
            '(§2.3). Defer keeps the decision open until the deadline warnings.',
          meta: {
            owner: 'executive',
            checklist: [
              'Default recommendation: refuse',
              'Two-person rule for paying',
              'Sanctions screen clear',
            ],
            evidence: ['Decision record with the inputs known at the time'],
            source: 'PB-1 PAY-2, D4; §2.3 payment gate (R4–R6); DESIGN §3 two-person rule',
          },
          on: {
            'payment.inputs_recorded': { actions: recordInputs },
            'payment.pay_requested': {
              actions: record('payment.pay_requested', (context, event) => ({
                payment: { ...context.payment, requestedBy: event.actor.id, requestedAt: event.at },
                ...decision(context, 'pay_request', 'pay', event.payload.rationale, event),
              })),
            },
            'payment.legal_signed_off': {
              actions: record('payment.legal_signed_off', (context, event) => ({
                payment: {
                  ...context.payment,
                  legalSignOff: { rationale: event.payload.rationale, ...stamp(event) },
                },
              })),
            },
            'payment.decided': [
              { target: sid('payment.refused'), guard: 'isRefuse', actions: recordDecision },
              { guard: 'isDefer', actions: recordDecision },
              {
                target: sid('payment.pay_path'),
                guard: and([
                  'isPay',
                  'payRequested',
                  'legalSignedOff',
                  'deciderIsNotRequester',
                  'sanctionsClear',
                ]),
                actions: recordDecision,
              },
            ],
          },
        },
      },
    },
    refused: {
      description:
        'PAY-3a: refused (C2). D5: no response to the actor unless law enforcement advises otherwise. The leak watch ' +
        'runs until T_deadline + 30 d (TM-PAY3); a leak re-opens scoping, the harm assessment and the individual notices.',
      meta: {
        owner: 'incident_commander',
        checklist: ['D5: no response unless LE advises otherwise', 'Leak watch until T_deadline + 30 d'],
        source: 'PB-1 PAY-3a, D5, TM-PAY3; C2 refused',
      },
      initial: 'leak_watch',
      after: leakWatch,
      on: {
        'leak.detected': { actions: recordLeak },
        'actor_contact.decided': { actions: recordActorContact },
      },
      states: {
        leak_watch: {
          description:
            'Monitor paste and leak sites and forums for the claimed data (C2 open question: "will they retaliate?").',
          meta: {
            owner: 'incident_commander',
            checklist: ['Monitor paste/leak sites and forums', 'Preserve any leak sample as evidence'],
            evidence: ['Leak samples, if any'],
            source: 'PB-1 PAY-3a leak_watch, TM-PAY3; C2',
          },
        },
      },
    },
    pay_path: {
      description:
        'PAY-3b: the payment gate passed. Paying does NOT cancel any notification duty: the data stays compromised. ' +
        'NYDFS 500.17(c) (24 h / 30 d) and CIRCIA (proposed, 24 h) apply where they apply.',
      meta: {
        owner: 'executive',
        checklist: ['Inform law enforcement', 'Payment-reporting clocks (NYDFS / CIRCIA) where applicable'],
        evidence: ['Transaction hash'],
        source: 'PB-1 PAY-3b; §2.3; §3.2 rows 27–28 (R22, R23)',
      },
      initial: 'awaiting_execution',
      on: { 'leak.detected': { actions: recordLeak } },
      states: {
        awaiting_execution: {
          description: 'Approved; the payment is not made yet.',
          meta: {
            owner: 'executive',
            checklist: ['Execute through an approved facilitator'],
            source: 'PB-1 PAY-3b',
          },
          on: {
            'payment.executed': {
              target: 'executed',
              actions: record('payment.executed', (context, event) => ({
                paidAt: event.at,
                payment: { ...context.payment, execution: { ...event.payload, ...stamp(event) } },
              })),
            },
          },
        },
        executed: {
          description:
            'Paid (T_payment): report the payment to law enforcement and, where they apply, NYDFS (24 h, written ' +
            'justification in 30 d) and CISA under CIRCIA (proposed 24 h).',
          meta: {
            owner: 'legal',
            checklist: [
              'Report to LE',
              'NYDFS 500.17(c) 24 h notice if a NY-regulated entity',
              'CIRCIA if in force',
            ],
            evidence: ['Transaction hash', 'Payment reports'],
            source: 'PB-1 PAY-3b, T_payment; §2.3; NYDFS 500.17(c) (R22, verify); CIRCIA NPRM (R23)',
          },
          after: {
            paymentReportDue: {
              actions: escalation('payment_report_overdue', 'T_payment + 24 h', due.paymentReportDue),
            },
          },
          on: {
            'payment.reported': {
              target: 'reported',
              actions: record('payment.reported', (context, event) => ({
                payment: { ...context.payment, report: { ...event.payload, ...stamp(event) } },
              })),
            },
          },
        },
        reported: {
          type: 'final',
          description: 'Payment reported.',
          meta: { owner: 'legal', source: 'PB-1 PAY-3b' },
        },
      },
      onDone: 'post_payment_watch',
    },
    post_payment_watch: {
      description:
        'PAY-3b post-payment watch: paying does not ensure the data will not be leaked (R4); watch until T_deadline + 30 d.',
      meta: {
        owner: 'incident_commander',
        checklist: ['Monitor paste/leak sites and forums'],
        source: 'PB-1 PAY-3b post_payment_watch; CISA #StopRansomware (R4)',
      },
      after: leakWatch,
      on: { 'leak.detected': { actions: recordLeak } },
    },
    watch_ended: {
      type: 'final',
      description: 'Leak watch over (TM-PAY3).',
      meta: { owner: 'incident_commander', source: 'PB-1 TM-PAY3' },
    },
  },
});
