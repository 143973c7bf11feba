import { appendKept } from '../../../src/playbook-kit';
import { decision, stamp } from '../context';
import { due, escalation, pb, record } from '../setup';

const recordAssessment = record('regulatory.assessed', (context, event) => ({
  legal: {
    ...context.legal,
    assessments: event.payload.assessments,
    assessedAt: event.at,
    requiredRegimes: event.payload.assessments.filter((a) => a.required).map((a) => a.regime),
  },
  ...decision(
    context,
    'D7',
    event.payload.assessments
      .map((a) => `${a.regime}:${a.required ? 'required' : 'not_required'}`)
      .join(', ') || 'no_regime',
    event.payload.assessments.map((a) => `${a.regime}: ${a.rationale}`).join(' | ') || 'No regime applies.',
    event,
  ),
}));

/** Track E: legal, regulatory and law enforcement (RS.CO-02). */
export const legal = pb.createStateConfig({
  type: 'parallel',
  description:
    'Track E, legal, regulatory and law enforcement (RS.CO-02): regulatory profile and filings, police report, breach ' +
    'record, insurer. Notices to organisations that can reduce harm (PIPEDA s.10.2) are recorded at any time.',
  meta: {
    owner: 'legal',
    checklist: ['Clocks are law data: check the current rule text (domain §7)'],
    evidence: ['Copies of filings and reports', 'Breach record'],
    source: 'PB-1 Track E; §3.2 rows 10–13 (PIPEDA, R15) and 29 (law enforcement, R5/R6); NIST RS.CO-02',
  },
  on: {
    'organisations.notified': {
      actions: record('organisations.notified', (context, event) => {
        const { list, omitted } = appendKept(
          'legal.organisationNotices',
          context.legal.organisationNotices,
          [{ ...event.payload, ...stamp(event) }],
          context.omitted,
        );
        return { legal: { ...context.legal, organisationNotices: list }, omitted };
      }),
    },
  },
  states: {
    regulatory: {
      description: 'LEG-0..LEG-2: which regimes apply, whether each requires a report (D7), and the filings.',
      meta: { owner: 'legal', source: 'PB-1 LEG-0..LEG-2, D7; §3.2' },
      initial: 'applicability',
      on: {
        // PAY-3a: a leak re-opens the harm assessment (LEG-1).
        'leak.detected': { target: '.harm_assessment', guard: 'regulatoryReopenable' },
      },
      states: {
        applicability: {
          description:
            'LEG-0: PIPEDA (federal private sector, Canada); provincial private-sector or health-information laws ' +
            '(check; the C2 province is unknown); GDPR / UK GDPR for EU/UK residents; APPI for Japan; PCI for card ' +
            'data; insurer and contracts.',
          meta: {
            owner: 'legal',
            checklist: [
              'Data subjects’ jurisdictions (from scoping)',
              'Sector / health-information laws',
              'Contracts',
            ],
            source: 'PB-1 LEG-0; §3.2 "Which clocks apply" (C2: PIPEDA rows 10–13)',
          },
          on: {
            'jurisdictions.profiled': {
              target: 'harm_assessment',
              actions: record('jurisdictions.profiled', (context, event) => ({
                legal: { ...context.legal, profile: { ...event.payload, ...stamp(event) } },
              })),
            },
          },
        },
        harm_assessment: {
          description:
            'LEG-1, D7: per regime, is a report required? PIPEDA real risk of significant harm (health-related data ' +
            'and ID images → high sensitivity; threatened publication → high probability of misuse); GDPR risk / high ' +
            'risk; APPI categories. Default: yes when sensitive data was likely accessed.',
          meta: {
            owner: 'legal',
            checklist: ['RROSH: sensitivity × probability of misuse', 'Record the reasoning per regime'],
            evidence: ['Assessment per regime with rationale'],
            source: 'PB-1 LEG-1, D7; PIPEDA s.10.1 (R15); GDPR Art. 33/34 (R12); APPI Art. 26 (R14)',
          },
          on: {
            'jurisdictions.profiled': {
              actions: record('jurisdictions.profiled', (context, event) => ({
                legal: { ...context.legal, profile: { ...event.payload, ...stamp(event) } },
              })),
            },
            'regulatory.assessed': [
              { target: 'filings', guard: 'anyRegimeRequired', actions: recordAssessment },
              { target: 'done', actions: recordAssessment },
            ],
          },
        },
        filings: {
          description:
            'LEG-2: one filing per required regime (PIPEDA: to the OPC "as soon as feasible" after T_determined, ' +
            'policy target 72 h; GDPR Art. 33: 72 h from awareness). Done when every required regime is reported.',
          meta: {
            owner: 'legal',
            checklist: [
              'Draft → approve → file → supplement, per regime',
              'A late filing states the reasons for delay',
            ],
            evidence: ['Filed reports and acknowledgements'],
            source: 'PB-1 LEG-2; §3.2 rows 1, 10–11 and soft-clock defaults; BSSR s.2(2) (R15)',
          },
          always: { target: 'done', guard: 'allRequiredReported' },
          after: {
            regulatorReportTarget: {
              actions: escalation(
                'regulator_report_overdue',
                'PIPEDA s.10.1 policy target / GDPR Art. 33',
                due.regulatorReportTarget,
              ),
            },
          },
          on: {
            'regulator.reported': {
              guard: 'lateFilingHasReason',
              actions: record('regulator.reported', (context, event) => {
                // The newest report of each regime stays: `allRequiredReported` asks which regimes were reported.
                const { list, omitted } = appendKept(
                  'legal.reports',
                  context.legal.reports,
                  [{ ...event.payload, ...stamp(event) }],
                  context.omitted,
                  (report) => report.regime.trim().toUpperCase(),
                );
                return { legal: { ...context.legal, reports: list }, omitted };
              }),
            },
          },
        },
        done: {
          type: 'final',
          description: 'Every required regulator is reported, or none is required (with the D7 rationale).',
          meta: { owner: 'legal', source: 'PB-1 LEG-2' },
        },
      },
    },
    law_enforcement: {
      description: 'LEG-5: report to police with the demand record.',
      meta: { owner: 'le_liaison', source: 'PB-1 LEG-5; FBI (R5); OFAC (R6); §3.2 row 29' },
      initial: 'not_reported',
      states: {
        not_reported: {
          description:
            'LEG-5: report to police (Canada: local police / RCMP; US nexus: FBI field office / IC3) with the amount, ' +
            'wallet and message. FBI: report "regardless" of payment (R5); OFAC: a self-initiated, timely, complete ' +
            'report is a significant mitigating factor (R6). Target 24 h after the demand (TM-LEG5).',
          meta: {
            owner: 'le_liaison',
            checklist: [
              'Demand record: date, amount, wallet, message, how access occurred (FBI fields)',
              'Record the case number',
              'Record any LE request (e.g. to delay notification) as a decision',
            ],
            evidence: ['Police report copy'],
            source: 'PB-1 LEG-5, TM-LEG5; FBI PSA (R5); OFAC advisory 2021 (R6); CISA item 7 (R4)',
          },
          after: {
            lawEnforcementReportDue: {
              actions: escalation('le_report_overdue', 'TM-LEG5', due.lawEnforcementReportDue),
            },
          },
          on: {
            'police.reported': {
              target: 'reported',
              actions: record('police.reported', (context, event) => ({
                legal: { ...context.legal, police: { ...event.payload, ...stamp(event) } },
              })),
            },
          },
        },
        reported: {
          type: 'final',
          description: 'Police reported; case number recorded.',
          meta: { owner: 'le_liaison', source: 'PB-1 LEG-5' },
        },
      },
    },
    breach_record: {
      description: 'LEG-4: the breach record, kept 24 months after T_determined.',
      meta: { owner: 'legal', source: 'PIPEDA s.10.3; BSSR s.6 (R15); GDPR Art. 33(5) (R12)' },
      initial: 'not_created',
      states: {
        not_created: {
          description:
            'LEG-4: create the record of the breach of security safeguards (every breach, reportable or not) with a ' +
            'retention lock until T_determined + 24 months.',
          meta: {
            owner: 'legal',
            checklist: ['Facts, effects, remedial action', 'Retention lock: T_determined + 24 months'],
            evidence: ['Breach record (evidence item 12)'],
            source: 'PB-1 LEG-4, TM-LEG4; PIPEDA s.10.3 / BSSR s.6 (R15); §3.2 row 13',
          },
          on: {
            'breach_record.created': {
              target: 'created',
              actions: record('breach_record.created', (context, event) => ({
                legal: {
                  ...context.legal,
                  breachRecord: { location: event.payload.location, ...stamp(event) },
                },
              })),
            },
          },
        },
        created: {
          type: 'final',
          description:
            'Breach record created; kept until breachRecordRetainUntil (T_determined + 24 months).',
          meta: { owner: 'legal', source: 'PIPEDA s.10.3; BSSR s.6 (R15)' },
        },
      },
    },
    insurer: {
      description: 'LEG-6 (optional): the cyber insurer.',
      meta: { owner: 'legal', source: 'PB-1 LEG-6' },
      initial: 'pending',
      states: {
        pending: {
          description:
            'LEG-6: notify the cyber insurer per policy and log any panel-vendor requirement, or record none.',
          meta: {
            owner: 'legal',
            checklist: ['Policy notice period', 'Panel-vendor requirement'],
            source: 'PB-1 LEG-6; OFAC: insurers are facilitators too (R6)',
          },
          on: {
            'insurer.notified': {
              target: 'done',
              actions: record('insurer.notified', (context, event) => ({
                legal: { ...context.legal, insurer: { notified: true, ...event.payload, ...stamp(event) } },
              })),
            },
            'insurer.not_applicable': {
              target: 'done',
              actions: record('insurer.not_applicable', (context, event) => ({
                legal: {
                  ...context.legal,
                  insurer: { notified: false, rationale: event.payload.rationale, ...stamp(event) },
                },
              })),
            },
          },
        },
        done: {
          type: 'final',
          description: 'Insurer notified, or no policy applies.',
          meta: { owner: 'legal', source: 'PB-1 LEG-6' },
        },
      },
    },
  },
});
