import type { ClientEventDef } from '../../../src/playbook-kit';
import { clientEvents } from '../events';

/**
 * PB-1's own client events in version 3: the same types, roles, payload schemas and examples as version 2. The
 * shared tracks bring the rest (command: declaration, situation reports, closing; SM-REVIEW; SM-CLOCKS:
 * awareness, determination, materiality, filings; SM-EVIDENCE: evidence capture). Version 2's `triage.started`
 * and `closure.started` have no step in the kit's command track.
 */
const ownTypes = [
  'claim.assessed',
  'site.taken_offline',
  'site.kept_online',
  'evidence.baseline_captured',
  'evidence.gate_overridden',
  'credentials.revoked',
  'vendor.engaged',
  'vendor.declined',
  'eradication.completed',
  'eradication.verified',
  'evidence.demand_preserved',
  'evidence.collected',
  'scope.estimated',
  'root_cause.identified',
  'investigation.closed',
  'statement.approved',
  'customers.notified',
  'update.published',
  'individuals.notified',
  'statement.final_published',
  'jurisdictions.profiled',
  'regulatory.assessed',
  'organisations.notified',
  'police.reported',
  'breach_record.created',
  'insurer.notified',
  'insurer.not_applicable',
  'payment.inputs_recorded',
  'payment.pay_requested',
  'payment.legal_signed_off',
  'payment.decided',
  'payment.executed',
  'payment.reported',
  'actor_contact.decided',
  'leak.detected',
  'rebuild.completed',
  'restore.completed',
  'credentials.reissued',
  'validation.passed',
  'service.restored',
] as const;

/** Where version 3 says something version 2's text does not. */
const descriptions: Partial<Record<(typeof ownTypes)[number], string>> = {
  'evidence.baseline_captured':
    'CON-2 evidence gate: system image and memory capture where feasible (CISA checklist item 9, R3/R4), an export of ' +
    'all account/ID records before anything is disabled or deleted (C2 lesson: "export, then disable"), logs and config ' +
    '(RS.AN-07). Must include an account_export and a system_image. Each item goes into the evidence locker ' +
    '(SM-EVIDENCE); items captured one by one (`evidence.captured`) open the gate too.',
  'eradication.verified':
    'CON-6: independent rescan / IOC sweep and vendor attestation. Meets the recovery criteria (RS.MA-05): the ' +
    'recovery track starts. Needs the incident declared.',
  'regulatory.assessed':
    'D7 (LEG-1): per regime, is a report required? PIPEDA real risk of significant harm (health and ID images → high ' +
    'sensitivity; threatened publication → high probability); GDPR risk / high risk; APPI categories. Required ' +
    'regimes go to filings (`regulator.reported`, SM-CLOCKS); none required → done.',
  'leak.detected':
    'Leak watch (PAY-3a, TM-PAY3): data seen on paste/leak sites or forums, while the payment track watches. Re-opens ' +
    'the regulatory harm assessment (LEG-1) once it has been made; re-scope (INV-1) and consider individual notices ' +
    '(COM-3).',
  'service.restored':
    'D8 (REC-5, RC.RP-04): return online. Only when recovery is validated, the root cause is identified and the customer ' +
    'communications are in their update stage (ready for the return notice). Starts 30 days of heightened ' +
    'monitoring (TM-REC6) and the return notice (COM-4).',
};

export const ownEvents: ClientEventDef[] = ownTypes.map((type) => {
  const event = clientEvents.find((candidate) => candidate.type === type);
  if (!event) throw new Error(`ransom-demand has no event ${type}`);
  const description = descriptions[type];
  return description ? { ...event, description } : event;
});
