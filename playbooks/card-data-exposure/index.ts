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
  text,
} from '../../src/playbook-kit';
import { events, PLAYBOOK_ID, recoveryOver, tracks, verifiedNotOurs } from './tracks';

const source = 'PB-7; C8 NTT Docomo USA and the "technically impossible" reply (S3)';

export const cardDataFields = z.enum(['pan', 'expiry', 'cvv', 'name', 'date_of_birth', 'address', 'email']);

export const cardDataExposureInput = z.strictObject({
  ...incidentBasics,
  affiliates: z
    .array(text(200))
    .max(50)
    .default([])
    .describe('Subsidiaries and affiliates that could hold the data (C8: NTT DOCOMO USA, Inc.).'),
  claimedFields: z
    .array(cardDataFields)
    .default([])
    .describe(
      'What the report says is exposed (C8: names, email, card number and expiry, date of birth, address).',
    ),
  acquirer: text(200).optional().describe('The acquiring bank, notified with the card brands.'),
});

/** PB-7, version 1: payment-card data exposure incl. outsider disclosure, from the Docomo USA case (C8). */
export const cardDataExposureV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Payment-card data exposure, incl. outsider disclosure',
  summary:
    'An outsider reports card data leaking (Docomo USA: a blogger published verified records, and about an hour ' +
    'later the support desk replied that unauthorised access was "technically impossible"; that evening the ' +
    'group announced its US subsidiary had been breached). Neutral acknowledgement only, no denial until ' +
    'verification says "not ours"; verify across subsidiaries; isolate without powering off; card brands ' +
    'immediately, Visa in 3/10 business days; contact cardholders; one joint group statement, the same day if public.',
  source: [
    'C8 NTT Docomo USA (S3)',
    'PB-7 Payment-card data exposure (domain reference §5)',
    'SM-INTAKE denial rule (§5.0)',
    'R17 PCI DSS 12.10.1',
    'R18 Visa "What To Do If Compromised"',
    'R19 SEC Form 8-K Item 1.05',
    'R21 US state breach laws',
    'R14 APPI Art. 26',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'legal',
    'communications',
    'customer_support',
    'executive',
    'le_liaison',
  ),
  inputSchema: cardDataExposureInput,
  defaultSeverity: (input) => {
    const parsed = input as z.infer<typeof cardDataExposureInput>;
    return parsed.claimedFields.includes('pan') || parsed.report?.public ? 'critical' : 'high';
  },
  description:
    'PB-7 as a statechart: verification, containment, card brands, individuals, regulators, group coordination, ' +
    'public statement and PCI recovery run in parallel after an outside report (SM-INTAKE); denials stay ' +
    'blocked until verification finds the data is not ours.',
  meta: {
    owner: 'incident_commander',
    checklist: [
      'Neutral acknowledgement within 1 h; never "technically impossible"',
      'Check subsidiaries and affiliates',
      'Isolate, do not power off',
      'Card brands immediately',
      'Same-day statement if public',
    ],
    evidence: [
      'The external report with timestamps',
      'Sample hashes and where they were found',
      'Server logs',
      'Correspondence with the reporter',
    ],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: {
        id: 'declarationDue',
        label: 'Declaration due (1 h after the report; policy default)',
        after: hours(1),
        from: (context) => context.input.report?.receivedAt ?? context.openedAt,
        source: 'PB-7 (policy default)',
      },
      criteria: 'Any credible claim or brand notice that cardholder data of ours or an affiliate is exposed.',
      source,
    }),
    intakeTrack({
      roles: { acknowledge: ['customer_support', 'communications', 'incident_commander'] },
      source: `${source}: the blogger's inquiry was answered with a denial about 1 h later`,
    }),
    reviewTrack({ startWhen: recoveryOver, source }),
    messagesTrack({
      audiences: ['reporter', 'affected_customers', 'public', 'regulator'],
      denialAllowed: ({ context }) => verifiedNotOurs(context),
      source: `${source}; SM-INTAKE: denial templates blocked while facts are unknown`,
    }),
    clocksTrack({ roles: ['legal', 'incident_commander'], source: `${source}; §3.2 rows 6–8, 15–17` }),
  ],
  tracks,
  example: {
    openedAt: '2026-05-08T03:05:00.000Z', // 12:05 JST on a Friday, minutes after the blog post and inquiry
    input: {
      organisation: { name: 'NTT Docomo', country: 'JP' },
      jurisdictions: ['PCI', 'US', 'JP'],
      timeZone: 'Asia/Tokyo',
      affiliates: ['NTT DOCOMO USA, Inc.'],
      claimedFields: ['name', 'email', 'pan', 'expiry', 'date_of_birth', 'address'],
      report: {
        receivedAt: '2026-05-08T12:00:00+09:00',
        channel: 'blog',
        reporter: 'Blogger ("I believe in technology")',
        claim:
          'Personal data of Japanese customers, card numbers and expiry dates included, leaks from a US server.',
        public: true,
      },
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});
