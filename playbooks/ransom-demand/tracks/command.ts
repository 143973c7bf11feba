import { addMs, appendKept, hours } from '../../../src/playbook-kit';
import { clock, decision, stamp } from '../context';
import { due, escalation, pb, record } from '../setup';

const recordSitrep = record('sitrep.published', (context, event) => {
  const sitrep = { summary: event.payload.summary, ...stamp(event) };
  const { list, omitted } = appendKept('command.sitreps', context.command.sitreps, [sitrep], context.omitted);
  return { command: { ...context.command, sitreps: list }, omitted };
});

/** Track A: command (RS.MA). CMD-0 intake → CMD-1 triage → CMD-2 active → CMD-3 recovery phase → CMD-4 closing. */
export const command = pb.createStateConfig({
  description:
    'Track A, command (RS.MA): declare, coordinate the tracks, keep the sitrep cadence, apply the recovery criteria ' +
    '(RS.MA-05) and close the incident once every other track is final (RC.RP-06).',
  meta: {
    owner: 'incident_commander',
    checklist: ['Designate the incident lead (RS.MA-01)', 'Keep the decision log D0–D8 with rationale'],
    evidence: ['Decision log (D0–D8) with rationale (PB-1 evidence item 9)'],
    source: 'PB-1 Track A; C2 "team leader"; NIST SP 800-61r3 RS.MA-01..05, RC.RP-06 (R1, R2)',
  },
  initial: 'undeclared',
  states: {
    undeclared: {
      description:
        'Before declaration. DE.AE-08: an extortion demand referencing our assets is declared at once, even while ' +
        'unverified; TM-CMD1 escalates 30 min after the demand.',
      meta: {
        owner: 'incident_commander',
        checklist: ['Fill in the demand record', 'Apply the declaration criteria (DE.AE-08)'],
        evidence: ['Original demand message with full headers'],
        source: 'PB-1 CMD-0/CMD-1, declaration criteria, TM-CMD1; NIST DE.AE-08',
      },
      initial: 'intake',
      after: {
        declarationOverdue: {
          actions: escalation('declaration_overdue', 'TM-CMD1', due.declarationOverdue),
        },
      },
      on: {
        'incident.declared': {
          target: 'active',
          actions: record('incident.declared', (context, event) => ({
            declaredAt: event.at,
            severity: event.payload.severity ?? context.severity,
            ...decision(
              context,
              'declare',
              event.payload.severity ?? context.severity,
              event.payload.rationale,
              event,
            ),
          })),
        },
      },
      states: {
        intake: {
          description: 'CMD-0: the incident exists; fill the demand record and open the evidence locker.',
          meta: {
            owner: 'incident_commander',
            checklist: [
              'Demand record: channel, sender, claimed assets, proof of access, threats, amount, wallet, window (R5)',
              'Open the evidence locker (SM-EVIDENCE)',
            ],
            evidence: ['Demand message, wallet address, any proof-of-access sample'],
            source: 'PB-1 CMD-0; FBI report fields (R5)',
          },
          on: {
            'triage.started': {
              target: 'triage',
              actions: record('triage.started', (context, event) => ({
                command: { ...context.command, triageStartedAt: event.at },
              })),
            },
          },
        },
        triage: {
          description:
            'CMD-1 (RS.MA-02/03): the IC reviews the demand, assigns roles and applies the declaration criteria. ' +
            'C2: the team leader confirmed the situation, then acted immediately.',
          meta: {
            owner: 'incident_commander',
            checklist: [
              'Review the demand',
              'Assign roles',
              'Set severity (Critical for health/ID/payment/credentials)',
            ],
            source: 'PB-1 CMD-1; C2; NIST RS.MA-02, RS.MA-03',
          },
        },
      },
    },
    active: {
      description:
        'CMD-2: declared; tracks B–G run in parallel on the status board. Situation report every 4 h (TM-CMD2). ' +
        'Moves to the recovery phase when eradication is verified (RS.MA-05).',
      meta: {
        owner: 'incident_commander',
        checklist: ['Status board current', 'Sitrep every 4 h', 'Decisions recorded with rationale'],
        evidence: ['Sitreps', 'Decision log'],
        source: 'PB-1 CMD-2, TM-CMD2; NIST RS.MA-01, RS.MA-04',
      },
      entry: pb.assign(({ context, event }) => ({
        command: { ...context.command, sitrepFrom: clock(event, context.declaredAt ?? context.openedAt) },
      })),
      after: {
        sitrepDue: {
          target: 'active',
          reenter: true,
          actions: escalation('sitrep_due', 'TM-CMD2', (c) =>
            addMs(c.command.sitrepFrom ?? c.declaredAt ?? c.openedAt, hours(4)),
          ),
        },
      },
      on: {
        'sitrep.published': {
          target: 'active',
          reenter: true,
          actions: recordSitrep,
        },
        'eradication.verified': { target: 'recovery_phase', guard: 'eradicationVerifiable' },
      },
    },
    recovery_phase: {
      description:
        'CMD-3: the recovery criteria are met (RS.MA-05: eradication verified); Track G leads, the other tracks carry on. ' +
        'Closure starts once recovery is complete (monitoring window over).',
      meta: {
        owner: 'incident_commander',
        checklist: ['Recovery track leads', 'Filings, notices and review still tracked'],
        source: 'PB-1 CMD-3; NIST RS.MA-05, RC.RP-01',
      },
      on: {
        'sitrep.published': {
          actions: recordSitrep,
        },
        'closure.started': { target: 'closing', guard: 'recoveryComplete' },
      },
    },
    closing: {
      description:
        'CMD-4 (RC.RP-06): closure checklist. The incident closes only when every other track is in its final state.',
      meta: {
        owner: 'incident_commander',
        checklist: [
          'Documents complete (after-action report)',
          'Regulatory clocks closed',
          'Evidence retention set (breach record 24 months, PIPEDA s.10.3)',
          'Review held and improvements tracked',
        ],
        evidence: ['After-action report', 'Breach record'],
        source: 'PB-1 CMD-4; NIST RC.RP-06; PIPEDA s.10.3 / BSSR s.6 (R15)',
      },
      on: {
        'incident.closed': {
          target: 'closed',
          guard: 'otherTracksFinal',
          actions: record('incident.closed', (context, event) => ({
            ...decision(context, 'declare', 'closed', event.payload.rationale, event),
          })),
        },
      },
    },
    closed: {
      type: 'final',
      description: 'The end of the incident has been declared (RC.RP-06).',
      meta: { owner: 'incident_commander', source: 'PB-1 CMD-4; NIST RC.RP-06' },
    },
  },
});
