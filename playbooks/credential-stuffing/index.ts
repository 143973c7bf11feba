import { z } from 'zod';
import { playbookFromFile } from '../../src/playbook-format/load';
import {
  buildPlaybook,
  clocksTrack,
  commandTrack,
  fromInput,
  hours,
  incidentBasics,
  instant,
  intakeTrack,
  messagesTrack,
  pickRoles,
  raisedSeverity,
  reviewTrack,
  text,
} from '../../src/playbook-kit';
import { events } from './events';
import { inState, PLAYBOOK_ID, tracks } from './tracks';

const source = 'PB-2; C9 docomo Online Shop (S4), C6 UK National Lottery (S2), C1 Hotmail takeover (S0/S1)';

export const credentialStuffingInput = z.strictObject({
  ...incidentBasics,
  service: text(200).describe(
    'The online service whose accounts were taken over, e.g. "docomo Online Shop".',
  ),
  detectedAt: instant
    .optional()
    .describe(
      'When the trigger fired: the complaint cluster recognised or the auth alert raised. The 1 h declaration ' +
        'deadline counts from here (else from the outside report, else from opening).',
    ),
  accountHolders: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Online accounts in the population (C6: 10.5 M): the base of the D-P1 global-vs-targeted decision.',
    ),
  transactional: z
    .boolean()
    .default(false)
    .describe(
      'Whether a taken-over account can buy, pay out or change delivery details (C9: iPhone X orders).',
    ),
  highValueEvent: z
    .strictObject({ name: text(200), at: instant })
    .optional()
    .describe('D-P5: a business-calendar event that raises urgency (C6: the £14 M EuroMillions draw).'),
});
export type CredentialStuffingInput = z.infer<typeof credentialStuffingInput>;

/** High when taken-over accounts can transact (fraud), medium otherwise; one level up before a high-value event (D-P5). */
export const defaultSeverity = raisedSeverity('medium', ['transactional', 'highValueEvent']);

/** PB-2, version 1: credential stuffing / account takeover with fraud, from docomo Online Shop (C9) and National Lottery (C6). */
export const credentialStuffingV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Credential stuffing / account takeover with fraud',
  summary:
    'Reused passwords let an attacker log in to customer accounts and transact (docomo Online Shop: ≈1,800 ' +
    'unauthorised logins, ≈1,000 fraudulent iPhone X orders, found through customer inquiries; National Lottery: ' +
    '≈150 accounts, all 10.5 M holders advised to change passwords). Detect from a complaint cluster or an auth ' +
    'anomaly; declare within 1 h; throttle within 1 h; protect high-risk functions; force resets on compromised ' +
    'accounts; hold, cancel and refund fraudulent orders; notify affected users within 72 h; decide disclosure ' +
    'timing; report to police and regulators; roll out MFA and breached-password screening; review.',
  source: [
    'C9 docomo Online Shop list-based attack (S4)',
    'C6 UK National Lottery credential stuffing (S2)',
    'C1 Hotmail takeover (S0, S1)',
    'PB-2 Credential stuffing / account takeover (domain reference §5)',
    '§2.4 R7 OWASP Credential Stuffing Prevention Cheat Sheet',
    '§2.4 R8 NIST SP 800-63B',
    '§3.2 rows 5–8 UK GDPR, APPI',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'fraud_ops',
    'customer_support',
    'le_liaison',
    'legal',
    'communications',
    'executive',
  ),
  inputSchema: credentialStuffingInput,
  defaultSeverity,
  description:
    'PB-2 as a statechart: detection (complaint cluster or auth anomaly), scope, containment, fraud operations, ' +
    'communications, legal/LE and hardening run in parallel, with SM-INTAKE, SM-COMMS, SM-CLOCKS and the review.',
  meta: {
    owner: 'incident_commander',
    checklist: [
      'Declare ≤1 h after the complaint cluster',
      'Throttle ≤1 h after declaration',
      'Force resets on every compromised account',
      'Affected-user notice ≤72 h',
    ],
    evidence: [
      'Auth logs (IP, user agent, timestamps, results)',
      'Blocklists applied',
      'Order, shipping and delivery-address records',
      'Reset and session-revocation records',
      'The complaint log',
      'Notices sent',
    ],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'fraud_ops', 'customer_support', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: {
        id: 'declarationDue',
        label: 'Declaration due (1 h after the complaint cluster or alert; policy default)',
        after: hours(1),
        from: fromInput('detectedAt'),
        source: 'PB-2 Timers: complaint-cluster → declaration ≤1 h (policy default)',
      },
      criteria:
        'A complaint cluster of unrecognised orders or activity, or an auth anomaly with successful logins, is ' +
        'declared (C9: customers noticed before Docomo did).',
      source,
    }),
    intakeTrack({ roles: { acknowledge: ['customer_support', 'fraud_ops'] }, source }),
    reviewTrack({ startWhen: inState('hardening.hardened'), source }),
    messagesTrack({
      audiences: ['affected_users', 'all_account_holders', 'public', 'regulator', 'press'],
      source,
    }),
    clocksTrack({ roles: ['legal'], source }),
  ],
  tracks,
  example: {
    openedAt: '2018-08-05T01:00:00.000Z', // 10:00 JST
    input: {
      organisation: { name: 'NTT Docomo', country: 'JP' },
      jurisdictions: ['JP'],
      timeZone: 'Asia/Tokyo',
      service: 'docomo Online Shop',
      detectedAt: '2018-08-05T09:45:00+09:00',
      transactional: true,
      report: {
        receivedAt: '2018-08-05T09:30:00+09:00',
        channel: 'phone',
        reporter: 'Online Shop customer',
        claim: 'An iPhone X was ordered on my account and I did not order it.',
      },
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});

/**
 * PB-2, version 2: version 1 written as data. The same machine; its inline guards are the kit's named guards
 * (`payloadAtLeast`, `payloadAtMost`, `factIs`, `not`), which decide the same.
 */
export const credentialStuffingV2 = playbookFromFile(new URL('./v2.playbook.yaml', import.meta.url));
