import { z } from 'zod';
import {
  buildPlaybook,
  clocksTrack,
  commandTrack,
  hours,
  incidentBasics,
  intakeTrack,
  messagesTrack,
  pickRoles,
  reviewTrack,
  type Severity,
  vendorTrack,
} from '../../src/playbook-kit';
import { events } from './events';
import { inState, LE_TRIGGERS, PLAYBOOK_ID, tracks } from './tracks';

const source = 'PB-3; C5 Mabna Institute campaign against university accounts (S2; US DOJ, 23 Mar 2018)';

export const staffAccountCompromiseInput = z.strictObject({
  ...incidentBasics,
  trigger: z
    .enum([
      'law_enforcement_notice',
      'published_indictment',
      'cert_notice',
      'threat_intel',
      'mailbox_login_anomaly',
      'phishing_report',
    ])
    .describe('What started it (PB-3 Triggers). C5: an indictment and law-enforcement notice.'),
  notifiedAccounts: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Accounts named in the notice or flagged by the anomaly, before mapping.'),
  staffAccounts: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Staff accounts in the organisation: what an all-staff reset (D-S1) must cover.'),
  leInvestigationActive: z
    .boolean()
    .default(false)
    .describe(
      'A law-enforcement investigation is active (C5: the FBI); public disclosure then needs its clearance.',
    ),
});
export type StaffAccountCompromiseInput = z.infer<typeof staffAccountCompromiseInput>;

/** High when law enforcement, an indictment or a CERT says accounts are compromised (a campaign); medium otherwise. */
export function defaultSeverity(input: unknown): Severity {
  const { trigger } = input as StaffAccountCompromiseInput;
  return [...LE_TRIGGERS, 'cert_notice'].includes(trigger) ? 'high' : 'medium';
}

/** PB-3, version 1: compromised staff accounts / credential-theft campaign, from the Mabna Institute case (C5). */
export const staffAccountCompromiseV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Compromised staff accounts / credential-theft campaign',
  summary:
    'A law-enforcement or CERT notice, an indictment or a mailbox-login anomaly says staff accounts were taken ' +
    '(Mabna: >100,000 professors targeted, ≈8,000 mailboxes compromised, 31 TB of research and IP taken, FBI ' +
    'investigating). Separate targeted from compromised; decide the reset scope; reset and revoke within 24 h; ' +
    'clean mailboxes; block IOCs; mandate MFA for external access, high-value roles first; scope what left; ' +
    'notify staff, partners and regulators; decide a public statement vs confidential handling with law ' +
    'enforcement; harden; review.',
  source: [
    'C5 Mabna Institute campaign (S2; US DOJ press release, 23 Mar 2018)',
    'PB-3 Compromised staff accounts / credential-theft campaign (domain reference §5)',
    '§3.2 GDPR Art. 33 / APPI (per victim jurisdiction)',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'ir_vendor',
    'le_liaison',
    'legal',
    'communications',
    'customer_support',
    'executive',
  ),
  inputSchema: staffAccountCompromiseInput,
  defaultSeverity,
  description:
    'PB-3 as a statechart: identify, contain, investigate, notify, LE coordination and harden run in parallel, ' +
    'with SM-INTAKE for the notice, SM-VENDOR, SM-COMMS, SM-CLOCKS and the review.',
  meta: {
    owner: 'incident_commander',
    checklist: [
      'Separate targeted from compromised before deciding the reset scope',
      'Reset compromised accounts ≤24 h',
      'MFA for external access, high-value roles first',
      'Disclosure coordinated with law enforcement',
    ],
    evidence: ['Auth and mailbox audit logs', 'IOC lists', 'LE correspondence', 'Phishing samples'],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'ir_vendor', 'le_liaison', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: {
        id: 'declarationDue',
        label: 'Declaration due (4 h after the notice; policy default)',
        after: hours(4),
        from: (context) => context.input.report?.receivedAt ?? context.openedAt,
        source: 'PB-3 names no declaration timer: policy default, the SM-INTAKE triage window (≤4 h)',
      },
      criteria:
        'A law-enforcement/CERT notice or indictment naming the organisation or its accounts, or mailbox logins ' +
        'from unusual geographies with a phishing wave, is declared.',
      source,
    }),
    intakeTrack({
      roles: { acknowledge: ['le_liaison', 'communications', 'incident_commander'] },
      source,
    }),
    vendorTrack({ engageWithin: hours(4), source }),
    reviewTrack({ startWhen: inState('harden.hardened'), source }),
    messagesTrack({
      audiences: ['affected_staff', 'research_partners', 'public', 'regulator', 'data_subjects'],
      source,
    }),
    clocksTrack({ roles: ['legal'], source }),
  ],
  tracks,
  // C5, the day after the DOJ announced the charges; the counts are exercise values at the campaign's ratio.
  example: {
    openedAt: '2018-03-24T01:00:00.000Z', // 10:00 JST
    input: {
      organisation: { name: 'Example University', country: 'JP' },
      jurisdictions: ['JP'],
      timeZone: 'Asia/Tokyo',
      trigger: 'law_enforcement_notice',
      notifiedAccounts: 120,
      staffAccounts: 4000,
      leInvestigationActive: true,
      report: {
        receivedAt: '2018-03-24T09:30:00+09:00',
        channel: 'police',
        reporter: 'FBI, through the national police liaison',
        claim:
          "Professors' email accounts were compromised in the Mabna Institute campaign; account list attached.",
      },
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});
