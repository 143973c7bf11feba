import { z } from 'zod';
import { playbookFromFile } from '../../src/playbook-format/load';
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
} from '../../src/playbook-kit';
import { events, PLAYBOOK_ID, tracks } from './tracks';

const source = 'PB-8; C7 IPA IT Passport exam (S2)';

export const crossCustomerExposureInput = z.strictObject({
  ...incidentBasics,
  system: text(200).describe(
    'The application and function that mixed customers\' data, e.g. "group CSV export".',
  ),
  contractor: text(200)
    .optional()
    .describe('The contractor that runs it, when not the controller (C7: Hitachi).'),
});

/** PB-8, version 1: cross-customer data exposure from an application defect, from the IPA exam case (C7). */
export const crossCustomerExposureV1 = buildPlaybook({
  id: PLAYBOOK_ID,
  version: 1,
  title: 'Cross-customer data exposure from an application defect',
  summary:
    "A customer reports that what it downloaded holds someone else's data (IPA: two organisations' concurrent CSV " +
    'requests each returned both data sets, for want of mutual exclusion). Contractor tells the controller the same ' +
    'day; disable the function; find every concurrent event; have recipients delete and confirm; notify; record the ' +
    'threshold analysis even when not reportable; fix with a concurrency regression test.',
  source: [
    'C7 IPA IT Passport exam (S2)',
    'PB-8 Cross-customer data exposure (domain reference §5)',
    'R14 APPI Art. 26 and PPC Rules',
    'R12 GDPR Art. 33(2)',
  ],
  roles: pickRoles(
    'incident_commander',
    'technical_lead',
    'contractor_contact',
    'legal',
    'communications',
    'customer_support',
    'executive',
  ),
  inputSchema: crossCustomerExposureInput,
  defaultSeverity: () => 'medium',
  description:
    'PB-8 as a statechart: escalation, containment, scope, recipient remediation, notification, regulatory ' +
    'assessment and the fix run in parallel after a customer report (SM-INTAKE).',
  meta: {
    owner: 'incident_commander',
    checklist: ['Same-day controller notice', 'Function off first', 'Threshold analysis on record'],
    evidence: [
      'Request logs',
      'Generated files (hashed)',
      'Recipient confirmations',
      'Fix commit and test run',
    ],
    source,
  },
  events,
  evidenceRoles: ['technical_lead', 'contractor_contact', 'incident_commander'],
  shared: [
    commandTrack({
      declareWithin: {
        id: 'declarationDue',
        label: 'Declaration due (1 h after the report; policy default)',
        after: hours(1),
        from: (context) => context.input.report?.receivedAt ?? context.openedAt,
        source: 'PB-8 (policy default)',
      },
      criteria: "Any credible report of one customer receiving another customer's data.",
      source,
    }),
    intakeTrack({ roles: { acknowledge: ['customer_support', 'contractor_contact'] }, source }),
    reviewTrack({ startWhen: statePaths(PLAYBOOK_ID)('fix.verified'), source }),
    messagesTrack({
      audiences: ['affected_organisations', 'affected_individuals', 'public', 'regulator'],
      source,
    }),
    clocksTrack({ roles: ['legal'], source }),
  ],
  tracks,
  example: {
    openedAt: '2018-03-05T10:30:00+09:00',
    input: {
      organisation: { name: 'IPA', country: 'JP' },
      jurisdictions: ['JP'],
      timeZone: 'Asia/Tokyo',
      system: 'IT Passport group CSV export',
      contractor: 'Hitachi',
      report: {
        receivedAt: '2018-03-05T10:00:00+09:00',
        channel: 'contractor',
        reporter: 'Group applicant A',
        claim: "The downloaded information is abnormal: it holds another organisation's applicants.",
      },
    },
  },
  releasedAt: '2026-11-21T00:00:00.000Z',
});

/**
 * PB-8, version 2: version 1 written as data. The same machine, except that the guard on the last deletion
 * confirmation is the kit's named `payloadIs(outstanding: 0)` where version 1 had an inline predicate.
 */
export const crossCustomerExposureV2 = playbookFromFile(new URL('./v2.playbook.yaml', import.meta.url));
