import { z } from 'zod';
import {
  allOf,
  anyOf,
  buildPlaybook,
  clocksTrack,
  commandTrack,
  hours,
  incidentBasics,
  instant,
  intakeTrack,
  messagesTrack,
  pickRoles,
  reviewTrack,
  type Severity,
  text,
  vendorTrack,
} from '../../src/playbook-kit';
import { declarationDue } from './deadlines';
import { events } from './events';
import { inState, PLAYBOOK_ID, tracks } from './tracks';

const source = 'PB-4; C3 Future Architect (S2)';

export const insiderDataTheftInput = z.strictObject({
  ...incidentBasics,
  trigger: z
    .enum([
      'dlp_alert',
      'bulk_or_off_hours_access',
      'hr_data_access',
      'hr_risk_signal',
      'departure_cluster',
      'access_gap',
      'tip',
      'competitor_holds_material',
    ])
    .describe(
      'PB-4 triggers: detector alerts, HR risk signals (C3: ~30 engineers left for one competitor), working-hours ' +
        'vs system-access gaps, a tip, or evidence that a competitor holds internal material.',
    ),
  suspicionAt: instant
    .optional()
    .describe(
      'When suspicion became credible; evidence preservation (24 h) counts from here. Default: opening.',
    ),
  exfiltrationStartedAt: instant
    .optional()
    .describe(
      'Best estimate of when exfiltration began (C3: January 2017); the long-horizon milestones count from here. ' +
        'Default: the suspicion time.',
    ),
  subject: z.strictObject({
    position: text(200).describe("The insider's position (C3: executive officer)."),
    executive: z.boolean().default(false),
    dualEmploymentSuspected: z.boolean().default(false),
  }),
  competitor: text(200).optional().describe('The receiving organisation, when known (C3: BayCurrent).'),
  personalDataSuspected: z
    .boolean()
    .default(false)
    .describe('Personal data among the material (C3: the engineer roster): APPI category (3).'),
});
export type InsiderDataTheftInput = z.infer<typeof insiderDataTheftInput>;

/** Critical when an executive took material to a named competitor (C3); high with personal data or a competitor. */
export function defaultSeverity(input: unknown): Severity {
  const { subject, competitor, personalDataSuspected } = input as InsiderDataTheftInput;
  if (subject.executive && competitor) return 'critical';
  if (personalDataSuspected || competitor || subject.executive) return 'high';
  return 'medium';
}

/** PB-4, version 1: insider data theft / trade-secret exfiltration, from the Future Architect case (C3). */
export const insiderDataTheftV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Insider data theft / trade-secret exfiltration',
  summary:
    'An insider takes confidential material to a competitor (Future Architect: an executive secretly employed by ' +
    'BayCurrent took proposals, quotes and a roster of ~100 engineers). Need-to-know cell; evidence first within ' +
    '24 h (legal hold, VPN, file-server, email); D-I1 covert monitoring vs suspension with legal sign-off; suspend, ' +
    'collect, reaffirm; interview and dismissal; police, criminal complaint and civil claim as months-long ' +
    'milestones; APPI category (3) with the 60-day confirmed report; customer notice; statement when the press ' +
    'reports.',
  source: [
    'C3 Future Architect trade-secret theft (S2)',
    'PB-4 Insider data theft (domain reference §5)',
    'R1 NIST SP 800-61r3: delaying containment is discussed with legal',
    'R9 CISA Insider Threat Mitigation',
    'R10 CERT Common Sense Guide to Mitigating Insider Threats',
    'R11 IPA Guideline for Preventing Insider Fraud',
    'R14 APPI Art. 26 and PPC Rules Art. 8',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'ir_vendor',
    'hr',
    'legal',
    'le_liaison',
    'communications',
    'executive',
    'customer_support',
  ),
  inputSchema: insiderDataTheftInput,
  defaultSeverity,
  description:
    'PB-4 as a statechart: need-to-know cell, evidence first, assess, manage/contain (D-I1), HR, law enforcement, ' +
    'civil claims, privacy & customers and comms run in parallel (CISA: Detect & Identify → Assess → Manage).',
  meta: {
    owner: 'incident_commander',
    checklist: [
      'Need-to-know: the subject is outside the cell',
      'Evidence before any containment',
      'Legal signs off D-I1',
      'Milestones months apart alongside the APPI clocks',
    ],
    evidence: [
      'Remote-access/VPN logs',
      'File-server audit trail',
      'Email',
      'Device images with chain of custody',
      'HR records (undisclosed dual employment)',
    ],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'ir_vendor', 'legal', 'hr', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: declarationDue,
      criteria:
        'Credible indication that an insider took or is taking confidential or personal data outside its purpose ' +
        '(detector alert, HR risk signal, departures to one competitor, a tip, or a competitor holding our material).',
      source,
    }),
    intakeTrack({
      roles: {
        acknowledge: ['legal', 'incident_commander'],
        triage: ['technical_lead', 'incident_commander'],
      },
      source: `${source}; a tip from outside (e.g. a competitor's customer or a former employee)`,
    }),
    vendorTrack({
      engageWithin: hours(24),
      source: `${source}; forensic imaging fit for court (IPA 証拠確保)`,
    }),
    reviewTrack({
      startWhen: allOf(inState('manage.contained'), anyOf(inState('hr.dismissed'), inState('hr.actioned'))),
      source:
        `${source}; prevention: the S2 writer's three early-warning signals (pay dissatisfaction, working-hours ` +
        'gaps, off-hours/external access review); IPA guideline measures; CERT practices',
    }),
    messagesTrack({
      audiences: ['staff', 'affected_employees', 'affected_customers', 'public', 'police'],
      source,
    }),
    clocksTrack({ roles: ['legal'], source: `${source}; APPI category (3): 60-day confirmed report` }),
  ],
  tracks,
  example: {
    openedAt: '2017-03-01T00:00:00.000Z', // 09:00 JST, when the departures to BayCurrent raise the alarm
    input: {
      organisation: { name: 'Future Architect', country: 'JP' },
      jurisdictions: ['JP'],
      timeZone: 'Asia/Tokyo',
      trigger: 'departure_cluster',
      exfiltrationStartedAt: '2017-01-10T09:00:00+09:00',
      subject: { position: 'Executive officer', executive: true, dualEmploymentSuspected: true },
      competitor: 'BayCurrent',
      personalDataSuspected: true,
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});
