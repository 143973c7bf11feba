import { addMonths, appendKept } from '../../../src/playbook-kit';
import { decision, stamp } from '../context';
import { due, escalation, pb, record } from '../setup';

const recordScope = record('scope.estimated', (context, event) => {
  const estimate = { ...event.payload, ...stamp(event) };
  const { list, omitted } = appendKept(
    'investigation.scope',
    context.investigation.scope,
    [estimate],
    context.omitted,
  );
  return { investigation: { ...context.investigation, scope: list }, omitted };
});

/** TM-INV2, armed in every state before the determination; anchored on the opening, so it fires once. */
const determinationPending = {
  breachDeterminationPending: {
    guard: { type: 'notYetEscalated', params: { kind: 'breach_determination_pending' } },
    actions: escalation(
      'breach_determination_pending',
      'TM-INV2',
      due.breachDeterminationPending,
      'An open determination silently stalls PIPEDA / US-state clocks (domain caveat 2).',
    ),
  },
} as const;

/** Track C: investigation and evidence (RS.AN). */
export const investigation = pb.createStateConfig({
  description:
    'Track C, investigation and evidence (RS.AN): preserve the demand, scope the exposure, determine the breach (D6), ' +
    'find the root cause, file the report. Evidence items can be added at any time.',
  meta: {
    owner: 'technical_lead',
    checklist: ['Every artefact hashed, with custody (RS.AN-06/07)'],
    evidence: ['Evidence locker (PB-1 evidence items 1–8, 10–12)'],
    source: 'PB-1 Track C; NIST RS.AN-03, RS.AN-06, RS.AN-07, RS.AN-08',
  },
  initial: 'preserve_demand',
  on: {
    'evidence.collected': {
      actions: record('evidence.collected', (context, event) => {
        const { list, omitted } = appendKept(
          'investigation.evidence',
          context.investigation.evidence,
          [{ ...event.payload, ...stamp(event) }],
          context.omitted,
          (item) => item.kind,
        );
        return { investigation: { ...context.investigation, evidence: list }, omitted };
      }),
    },
  },
  states: {
    preserve_demand: {
      description:
        'INV-0: store the original message with full headers (hash), the wallet address and exact demand text, ' +
        'screenshots of posts and forum threads.',
      meta: {
        owner: 'technical_lead',
        checklist: [
          'Original message with full headers, hashed',
          'Wallet, amount, deadline as demanded',
          'Screenshots',
        ],
        evidence: ['Demand message (.eml)', 'Wallet address and demand text', 'Proof-of-access sample'],
        source: 'PB-1 INV-0, evidence items 1–3; FBI report fields (R5)',
      },
      after: determinationPending,
      on: {
        'evidence.demand_preserved': {
          target: 'scoping',
          actions: record('evidence.demand_preserved', (context, event) => ({
            investigation: {
              ...context.investigation,
              demandPreserved: { ...event.payload, ...stamp(event) },
            },
          })),
        },
      },
    },
    scoping: {
      description:
        'INV-1 (RS.AN-08): what was accessed or exfiltrated, how many individuals, data categories, data subjects’ ' +
        'jurisdictions, time window. Scope estimates stay open to revision until the investigation closes.',
      meta: {
        owner: 'technical_lead',
        checklist: [
          'Accessed / exfiltrated assets',
          'Individuals affected',
          'Data categories',
          'Jurisdictions',
        ],
        evidence: ['Logs covering the dwell period'],
        source: 'PB-1 INV-1; NIST RS.AN-08; cross-case pattern 6 (retention)',
      },
      after: determinationPending,
      on: { 'scope.estimated': { target: 'determination', actions: recordScope } },
    },
    determination: {
      description:
        'INV-2, D6: breach confirmed / likely / no evidence. Default "likely" if the actor holds plausible proof. ' +
        'Sets T_determined (PIPEDA s.10.1 "as soon as feasible"; breach record kept 24 months, s.10.3). TM-INV2 ' +
        'escalates if still open 72 h after opening.',
      meta: {
        owner: 'legal',
        checklist: ['D6 with rationale (IC + legal)', 'Vendor findings considered'],
        evidence: ['Vendor findings'],
        source: 'PB-1 INV-2, D6, TM-INV2; PIPEDA s.10.1, s.10.3 / BSSR s.6 (R15); §3.2 rows 10–13',
      },
      after: determinationPending,
      on: {
        'scope.estimated': { actions: recordScope },
        'breach.determined': {
          target: 'root_cause',
          actions: record('breach.determined', (context, event) => ({
            determinedAt: event.at,
            breachRecordRetainUntil: addMonths(event.at, 24),
            investigation: { ...context.investigation, finding: event.payload.finding },
            ...decision(context, 'D6', event.payload.finding, event.payload.rationale, event),
          })),
        },
      },
    },
    root_cause: {
      description: 'INV-3 (RS.AN-03): initial access vector and dwell time.',
      meta: {
        owner: 'ir_vendor',
        checklist: ['Initial access vector', 'Dwell time'],
        evidence: ['Malware / web-shell samples', 'Vendor findings'],
        source: 'PB-1 INV-3; NIST RS.AN-03',
      },
      on: {
        'scope.estimated': { actions: recordScope },
        'root_cause.identified': {
          target: 'final_report',
          actions: record('root_cause.identified', (context, event) => ({
            investigation: { ...context.investigation, rootCause: { ...event.payload, ...stamp(event) } },
          })),
        },
      },
    },
    final_report: {
      description: 'INV-4: vendor report and incident report.',
      meta: {
        owner: 'technical_lead',
        checklist: ['Vendor report', 'Incident report'],
        evidence: ['Incident report'],
        source: 'PB-1 INV-4',
      },
      on: {
        'scope.estimated': { actions: recordScope },
        'investigation.closed': {
          target: 'closed',
          actions: record('investigation.closed', (context, event) => ({
            investigation: { ...context.investigation, reportRef: event.payload.reportRef },
          })),
        },
      },
    },
    closed: {
      type: 'final',
      description: 'Investigation closed; report filed. Further evidence items can still be added.',
      meta: { owner: 'technical_lead', source: 'PB-1 INV-4' },
    },
  },
});
