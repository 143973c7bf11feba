import { z } from 'zod';
import { clientEvent, ifThen, rationale, text, withRules } from '../../src/playbook-kit';

const IC = 'incident_commander';

/** D-I1 options: watch the insider quietly, or cut access now. */
export const containmentOptions = ['covert_monitoring', 'immediate_suspension'] as const;

/** Evidence kinds that must be in the locker before the subject is alerted by any containment step. */
export const evidenceFirst = ['remote_access_logs', 'file_server_audit', 'email'] as const;

const cellFunctions = ['security', 'hr', 'legal', 'executive_sponsor'] as const;

export const events = [
  clientEvent({
    type: 'cell.convened',
    title: 'Need-to-know cell convened',
    description:
      'PB-4 need-to-know command cell: security, HR, legal and an executive sponsor (CISA insider-threat team: ' +
      'HR and legal are mandatory roles). The subject and their reporting line are excluded (C3: the suspect ' +
      'was an executive officer).',
    roles: [IC],
    payload: z.strictObject({
      members: withRules(
        z
          .array(
            z.strictObject({
              function: z.enum([...cellFunctions, 'le_liaison', 'other']),
              name: text(200),
            }),
          )
          .min(4)
          .max(12),
        {
          check: (members) => cellFunctions.every((f) => members.some((member) => member.function === f)),
          message: 'the cell needs security, HR, legal and an executive sponsor (CISA insider-threat team)',
          jsonSchema: {
            allOf: cellFunctions.map((f) => ({
              contains: { type: 'object', properties: { function: { const: f } } },
            })),
          },
        },
      ),
      subjectExcluded: z
        .literal(true)
        .describe('The subject and anyone in their reporting line are outside the cell.'),
    }),
    examples: [
      {
        members: [
          { function: 'security', name: 'CSIRT lead' },
          { function: 'hr', name: 'HR director' },
          { function: 'legal', name: 'General counsel' },
          { function: 'executive_sponsor', name: 'CEO' },
        ],
        subjectExcluded: true,
      },
    ],
  }),
  clientEvent({
    type: 'legal_hold.issued',
    title: 'Legal hold issued',
    description:
      'PB-4 evidence first: a legal hold on the custodians and systems (mail, file servers, VPN, devices), ' +
      'quietly, before anything alerts the subject.',
    roles: ['legal'],
    payload: z.strictObject({ custodians: z.array(text(200)).min(1), systems: z.array(text(200)).min(1) }),
    examples: [
      {
        custodians: ['Executive officer (subject)'],
        systems: ['VPN gateway', 'File server', 'Mail', 'Company laptop'],
      },
    ],
  }),
  clientEvent({
    type: 'evidence.preserved',
    title: 'Evidence set preserved',
    description:
      'The evidence-first set is in the locker (remote-access/VPN logs, file-server audit trail, email) with a ' +
      'chain of custody fit for criminal and civil use (IPA 証拠確保; NIST RS.AN-07). Refused until every kind ' +
      'has been captured.',
    roles: ['technical_lead', 'ir_vendor'],
    payload: z.strictObject({ custodyLog: text(500), note: text().optional() }),
    examples: [{ custodyLog: 'evidence://locker/custody/insider-001.log' }],
  }),
  clientEvent({
    type: 'theft.scoped',
    title: 'What was taken, and where it went',
    description:
      'PB-4 Assess: the material taken, whether it holds personal data, where it went and the apparent intent ' +
      "(C3: financial-system proposals and quotes, a roster of ~100 engineers, to a competitor's PC and staff).",
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({
      materials: z.array(text(300)).min(1),
      personalData: z.boolean(),
      peopleInData: z.number().int().min(0).optional(),
      destination: text(300),
      channels: z
        .array(
          z.enum([
            'remote_access',
            'email',
            'removable_media',
            'cloud_storage',
            'competitor_device',
            'other',
          ]),
        )
        .min(1),
      intent: z.enum(['deliberate', 'unclear', 'inadvertent']),
    }),
    examples: [
      {
        materials: ['Financial-system proposals', 'Customer quotes', 'Engineer roster'],
        personalData: true,
        peopleInData: 100,
        destination: 'Competitor-issued PC and competitor staff mailboxes',
        channels: ['remote_access', 'email', 'competitor_device'],
        intent: 'deliberate',
      },
    ],
  }),
  clientEvent({
    type: 'trade_secret.assessed',
    title: 'Trade-secret status assessed',
    description:
      'Legal confirms trade-secret status under the Unfair Competition Prevention Act: secrecy management, ' +
      'usefulness and non-public nature must all hold.',
    roles: ['legal'],
    payload: withRules(
      z.strictObject({
        option: z.enum(['trade_secret', 'not_trade_secret']),
        secrecyManaged: z.boolean(),
        useful: z.boolean(),
        nonPublic: z.boolean(),
        rationale,
      }),
      {
        check: (p) => p.option !== 'trade_secret' || (p.secrecyManaged && p.useful && p.nonPublic),
        message: 'a trade secret needs secrecy management, usefulness and non-public nature',
        jsonSchema: ifThen(
          { properties: { option: { const: 'trade_secret' } } },
          {
            properties: {
              secrecyManaged: { const: true },
              useful: { const: true },
              nonPublic: { const: true },
            },
          },
        ),
      },
    ),
    examples: [
      {
        option: 'trade_secret',
        secrecyManaged: true,
        useful: true,
        nonPublic: true,
        rationale: 'Access-controlled share, marked confidential, describes customer systems.',
      },
    ],
  }),
  clientEvent({
    type: 'containment.signed_off',
    title: 'Legal sign-off on D-I1',
    description:
      'PB-4 D-I1: legal signs off on covert monitoring or immediate suspension before anyone decides it (NIST: ' +
      'delaying containment to watch is risky and is discussed with legal first).',
    roles: ['legal'],
    payload: z.strictObject({ option: z.enum(containmentOptions), rationale }),
    examples: [
      { option: 'immediate_suspension', rationale: 'Evidence is preserved; further loss is likely.' },
    ],
  }),
  clientEvent({
    type: 'containment.decided',
    title: 'D-I1 decided: covert monitoring or immediate suspension',
    description:
      'PB-4 D-I1. Accepted only for the option legal signed off, and from someone other than the signer.',
    roles: [IC, 'executive'],
    payload: z.strictObject({ option: z.enum(containmentOptions), rationale }),
    examples: [{ option: 'immediate_suspension', rationale: 'Legal signed off; stop further exfiltration.' }],
  }),
  clientEvent({
    type: 'monitoring.concluded',
    title: 'Covert monitoring concluded',
    description: 'The covert monitoring window ends: what it showed, and why containment proceeds now.',
    roles: [IC, 'legal'],
    payload: z.strictObject({ findings: text(2000), rationale }),
    examples: [{ findings: 'Second bulk pull to personal storage.', rationale: 'Enough to act on.' }],
  }),
  clientEvent({
    type: 'access.suspended',
    title: 'Access suspended',
    description:
      'CERT termination practice: disable VPN, remote and physical access and rotate shared/group accounts the ' +
      'subject knew. Refused until the legal hold and the evidence-first set are recorded.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      accounts: z.array(text(200)).min(1),
      sharedAccountsRotated: z.boolean(),
    }),
    examples: [{ accounts: ['vpn:subject', 'ad:subject', 'badge:subject'], sharedAccountsRotated: true }],
  }),
  clientEvent({
    type: 'equipment.collected',
    title: 'Company equipment collected',
    description: 'Laptops, phones, tokens and media collected, each entered into custody for imaging.',
    roles: ['hr', 'technical_lead'],
    payload: z.strictObject({ items: z.array(text(200)).min(1) }),
    examples: [{ items: ['Laptop SN-1234', 'Phone SN-5678', 'VPN token'] }],
  }),
  clientEvent({
    type: 'obligations.reaffirmed',
    title: 'NDA / IP obligations reaffirmed',
    description: 'CERT termination practice: the confidentiality and IP obligations restated in writing.',
    roles: ['legal', 'hr'],
    payload: z.strictObject({
      documents: z.array(z.enum(['nda', 'ip_assignment', 'return_of_materials', 'non_compete'])).min(1),
      acknowledgedBySubject: z.boolean(),
    }),
    examples: [{ documents: ['nda', 'ip_assignment', 'return_of_materials'], acknowledgedBySubject: false }],
  }),
  clientEvent({
    type: 'interview.held',
    title: 'Subject interviewed',
    description:
      'PB-4 HR: the interview, after access is suspended so it cannot tip the subject off; two people present.',
    roles: ['hr'],
    payload: z.strictObject({ attendees: z.array(text(200)).min(2), summary: text(4000) }),
    examples: [
      {
        attendees: ['HR director', 'General counsel'],
        summary: 'Subject says he created the materials himself.',
      },
    ],
  }),
  clientEvent({
    type: 'hr_action.decided',
    title: 'HR action decided',
    description:
      'PB-4 HR: disciplinary action or dismissal. Dismissal needs the HR records in the locker (the undisclosed ' +
      'dual-employment evidence).',
    roles: ['hr', 'executive'],
    payload: z.strictObject({
      option: z.enum(['dismissal', 'disciplinary', 'no_action', 'already_departed']),
      rationale,
    }),
    examples: [{ option: 'dismissal', rationale: 'Undisclosed dual employment and data theft.' }],
  }),
  clientEvent({
    type: 'police.consulted',
    title: 'Police consulted',
    description:
      'PB-4 Legal & LE: police consultation about the damage (C3: April 2017, about T0 + 3 months).',
    roles: ['le_liaison'],
    payload: z.strictObject({ station: text(200), reference: text(200).optional() }),
    examples: [{ station: 'Akasaka police station', reference: 'consultation 2017-04' }],
  }),
  clientEvent({
    type: 'criminal_complaint.decided',
    title: 'Criminal complaint decided',
    description:
      'Whether to file a criminal complaint (C3: Unfair Competition Prevention Act, trade-secret misappropriation).',
    roles: ['legal', IC],
    payload: z.strictObject({ option: z.enum(['file', 'do_not_file']), rationale }),
    examples: [{ option: 'file', rationale: 'Trade-secret status confirmed; intent evident.' }],
  }),
  clientEvent({
    type: 'arrest.reported',
    title: 'Arrest reported',
    description:
      'The police arrested the suspect (C3: 6 March 2018, devices including a portable HDD seized).',
    roles: ['le_liaison'],
    payload: z.strictObject({
      date: z.iso.date(),
      charge: text(300),
      seized: z.array(text(200)).default([]),
    }),
    examples: [
      {
        date: '2018-03-06',
        charge: 'Unfair Competition Prevention Act (trade-secret misappropriation)',
        seized: ['Portable hard disk'],
      },
    ],
  }),
  clientEvent({
    type: 'police_case.closed',
    title: 'Police case closed without arrest',
    description: 'The criminal case ends without an arrest; the outcome and what follows are recorded.',
    roles: ['le_liaison'],
    payload: z.strictObject({ outcome: text(1000), rationale }),
    examples: [{ outcome: 'Prosecutors declined.', rationale: 'Civil claim continues.' }],
  }),
  clientEvent({
    type: 'return_demand.sent',
    title: 'Return / destroy demand sent',
    description: 'PB-4 Legal: demand that the individual and the recipient return or destroy the material.',
    roles: ['legal'],
    payload: z.strictObject({
      recipients: z.array(text(200)).min(1),
      demand: z.enum(['return', 'destroy', 'return_and_destroy']),
    }),
    examples: [{ recipients: ['Former executive', 'Competitor'], demand: 'return_and_destroy' }],
  }),
  clientEvent({
    type: 'civil_action.decided',
    title: 'Civil action decided',
    description:
      'PB-4 Legal: a civil claim against the individual and, if evidenced, the receiving company (C3: filed Aug ' +
      '2017 against BayCurrent and the former employee). Naming the company needs evidence of its possession.',
    roles: ['legal', 'executive'],
    payload: withRules(
      z.strictObject({
        option: z.enum(['file', 'do_not_file']),
        defendants: z.array(z.enum(['individual', 'receiving_company'])).default([]),
        rationale,
      }),
      {
        check: (p) => p.option !== 'file' || p.defendants.length > 0,
        message: 'a claim names at least one defendant',
        jsonSchema: ifThen(
          { properties: { option: { const: 'file' } } },
          { required: ['defendants'], properties: { defendants: { type: 'array', minItems: 1 } } },
        ),
      },
    ),
    examples: [{ option: 'file', defendants: ['individual'], rationale: 'Damages from the lost engineers.' }],
  }),
  clientEvent({
    type: 'privacy.assessed',
    title: 'Privacy breach assessed',
    description:
      'PB-4 Privacy: the roster is personal data; taken for an improper purpose it is APPI category (3), ' +
      'reportable even for one person (preliminary promptly, confirmed within 60 days).',
    roles: ['legal'],
    payload: z.strictObject({
      option: z.enum(['reportable', 'not_reportable']),
      appiCategories: z.array(z.enum(['special_care', 'property_damage', 'improper_purpose', 'over_1000'])),
      affectedPeople: z.number().int().min(0),
      rationale,
    }),
    examples: [
      {
        option: 'reportable',
        appiCategories: ['improper_purpose'],
        affectedPeople: 100,
        rationale: 'Employee roster taken by an insider for headhunting: category (3).',
      },
    ],
  }),
  clientEvent({
    type: 'customer_notice.decided',
    title: 'Customer notice decided',
    description:
      'Contractual notice to customers whose confidential documents leaked (C3: proposals and quotes describing ' +
      'customer financial systems).',
    roles: ['legal', 'executive'],
    payload: z.strictObject({
      option: z.enum(['notify', 'not_needed']),
      customers: z.array(text(200)).default([]),
      rationale,
    }),
    examples: [
      { option: 'notify', customers: ['Bank A'], rationale: 'Their system designs were in the proposals.' },
    ],
  }),
  clientEvent({
    type: 'press_statement.decided',
    title: 'Public statement decided',
    description:
      'PB-4 Comms: an external statement, typically when the press covers an arrest (C3: the notice responded ' +
      'to "today\'s reports").',
    roles: [IC, 'executive'],
    payload: z.strictObject({
      option: z.enum(['publish', 'no_statement']),
      trigger: z.enum(['press_report', 'arrest', 'proactive', 'none']),
      rationale,
    }),
    examples: [{ option: 'publish', trigger: 'press_report', rationale: 'The arrest is in the news today.' }],
  }),
];
