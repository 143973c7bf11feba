import { addMs, days } from '../../../src/playbook-kit';
import { clock, decision, stamp } from '../context';
import { pb, record } from '../setup';

/** Track G: recovery and return online (RC.RP, RC.CO). */
export const recovery = pb.createStateConfig({
  description:
    'Track G, recovery and return online (RC.RP): starts when eradication is verified (RS.MA-05); clean rebuild, ' +
    'verified restore, credential reissue, validation, the return decision (D8), 30 days of heightened monitoring.',
  meta: {
    owner: 'technical_lead',
    checklist: ['Prioritise health, safety and revenue-critical systems (CISA item 3)'],
    evidence: ['Backup verification', 'Validation report'],
    source: 'PB-1 Track G; CISA checklist items 3, 12 (R3/R4); NIST RC.RP-01..06',
  },
  initial: 'await_eradication',
  states: {
    await_eradication: {
      description: 'REC-0: waits for eradication verified (CON-6) with the incident declared (RS.MA-05).',
      meta: { owner: 'incident_commander', source: 'PB-1 REC-0; NIST RS.MA-05' },
      on: { 'eradication.verified': { target: 'rebuild', guard: 'eradicationVerifiable' } },
    },
    rebuild: {
      description:
        'REC-1 (RC.RP-02): clean rebuild, unused components removed, MFA for admins, least privilege.',
      meta: {
        owner: 'technical_lead',
        checklist: [
          'Rebuild from clean images',
          'Remove unused components',
          'MFA for admin',
          'Least privilege',
        ],
        source: 'PB-1 REC-1; CISA checklist item 12 (R4); NIST RC.RP-02',
      },
      on: {
        'rebuild.completed': {
          target: 'restore',
          actions: record('rebuild.completed', (context, event) => ({
            recovery: { ...context.recovery, rebuild: stamp(event) },
          })),
        },
      },
    },
    restore: {
      description: 'REC-2 (RC.RP-03): restore data from backups only after their integrity is verified.',
      meta: {
        owner: 'technical_lead',
        checklist: ['Verify backup integrity (hash, offline copy) before use'],
        evidence: ['Backup verification record'],
        source: 'PB-1 REC-2; NIST RC.RP-03; CISA item 12 (offline, encrypted backups)',
      },
      on: {
        'restore.completed': {
          target: 'credential_reissue',
          actions: record('restore.completed', (context, event) => ({
            recovery: { ...context.recovery, restore: { ...event.payload, ...stamp(event) } },
          })),
        },
      },
    },
    credential_reissue: {
      description: 'REC-3: users re-enrol or reset on first login; new admin credentials with MFA.',
      meta: {
        owner: 'technical_lead',
        checklist: ['Forced reset / re-enrolment for users', 'New admin credentials with MFA'],
        source: 'PB-1 REC-3; NIST SP 800-63B: force a change on evidence of compromise (R8)',
      },
      on: {
        'credentials.reissued': {
          target: 'validation',
          actions: record('credentials.reissued', (context, event) => ({
            recovery: { ...context.recovery, credentialsReissued: stamp(event) },
          })),
        },
      },
    },
    validation: {
      description: 'REC-4 (RC.RP-05): vendor sign-off, vulnerability scan, monitoring and alerting live.',
      meta: {
        owner: 'technical_lead',
        checklist: ['Vendor sign-off', 'Vulnerability scan', 'Monitoring and alerting live'],
        evidence: ['Validation report'],
        source: 'PB-1 REC-4; NIST RC.RP-05',
      },
      on: {
        'validation.passed': {
          target: 'return_decision',
          actions: record('validation.passed', (context, event) => ({
            recovery: {
              ...context.recovery,
              validation: { summary: event.payload.summary, ...stamp(event) },
            },
          })),
        },
      },
    },
    return_decision: {
      description:
        'REC-5, D8 (RC.RP-04): return online only when the criteria are met: eradication verified, root cause ' +
        'identified and fixed, credentials rotated, backups verified, monitoring live, communications ready (in their ' +
        'update stage), filings on track. The machine checks the root cause and communications; the rest is checklist.',
      meta: {
        owner: 'executive',
        checklist: [
          'Eradication verified',
          'Root cause fixed',
          'Credentials rotated',
          'Backups verified',
          'Monitoring live',
          'Communications ready',
          'Filings on track',
        ],
        source: 'PB-1 REC-5, D8; NIST RC.RP-04',
      },
      on: {
        'service.restored': {
          target: 'monitoring',
          guard: 'returnCriteriaMet',
          actions: record('service.restored', (context, event) => ({
            onlineAt: event.at,
            ...decision(context, 'D8', 'return', event.payload.rationale, event),
          })),
        },
      },
    },
    monitoring: {
      description: 'REC-6: heightened monitoring for 30 days after the return to service (TM-REC6).',
      meta: {
        owner: 'technical_lead',
        checklist: ['Heightened monitoring and alerting', 'Watch for re-entry via the old vector'],
        source: 'PB-1 REC-6, TM-REC6',
      },
      after: {
        monitoringWindowClosed: {
          target: 'complete',
          actions: [
            pb.assign(({ context, event }) => ({
              recoveryCompletedAt: clock(event, addMs(context.onlineAt ?? context.openedAt, days(30))),
            })),
            pb.raise(({ context }) => ({
              type: 'recovery.completed' as const,
              at: context.recoveryCompletedAt ?? context.openedAt,
            })),
          ],
        },
      },
    },
    complete: {
      type: 'final',
      description: 'Recovery complete (RC.RP-06); the post-incident review is scheduled.',
      meta: { owner: 'technical_lead', source: 'PB-1 REC-6; NIST RC.RP-06' },
    },
  },
});
