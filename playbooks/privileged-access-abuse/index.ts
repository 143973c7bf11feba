import { z } from 'zod';
import {
  allOf,
  anyOf,
  buildPlaybook,
  clocksTrack,
  commandTrack,
  incidentBasics,
  instant,
  intakeTrack,
  messagesTrack,
  pickRoles,
  reviewTrack,
  type Severity,
  text,
} from '../../src/playbook-kit';
import { declarationDue } from './deadlines';
import { events } from './events';
import { inState, PLAYBOOK_ID, tracks } from './tracks';

const source = 'PB-5; C1 iCloud support-staff extortion (S0, S1)';

export const privilegedAccessAbuseInput = z.strictObject({
  ...incidentBasics,
  trigger: z
    .enum(['customer_complaint', 'account_alert', 'social_media'])
    .describe(
      'PB-5 triggers: a complaint alleging staff threats or misuse; a login or recovery change shortly after a ' +
        'support interaction; the complaint going viral.',
    ),
  customerAccount: text(200).describe('The customer account concerned (C1: an Apple ID).'),
  staff: z.strictObject({
    reference: text(200).describe(
      'What identifies the staff member so far (agent id, call transfer, "unknown").',
    ),
    employer: z.enum(['own_staff', 'outsourcer', 'unknown']).default('unknown'),
    outsourcer: text(200).optional(),
  }),
  threat: z
    .strictObject({
      demand: text(1000),
      deadline: instant.optional().describe("The attacker's clock (C1: add a QQ contact within 1 hour)."),
      channel: text(200).optional(),
    })
    .optional()
    .describe('A personal-extortion threat, when there is one.'),
  viral: z
    .boolean()
    .default(false)
    .describe('Already past the virality threshold at opening (C1: >3.19 M views).'),
});
export type PrivilegedAccessAbuseInput = z.infer<typeof privilegedAccessAbuseInput>;

/** Critical for a threat that is already public; high for a threat or a public complaint. */
export function defaultSeverity(input: unknown): Severity {
  const { threat, viral } = input as PrivilegedAccessAbuseInput;
  if (threat && viral) return 'critical';
  if (threat || viral) return 'high';
  return 'medium';
}

/** PB-5, version 1: staff / outsourcer privileged-access abuse against a customer, from the iCloud case (C1). */
export const privilegedAccessAbuseV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Staff / outsourcer privileged-access abuse against a customer, incl. personal extortion',
  summary:
    'A customer says a support staff member used their access to threaten them (iCloud China: an advisor looked up ' +
    'the user, emailed all three registered addresses and demanded a QQ contact within 1 hour). Treat it as insider ' +
    'misuse: a person contacts the victim within 4 h and secures the account; suspend the staff member everywhere ' +
    'within 1 h (outsourcer included) after preserving the lookup log; investigate the lookups; terminate only ' +
    'after evidence and interview (D-S1); decide what may be said about him (D-S2); tell the victim the factual ' +
    'scope; PIPL Art. 57 "immediately"; a factual public statement within 24–48 h once viral; audit the outsourcer.',
  source: [
    'C1 iCloud support-staff extortion (S0, S1)',
    'PB-5 Staff / outsourcer privileged-access abuse (domain reference §5)',
    'R9 CISA Insider Threat Mitigation',
    'R10 CERT Common Sense Guide to Mitigating Insider Threats',
    'R12 GDPR Art. 33',
    'R14 APPI Art. 26',
    'R16 PIPL Art. 57',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'customer_support',
    'contractor_contact',
    'hr',
    'legal',
    'le_liaison',
    'communications',
    'executive',
  ),
  inputSchema: privilegedAccessAbuseInput,
  defaultSeverity,
  description:
    'PB-5 as a statechart: victim protection, insider containment (D-S1), investigation, legal/LE/regulatory, ' +
    'victim and public comms (D-S2) and vendor management run in parallel after the complaint (SM-INTAKE).',
  meta: {
    owner: 'incident_commander',
    checklist: [
      'A complaint alleging staff misconduct is a security incident',
      'Victim first: a person within 4 h',
      'Suspend within 1 h, outsourcer included; logs preserved first',
      'Facts only; no "trust us"',
    ],
    evidence: [
      'Victim-supplied recordings and screenshots',
      'Platform login notifications',
      'Support-tool audit trail',
      'Telephony logs incl. calls to the customer',
      "Outsourcer's HR records",
    ],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'customer_support', 'contractor_contact', 'hr', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: declarationDue,
      criteria:
        "Any customer complaint alleging that a staff member (ours or an outsourcer's) threatened them or misused " +
        'access to their data: insider misuse, not a service complaint.',
      source,
    }),
    intakeTrack({ source: `${source}: Apple declined "because it concerns privacy"` }),
    reviewTrack({
      startWhen: allOf(
        inState('victim.protected'),
        inState('investigation.scoped'),
        anyOf(
          inState('containment.terminated'),
          inState('containment.suspended'),
          inState('containment.reinstated'),
        ),
      ),
      source,
    }),
    messagesTrack({ audiences: ['victim', 'public', 'outsourcer', 'police', 'regulator'], source }),
    clocksTrack({
      roles: ['legal'],
      source: `${source}; PIPL Art. 57 "immediately"; GDPR / APPI equivalents`,
    }),
  ],
  tracks,
  example: {
    openedAt: '2018-03-01T15:35:00.000Z', // 23:35 Beijing time, 5 min after the complaint
    input: {
      organisation: { name: 'iCloud China operator', country: 'CN' },
      jurisdictions: ['CN'],
      timeZone: 'Asia/Shanghai',
      trigger: 'customer_complaint',
      customerAccount: 'Apple ID of @美国往事1999',
      staff: { reference: 'Technical advisor the call was transferred to', employer: 'outsourcer' },
      threat: {
        demand: 'Add this QQ within 1 hour or all your ID and materials are exposed.',
        deadline: '2018-03-01T23:00:00+08:00',
        channel: 'QQ',
      },
      report: {
        receivedAt: '2018-03-01T15:30:00.000Z',
        channel: 'phone',
        reporter: '@美国往事1999',
        claim: 'Your technical advisor looked up my account, emailed my three addresses and is extorting me.',
      },
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});
