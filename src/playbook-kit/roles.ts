/** The playbook roles of the catalogue (domain reference §5.0 "Roles"), bound per incident to tokens. */
export const catalogueRoles = {
  incident_commander: 'Runs the response and takes the command decisions: declare, contain, close.',
  technical_lead: 'Owns containment, evidence capture, eradication and the fix on the organisation side.',
  ir_vendor: 'External incident-response firm: forensics, containment support, findings report.',
  legal:
    'Legal / privacy counsel: reportability and threshold analysis, filings, contract and civil matters.',
  communications: 'Statements and notices to customers, staff, partners and the press (facts only).',
  executive: 'Executive approver: service, disclosure, vendor and reimbursement decisions.',
  le_liaison: 'Law-enforcement liaison: police and CERT reports, case numbers, information requests.',
  customer_support: 'Front line: takes reports and complaints, answers with approved templates.',
  hr: 'Human resources: interviews, suspension, disciplinary action (insider playbooks).',
  contractor_contact:
    'Contact at the contractor or processor that runs the affected system (third-party playbooks).',
  fraud_ops: 'Fraud operations: holds, cancellations, chargebacks, carrier and restitution work.',
} as const;

export type CatalogueRole = keyof typeof catalogueRoles;

/** The roles a playbook binds, with their descriptions. */
export const pickRoles = <const R extends CatalogueRole>(...names: R[]): Record<R, string> =>
  Object.fromEntries(names.map((name) => [name, catalogueRoles[name] as string])) as Record<R, string>;
