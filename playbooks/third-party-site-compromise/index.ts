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
  statePaths,
  text,
  vendorTrack,
} from '../../src/playbook-kit';
import { events, PLAYBOOK_ID, requiredEvidence, tracks } from './tracks';

const source = 'PB-6; C4 Kumamoto Prefecture mail-magazine site (S2)';

export const thirdPartySiteCompromiseInput = z.strictObject({
  ...incidentBasics,
  site: text(300).describe('The affected website, e.g. the "気になる!くまもと" mail-magazine article site.'),
  contractor: text(200).describe('The contractor (processor) that runs the site.'),
  contractNoticeHours: z
    .number()
    .int()
    .min(1)
    .max(720)
    .optional()
    .describe("The contract's incident-notice period in hours; the 24 h policy default applies when longer."),
  publicBody: z
    .boolean()
    .default(false)
    .describe('The controller is an administrative body (APPI: 100-person threshold instead of 1,000).'),
  personalDataOnHost: z
    .boolean()
    .default(true)
    .describe('Personal data is stored on the compromised host (C4: present-campaign entries).'),
});

/** PB-6, version 1: third-party-hosted website compromise / defacement, from the Kumamoto case (C4). */
export const thirdPartySiteCompromiseV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Third-party-hosted website compromise / defacement',
  summary:
    'A site a contractor runs for the organisation is defaced and its data leaked (Kumamoto: the police pointed out ' +
    'a defaced page; 12,424 present-campaign entries of May 2008 – Jan 2018 leaked through old posts on the ' +
    "contractor's staff blog). Contractor tells the controller within 24 h; pages offline; evidence; scope; " +
    'notify individuals, public and the PPC (APPI category 3); purge over-retained data; rebuild; write security ' +
    'requirements into the contract.',
  source: [
    'C4 Kumamoto Prefecture mail-magazine site (S2)',
    'PB-6 Third-party-hosted website compromise (domain reference §5)',
    '§2.7 Processors, contractors and subsidiaries',
    'R14 APPI Art. 26, PPC Rules Art. 8, Guidelines 3-5-3-5',
    'R12 GDPR Art. 33(2)',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'ir_vendor',
    'contractor_contact',
    'legal',
    'communications',
    'customer_support',
    'executive',
    'le_liaison',
  ),
  inputSchema: thirdPartySiteCompromiseInput,
  defaultSeverity: (input) =>
    (input as z.infer<typeof thirdPartySiteCompromiseInput>).personalDataOnHost ? 'high' : 'medium',
  description:
    'PB-6 as a statechart: contractor activation, containment, evidence, scope, notification, minimisation, ' +
    'recovery and contract remediation run in parallel after an outside notice (C4: the prefectural police).',
  meta: {
    owner: 'incident_commander',
    checklist: [
      'Contractor notice within 24 h',
      'Capture, then take the pages offline',
      'Evidence before removing anything',
      'Purge what was kept too long',
      'Security requirements into the order',
    ],
    evidence: [...requiredEvidence, 'Police notice', 'Contractor correspondence'],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'contractor_contact', 'ir_vendor', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: {
        id: 'declarationDue',
        label: 'Declaration due (1 h after the notice; policy default)',
        after: hours(1),
        from: (context) => context.input.report?.receivedAt ?? context.openedAt,
        source: 'PB-6 (policy default)',
      },
      criteria:
        'Any credible notice (police, CERT, contractor, integrity alert) that a site run for us is defaced or accessed.',
      source,
    }),
    intakeTrack({
      roles: { acknowledge: ['le_liaison', 'customer_support', 'contractor_contact'] },
      source: `${source}: the prefectural police pointed the defacement out (17 Mar)`,
    }),
    vendorTrack({
      engageWithin: hours(4),
      source: `${source}: a six-person contractor with no evident security expertise`,
    }),
    reviewTrack({
      startWhen: statePaths(PLAYBOOK_ID)('recover.recovered'),
      source:
        `${source}. Include "treat peers' incidents as our own": present-campaign pages of Fukuoka Broadcasting ` +
        'and, since 2016, Nippon TV and others had been attacked before',
    }),
    messagesTrack({ audiences: ['individuals', 'public', 'regulator', 'contractor'], source }),
    clocksTrack({ roles: ['legal', 'incident_commander'], source: `${source}; §3.2 rows 6–9` }),
  ],
  tracks,
  example: {
    openedAt: '2018-03-17T01:10:00.000Z', // 10:10 JST, D0
    input: {
      organisation: { name: 'Kumamoto Prefecture', country: 'JP' },
      jurisdictions: ['JP'],
      timeZone: 'Asia/Tokyo',
      site: '気になる!くまもと mail-magazine article site',
      contractor: 'Contracted planning and production company (6 staff)',
      publicBody: true,
      report: {
        receivedAt: '2018-03-17T10:00:00+09:00',
        channel: 'police',
        reporter: 'Kumamoto Prefectural Police',
        claim:
          'Part of the public pages of the mail-magazine site, including the present-campaign page, is defaced.',
      },
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});
