import { z } from 'zod';
import {
  clientEvent,
  type Deadline,
  done,
  endOfToday,
  fromOpening,
  hours,
  lateFilingHasReason,
  optionIs,
  rationale,
  sendsTo,
  statePaths,
  step,
  text,
  track,
} from '../../src/playbook-kit';

export const PLAYBOOK_ID = 'cross-customer-exposure';
const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';
const C7 = 'PB-8; C7 IPA IT Passport exam (S2)';

/** PB-8 Escalation: contractor → controller the same day (policy/contract). */
const controllerNoticeDue: Deadline = {
  id: 'controllerNoticeDue',
  label: 'Controller notice due (end of the day the report arrived; policy/contract)',
  at: endOfToday,
  source: 'PB-8 Escalation; C7: the customer report reached IPA the same day',
};
/** Policy default: the defective function is off within 1 h of opening. */
const functionDisableDue: Deadline = {
  id: 'functionDisableDue',
  label: 'Defective function disabled (1 h after opening; policy default)',
  after: hours(1),
  from: fromOpening,
  source: 'PB-8 Contain (policy default)',
};

export const events = [
  clientEvent({
    type: 'controller.notified',
    title: 'Controller notified',
    description:
      'The contractor that runs the system tells the controller (data owner) what the customer reported. C7: Hitachi ' +
      'told IPA the same day. GDPR Art. 33(2) "without undue delay"; APPI contractor rule.',
    roles: ['contractor_contact', IC],
    payload: z.strictObject({ controller: text(200), channel: text(200), summary: text(4000) }),
    examples: [
      { controller: 'IPA', channel: 'phone, then email', summary: 'Two group applicants got merged CSVs.' },
    ],
  }),
  clientEvent({
    type: 'function.disabled',
    title: 'Defective function disabled',
    description:
      'The export (or other defective function) is switched off behind a feature flag until fixed.',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({ function: text(200), featureFlag: text(200), rationale }),
    examples: [
      {
        function: 'Group CSV export',
        featureFlag: 'group_csv_export=off',
        rationale: 'Stops further mixing.',
      },
    ],
  }),
  clientEvent({
    type: 'exposure.events_found',
    title: 'Exposure events found',
    description:
      'Log search for every concurrent-generation event: which requests, which tenants got whose records.',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({
      events: z.number().int().min(0),
      window: text(200),
      method: text(1000),
    }),
    examples: [
      { events: 1, window: '2018-03-05 full day', method: 'Request logs joined on generation timestamp' },
    ],
  }),
  clientEvent({
    type: 'affected.listed',
    title: 'Affected tenants and records listed',
    description: 'The list of affected tenants (organisations) and the records each exposed to whom.',
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({
      tenants: z.array(text(200)).min(1),
      records: z.number().int().min(0),
      dataFields: z.array(text(100)).min(1),
    }),
    examples: [{ tenants: ['Org A', 'Org B'], records: 120, dataFields: ['name', 'exam number'] }],
  }),
  clientEvent({
    type: 'recipients.contacted',
    title: 'Recipients asked to delete',
    description:
      "Each organisation that received another's data is asked to delete it and confirm in writing.",
    roles: ['customer_support', 'contractor_contact', IC],
    payload: z.strictObject({ recipients: z.array(text(200)).min(1) }),
    examples: [{ recipients: ['Org A', 'Org B'] }],
  }),
  clientEvent({
    type: 'deletion.confirmed',
    title: 'Deletion confirmed',
    description: 'Written confirmation from a recipient that the file and every copy is deleted.',
    roles: ['customer_support', 'contractor_contact', IC],
    payload: z.strictObject({
      recipient: text(200),
      outstanding: z.number().int().min(0),
      reference: text(200),
    }),
    examples: [{ recipient: 'Org A', outstanding: 0, reference: 'letter 2018-03-07' }],
  }),
  clientEvent({
    type: 'threshold.assessed',
    title: 'Reporting threshold assessed',
    description:
      'The regulatory threshold analysis, recorded even when the answer is "not reportable": APPI categories (1)–(4) ' +
      'and the >1,000-person threshold, GDPR risk to individuals.',
    roles: ['legal'],
    payload: z.strictObject({
      option: z.enum(['reportable', 'not_reportable']),
      affectedPeople: z.number().int().min(0),
      appiCategories: z.array(z.enum(['special_care', 'property_damage', 'improper_purpose', 'over_1000'])),
      rationale,
    }),
    examples: [
      {
        option: 'not_reportable',
        affectedPeople: 120,
        appiCategories: [],
        rationale: 'Under 1,000 people, no special-care data, both recipients confirmed deletion.',
      },
    ],
  }),
  clientEvent({
    type: 'public_notice.decided',
    title: 'Public notice decided',
    description: 'Decision on a public announcement. C7: IPA announced it on 13 March.',
    roles: ['executive', IC],
    payload: z.strictObject({ option: z.enum(['publish', 'direct_notice_only']), rationale }),
    examples: [{ option: 'publish', rationale: 'A public exam body; transparency expected.' }],
  }),
  clientEvent({
    type: 'fix.deployed',
    title: 'Fix deployed',
    description: 'Mutual exclusion or a unique per-request output, deployed (commit reference).',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({ commit: text(200), change: text(2000) }),
    examples: [{ commit: 'a1b2c3d', change: 'Each request writes to its own file named by request id.' }],
  }),
  clientEvent({
    type: 'concurrency_test.passed',
    title: 'Concurrency regression test passed',
    description:
      'A test that fires concurrent requests from different tenants and checks each gets only its own data.',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({ test: text(300), concurrentRequests: z.number().int().min(2) }),
    examples: [{ test: 'export.concurrency.spec', concurrentRequests: 50 }],
  }),
  clientEvent({
    type: 'function.reenabled',
    title: 'Function re-enabled',
    description: 'The function returns to service after the fix and its concurrency test.',
    roles: ['technical_lead', IC],
    payload: z.strictObject({ rationale }),
    examples: [{ rationale: 'Fix verified by the concurrency test.' }],
  }),
];

export const tracks = {
  escalation: track(
    {
      description: 'Escalation: the contractor tells the controller the same day (C7: Hitachi → IPA).',
      owner: 'contractor_contact',
      source: C7,
    },
    {
      notify_controller: step({
        description: 'Tell the controller what the customer reported, the same day.',
        owner: 'contractor_contact',
        checklist: ['What was reported, by whom, when', 'What has been done so far'],
        source: C7,
        deadlines: [controllerNoticeDue],
        on: { 'controller.notified': 'notified' },
      }),
      notified: done('The controller knows.', { owner: 'contractor_contact', source: C7 }),
    },
  ),
  containment: track(
    { description: 'Contain: switch the defective function off.', owner: 'technical_lead', source: C7 },
    {
      disable_function: step({
        description:
          'Disable the export function behind a feature flag (C7: no mutual exclusion on CSV generation).',
        owner: 'technical_lead',
        checklist: ['Feature flag off', 'Confirm no further downloads are served'],
        source: C7,
        deadlines: [functionDisableDue],
        on: { 'function.disabled': 'disabled' },
      }),
      disabled: done('The function is off until the fix is verified.', {
        owner: 'technical_lead',
        source: C7,
      }),
    },
  ),
  scope: track(
    {
      description: 'Scope: every concurrent-generation event, the affected tenants and records.',
      owner: 'technical_lead',
      source: C7,
    },
    {
      search_logs: step({
        description: 'Find every concurrent-generation event in the logs, not only the one reported.',
        owner: 'technical_lead',
        evidence: ['Request logs', 'The generated files, hashed'],
        source: C7,
        on: { 'exposure.events_found': 'list_affected' },
      }),
      list_affected: step({
        description: 'List the affected tenants and which records each exposed to whom.',
        owner: 'technical_lead',
        source: C7,
        on: { 'affected.listed': 'listed' },
      }),
      listed: done('Scope is known.', { owner: 'technical_lead', source: C7 }),
    },
  ),
  recipients: track(
    {
      description: 'Recipient remediation: every recipient deletes what it should not have, in writing.',
      owner: 'customer_support',
      source: C7,
    },
    {
      await_scope: step({
        description: 'Contact recipients once the affected list is known.',
        owner: 'customer_support',
        source: C7,
        on: { 'recipients.contacted': { target: 'await_confirmations', guard: inState('scope.listed') } },
      }),
      await_confirmations: step({
        description: 'Collect written deletion confirmations until none is outstanding.',
        owner: 'customer_support',
        evidence: ['Recipient confirmations'],
        source: C7,
        on: {
          'deletion.confirmed': [
            { target: 'confirmed', guard: ({ event }) => event.payload?.outstanding === 0 },
            { reenter: false },
          ],
        },
      }),
      confirmed: done('Every recipient confirmed deletion.', { owner: 'customer_support', source: C7 }),
    },
  ),
  notification: track(
    {
      description: 'Notify: the affected organisations and individuals, then the public notice decision.',
      owner: 'communications',
      source: C7,
    },
    {
      notify_affected: step({
        description: 'Send the approved notice to the affected organisations (SM-COMMS), citing the scope.',
        owner: 'communications',
        source: C7,
        on: { 'message.sent': { target: 'public_notice', guard: sendsTo('affected_organisations') } },
      }),
      public_notice: step({
        description: 'Decide on a public announcement (C7: IPA announced on 13 March).',
        owner: 'executive',
        source: C7,
        on: {
          'public_notice.decided': [
            { target: 'publish', guard: optionIs('publish'), decision: 'public_notice' },
            { target: 'notified', decision: 'public_notice' },
          ],
        },
      }),
      publish: step({
        description: 'Publish the approved public notice.',
        owner: 'communications',
        source: C7,
        on: { 'message.sent': { target: 'notified', guard: sendsTo('public') } },
      }),
      notified: done('Notices are out.', { owner: 'communications', source: C7 }),
    },
  ),
  regulatory: track(
    {
      description: 'Regulatory assessment: record the threshold analysis, file where reportable.',
      owner: 'legal',
      source: `${C7}; §3.2 APPI`,
    },
    {
      assess: step({
        description:
          'Threshold analysis: APPI categories (1)–(3) or more than 1,000 people; GDPR risk. Recorded even when the ' +
          'answer is "not reportable".',
        owner: 'legal',
        source: `${C7}; APPI Art. 26 (R14)`,
        on: {
          'threshold.assessed': [
            { target: 'file', guard: optionIs('reportable'), decision: 'reportability' },
            { target: 'recorded', decision: 'reportability' },
          ],
        },
      }),
      file: step({
        description:
          'Reportable: record the determination (starts the clocks) and file; a late filing gives its delay reason.',
        owner: 'legal',
        source: `${C7}; SM-CLOCKS`,
        on: { 'regulator.reported': { target: 'recorded', guard: lateFilingHasReason() } },
      }),
      recorded: done('The analysis (and any filing) is on record.', { owner: 'legal', source: C7 }),
    },
  ),
  fix: track(
    {
      description:
        'Fix and verify: mutual exclusion or unique output, a concurrency regression test, then re-enable.',
      owner: 'technical_lead',
      source: C7,
    },
    {
      fix: step({
        description: 'Fix the defect: mutual exclusion, or a unique output per request.',
        owner: 'technical_lead',
        source: C7,
        on: { 'fix.deployed': 'test' },
      }),
      test: step({
        description:
          'Prove it with a concurrency regression test (the S2 writer: exclusive control is basic).',
        owner: 'technical_lead',
        evidence: ['Test run output'],
        source: C7,
        on: { 'concurrency_test.passed': 'reenable' },
      }),
      reenable: step({
        description: 'Re-enable the function.',
        owner: 'technical_lead',
        source: C7,
        on: { 'function.reenabled': 'verified' },
      }),
      verified: done('Fixed, tested and back in service.', { owner: 'technical_lead', source: C7 }),
    },
  ),
};
