import { z } from 'zod';
import { clientEvent, rationale, text, withRules } from '../../src/playbook-kit';

const IC = 'incident_commander';
const count = () => z.number().int().min(0);

export const events = [
  // ── identify ───────────────────────────────────────────────────────────────
  clientEvent({
    type: 'accounts.mapped',
    title: 'Notified accounts mapped to identities',
    description:
      'PB-3 Identify: map the accounts named in the law-enforcement/CERT notice (or flagged by the login anomaly) ' +
      'to staff identities; list what could not be mapped.',
    roles: ['technical_lead'],
    payload: z.strictObject({ notifiedAccounts: count(), mapped: count(), unmapped: count() }),
    examples: [{ notifiedAccounts: 120, mapped: 118, unmapped: 2 }],
  }),
  clientEvent({
    type: 'ioc_hunt.completed',
    title: 'IOC hunt completed',
    description:
      'PB-3 Identify: hunt with the indicators (source IPs, phishing senders and URLs) across authentication ' +
      'and mailbox logs, preserved first.',
    roles: ['technical_lead', 'ir_vendor'],
    payload: z.strictObject({
      iocs: z.number().int().min(1),
      hits: count(),
      sources: z.array(z.enum(['auth_logs', 'mailbox_audit', 'mail_gateway', 'proxy', 'edr'])).min(1),
    }),
    examples: [{ iocs: 40, hits: 96, sources: ['auth_logs', 'mail_gateway'] }],
  }),
  clientEvent({
    type: 'accounts.classified',
    title: 'Targeted vs compromised separated',
    description:
      'PB-3 Identify: separate accounts that were only targeted from those compromised (C5: >100,000 professors ' +
      'targeted, ≈8,000 compromised), and count high-value roles among the compromised. Re-send as it firms up.',
    roles: ['technical_lead', 'ir_vendor'],
    // JSON Schema cannot compare two fields: the rules are in the published description.
    payload: withRules(
      z.strictObject({
        targeted: count(),
        compromised: count(),
        highValueCompromised: count(),
        basis: text(1000),
      }),
      {
        check: (p) => p.compromised <= p.targeted,
        message: 'compromised accounts are a subset of targeted ones',
      },
      {
        check: (p) => p.highValueCompromised <= p.compromised,
        message: 'high-value compromised accounts are a subset of compromised ones',
      },
    ),
    examples: [
      {
        targeted: 1200,
        compromised: 96,
        highValueCompromised: 30,
        basis: 'Successful logins from campaign IPs after the phishing wave',
      },
    ],
  }),
  clientEvent({
    type: 'classification.verified',
    title: 'Classification verified',
    description:
      'A second person checks the targeted/compromised split (two-person rule: not whoever classified) before ' +
      'notices rely on it.',
    roles: [IC, 'technical_lead'],
    payload: z.strictObject({ note: text().optional() }),
    examples: [{}],
  }),

  // ── contain ────────────────────────────────────────────────────────────────
  clientEvent({
    type: 'reset_scope.decided',
    title: 'Reset scope decided (D-S1)',
    description:
      'D-S1 reset scope: the compromised accounts, every targeted account, or all staff. Only after targeted and ' +
      'compromised accounts are separated.',
    roles: [IC, 'executive'],
    payload: z.strictObject({ option: z.enum(['compromised', 'targeted', 'all_staff']), rationale }),
    examples: [{ option: 'compromised', rationale: 'Targeted-only accounts show no successful login.' }],
  }),
  clientEvent({
    type: 'accounts.reset',
    title: 'Credentials reset, sessions and tokens revoked',
    description:
      'PB-3 Contain: reset credentials and revoke sessions, tokens and app passwords (C5: with a stolen password ' +
      'a mailbox could be read from outside at will). The compromised accounts first, within 24 h; then the rest ' +
      'of the D-S1 scope.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      accounts: z.number().int().min(1),
      sessionsRevoked: z.literal(true),
      appPasswordsRevoked: z.literal(true),
    }),
    examples: [{ accounts: 96, sessionsRevoked: true, appPasswordsRevoked: true }],
  }),
  clientEvent({
    type: 'mailbox_rules.removed',
    title: 'Malicious mailbox rules removed',
    description: 'PB-3 Contain: remove malicious inbox rules and forwarding on every compromised mailbox.',
    roles: ['technical_lead'],
    payload: z.strictObject({ mailboxesChecked: count(), rulesRemoved: count(), forwardingRemoved: count() }),
    examples: [{ mailboxesChecked: 96, rulesRemoved: 14, forwardingRemoved: 9 }],
  }),
  clientEvent({
    type: 'iocs.blocked',
    title: 'IOCs blocked',
    description: 'PB-3 Contain: block the indicators at the mail gateway, proxy, DNS and firewall.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      iocs: z.number().int().min(1),
      controls: z.array(z.enum(['mail_gateway', 'proxy', 'dns', 'firewall', 'edr'])).min(1),
    }),
    examples: [{ iocs: 40, controls: ['mail_gateway', 'proxy'] }],
  }),
  clientEvent({
    type: 'mfa_mandate.decided',
    title: 'MFA mandate timeline decided (D-S2)',
    description:
      'D-S2 MFA mandate timeline for external access: every staff account at once, or high-value roles first ' +
      '(the S2 writer: professors, who hold the key assets) and all staff within the set number of days.',
    roles: [IC, 'executive'],
    payload: z.strictObject({
      option: z.enum(['all_staff_now', 'high_value_first']),
      allStaffWithinDays: z.number().int().min(1).max(365),
      rationale,
    }),
    examples: [
      {
        option: 'high_value_first',
        allStaffWithinDays: 30,
        rationale: 'Professors hold the research; the rest need enrolment support.',
      },
    ],
  }),
  clientEvent({
    type: 'mfa.enforced',
    title: 'MFA enforced for external access',
    description: 'MFA is enforced for external access for a population: high-value roles, or all staff.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      population: z.enum(['high_value_roles', 'all_staff']),
      methods: z.array(z.enum(['fido2', 'passkey', 'totp', 'push', 'sms'])).min(1),
    }),
    examples: [{ population: 'high_value_roles', methods: ['fido2', 'totp'] }],
    // Containment enforces it for high-value roles; hardening for all staff, after containment is done.
    owners: ['contain.mfa_rollout', 'harden.mfa_all_staff'],
  }),

  // ── investigate ────────────────────────────────────────────────────────────
  clientEvent({
    type: 'mailbox_audit.completed',
    title: 'Mailbox audit completed',
    description:
      'PB-3 Investigate: mailbox and file-access audit of the compromised accounts: external logins, bulk ' +
      'downloads, forwarding.',
    roles: ['technical_lead', 'ir_vendor'],
    payload: z.strictObject({ mailboxes: count(), bulkDownloads: count(), forwardingRules: count() }),
    examples: [{ mailboxes: 96, bulkDownloads: 21, forwardingRules: 9 }],
  }),
  clientEvent({
    type: 'exposure.scoped',
    title: 'Data exposure scoped',
    description:
      'PB-3 Investigate: what research data, intellectual property and personal data left (C5: 31 TB of ' +
      'academic data and IP taken across the victims).',
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({
      researchData: z.boolean(),
      intellectualProperty: z.boolean(),
      personalData: z.boolean(),
      dataSubjects: count().optional(),
      summary: text(4000),
    }),
    examples: [
      {
        researchData: true,
        intellectualProperty: true,
        personalData: true,
        dataSubjects: 400,
        summary: 'Draft papers and grant data; student records in two mailboxes.',
      },
    ],
  }),
  clientEvent({
    type: 'licensed_content.assessed',
    title: 'Licensed-content abuse assessed',
    description:
      'PB-3 Investigate: were licensed resources abused through the accounts (C5: journals, theses, ' +
      'dissertations and e-books among what was taken)?',
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({
      abused: z.boolean(),
      resources: z.array(z.enum(['journals', 'theses', 'dissertations', 'ebooks', 'databases'])).default([]),
      licensors: z.array(text(200)).default([]),
    }),
    examples: [{ abused: true, resources: ['journals', 'ebooks'], licensors: ['Publisher A'] }],
  }),

  // ── notify ─────────────────────────────────────────────────────────────────
  clientEvent({
    type: 'partners.notified',
    title: 'Partners, funders and licensors notified',
    description:
      'PB-3 Notify: research partners and funders (contractual), and licensors where licensed content was abused.',
    roles: ['legal', IC],
    payload: withRules(
      z.strictObject({
        partners: z.array(text(200)).default([]),
        funders: z.array(text(200)).default([]),
        licensors: z.array(text(200)).default([]),
      }),
      {
        check: (p) => p.partners.length + p.funders.length + p.licensors.length > 0,
        message: 'name at least one recipient',
        // Not "every list given is empty": an omitted list counts as empty.
        jsonSchema: {
          not: {
            properties: Object.fromEntries(
              ['partners', 'funders', 'licensors'].map((list) => [list, { type: 'array', maxItems: 0 }]),
            ),
          },
        },
      },
    ),
    examples: [
      { partners: ['Partner University'], funders: ['Research council'], licensors: ['Publisher A'] },
    ],
  }),
  clientEvent({
    type: 'partners.not_required',
    title: 'No partner notice required',
    description:
      'No research data, IP or licensed content left, so no partner, funder or licensor notice. Refused when the ' +
      'investigation found any.',
    roles: ['legal'],
    payload: z.strictObject({ option: z.literal('not_required'), rationale }),
    examples: [{ option: 'not_required', rationale: 'Only administrative mail was accessed.' }],
  }),
  clientEvent({
    type: 'reportability.assessed',
    title: 'Reportability assessed',
    description:
      'PB-3 Notify: regulators where personal data in the mailboxes is involved (GDPR 72 h from awareness; APPI; ' +
      'per victim jurisdiction, C5). "reportable" needs the awareness or determination on record so the clocks run.',
    roles: ['legal'],
    payload: z.strictObject({ option: z.enum(['reportable', 'not_reportable']), rationale }),
    examples: [{ option: 'reportable', rationale: 'Student records in compromised mailboxes.' }],
  }),

  // ── LE coordination ────────────────────────────────────────────────────────
  clientEvent({
    type: 'le.contacted',
    title: 'Law enforcement contacted',
    description:
      'PB-3 LE coordination: contact with the investigating agency (C5: the FBI), the case reference and any ' +
      'constraints on disclosure while the investigation is active.',
    roles: ['le_liaison'],
    payload: z.strictObject({
      agency: text(200),
      caseRef: text(200).optional(),
      investigationActive: z.boolean(),
      constraints: text(2000).optional(),
    }),
    examples: [
      {
        agency: 'FBI field office',
        caseRef: 'FBI-2018-001',
        investigationActive: true,
        constraints: 'Do not publish indicators or victim details before the agency agrees.',
      },
    ],
  }),
  clientEvent({
    type: 'le.not_contacted',
    title: 'Law enforcement not contacted',
    description:
      'Decision not to involve law enforcement, with a rationale. Refused when law enforcement or an indictment ' +
      'started the incident.',
    roles: ['le_liaison', IC],
    payload: z.strictObject({ option: z.literal('not_contacted'), rationale }),
    examples: [
      { option: 'not_contacted', rationale: 'Single phishing victim, no data taken; CERT informed.' },
    ],
  }),
  clientEvent({
    type: 'le_request.received',
    title: 'LE information request received',
    description: 'PB-3 Timers: law-enforcement information requests are tracked as tasks until answered.',
    roles: ['le_liaison'],
    payload: z.strictObject({ requestId: text(100), summary: text(2000) }),
    examples: [{ requestId: 'LE-REQ-1', summary: 'Authentication logs for the listed accounts.' }],
  }),
  clientEvent({
    type: 'le_request.answered',
    title: 'LE information request answered',
    description: 'An open law-enforcement information request answered (legal reviewed what was shared).',
    roles: ['le_liaison'],
    payload: z.strictObject({ requestId: text(100), summary: text(2000) }),
    examples: [{ requestId: 'LE-REQ-1', summary: 'Logs delivered through the agency portal.' }],
  }),
  clientEvent({
    type: 'le.cleared',
    title: 'Law enforcement cleared disclosure',
    description:
      'The investigating agency has no objection to a public statement (recorded by the LE liaison).',
    roles: ['le_liaison'],
    payload: z.strictObject({ agency: text(200), reference: text(200), limits: text(2000).optional() }),
    examples: [{ agency: 'FBI field office', reference: 'email 2018-03-23', limits: 'No indicators.' }],
  }),
  clientEvent({
    type: 'disclosure.decided',
    title: 'Public statement vs confidential handling decided (D-S3)',
    description:
      'D-S3: a public statement now, a statement once law enforcement clears it, or confidential handling ' +
      '(C5: with the FBI investigating, details about foreign universities were unlikely to be published). ' +
      "A statement now, while an investigation is active, needs the agency's clearance on record.",
    roles: ['executive', IC],
    payload: z.strictObject({
      option: z.enum(['public_statement', 'statement_after_le_clearance', 'confidential']),
      rationale,
    }),
    examples: [
      { option: 'confidential', rationale: 'Active FBI investigation; affected staff told directly.' },
    ],
  }),
  clientEvent({
    type: 'le.handed_over',
    title: 'LE coordination handed over',
    description:
      'The incident ends while the investigation may go on for years (C5: 2013–2017 campaign, charges in 2018): ' +
      'ongoing cooperation passes to a named owner, once every information request is answered.',
    roles: ['le_liaison', IC],
    payload: z.strictObject({ owner: text(200), rationale }),
    examples: [{ owner: 'General counsel office', rationale: 'Open requests answered; case continues.' }],
  }),

  // ── harden ─────────────────────────────────────────────────────────────────
  clientEvent({
    type: 'conditional_access.enabled',
    title: 'Conditional access enabled',
    description:
      'PB-3 Harden: conditional access for external logins; phishing-resistant MFA for high-value roles.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      policies: z.array(text(200)).min(1),
      phishingResistantFor: z.enum(['high_value_roles', 'all_staff']),
    }),
    examples: [
      {
        policies: ['Block legacy auth', 'Require compliant device off-campus'],
        phishingResistantFor: 'high_value_roles',
      },
    ],
  }),
  clientEvent({
    type: 'training.delivered',
    title: 'Training delivered',
    description:
      'PB-3 Harden: phishing-awareness training (the S2 writer suspects targeted English-language emails).',
    roles: ['technical_lead', 'communications'],
    payload: z.strictObject({ audience: text(200), phishingSimulation: z.boolean() }),
    examples: [{ audience: 'All academic staff', phishingSimulation: true }],
  }),
];
