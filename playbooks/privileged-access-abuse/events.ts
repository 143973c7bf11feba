import { z } from 'zod';
import { clientEvent, rationale, text } from '../../src/playbook-kit';

const IC = 'incident_commander';

/** Evidence kinds the victim supplies (C1: the call recording, the emails, screenshots, the login notice). */
export const victimEvidence = [
  'victim_recording',
  'victim_emails',
  'victim_screenshots',
  'login_notification',
] as const;

/** Records preserved before the staff member's fate is decided (C1 evidence list). */
export const staffRecords = ['support_tool_log', 'telephony_log', 'crm_notes'] as const;

export const events = [
  clientEvent({
    type: 'victim.contacted',
    title: 'Victim contacted by a person',
    description:
      'PB-5 Victim protection: a named person contacts the victim (not a template), within 4 h of the complaint. ' +
      'C1: Apple first declined "because it concerns privacy"; "being handled" came only after 3 days.',
    roles: ['customer_support', IC],
    payload: z.strictObject({
      channel: z.enum(['phone', 'email', 'chat', 'in_person']),
      contactedBy: text(200),
      summary: text(2000),
    }),
    examples: [
      {
        channel: 'phone',
        contactedBy: 'Senior support lead',
        summary: 'We take this as a security incident; account protection under way; direct line given.',
      },
    ],
  }),
  clientEvent({
    type: 'account.secured',
    title: "Victim's account secured",
    description:
      'Sessions revoked, credentials reset, recovery email and phone reviewed, two-factor enabled or offered ' +
      '(C1: an iCloud sign-in notice arrived; 2FA status unknown).',
    roles: ['technical_lead', 'customer_support'],
    payload: z.strictObject({
      sessionsRevoked: z.literal(true),
      credentialsReset: z.literal(true),
      recoveryReviewed: z.literal(true),
      twoFactor: z.enum(['enabled', 'already_on', 'offered_declined']),
    }),
    examples: [
      { sessionsRevoked: true, credentialsReset: true, recoveryReviewed: true, twoFactor: 'enabled' },
    ],
  }),
  clientEvent({
    type: 'victim.advised',
    title: 'Victim advised',
    description:
      'Linked accounts checked with the victim (C1: the Hotmail password was changed) and advice not to engage ' +
      'the extortion channel (the S0 writer: adding the QQ would itself expose the QQ account).',
    roles: ['customer_support'],
    payload: z.strictObject({
      linkedAccountsChecked: z.array(text(200)).min(1),
      extortionChannelWarning: z.literal(true),
    }),
    examples: [{ linkedAccountsChecked: ['Hotmail'], extortionChannelWarning: true }],
  }),
  clientEvent({
    type: 'victim_evidence.received',
    title: "Victim's evidence received",
    description:
      "The victim's recordings, emails and screenshots are accepted into the locker (evidence.captured with a " +
      `victim kind: ${victimEvidence.join(', ')}). Refused until at least one is there.`,
    roles: ['customer_support', 'technical_lead'],
    payload: z.strictObject({ items: z.array(text(200)).min(1) }),
    examples: [{ items: ['Call recording', 'Threat emails to three addresses', 'Sign-in notification'] }],
  }),
  clientEvent({
    type: 'staff.identified',
    title: 'Staff member identified',
    description:
      'PB-5 Insider containment: the staff member identified from call routing and the support-tool logs, and ' +
      'who employs them (C1: possibly an outsourced partner).',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({
      staffRef: text(200),
      employer: z.enum(['own_staff', 'outsourcer']),
      outsourcer: text(200).optional(),
      method: z.enum(['call_routing', 'tool_logs', 'call_routing_and_tool_logs']),
    }),
    examples: [
      {
        staffRef: 'Advisor #4417',
        employer: 'outsourcer',
        outsourcer: 'Support partner',
        method: 'call_routing_and_tool_logs',
      },
    ],
  }),
  clientEvent({
    type: 'access.suspended',
    title: "Staff member's access suspended",
    description:
      'D-S1, first half: suspend now, everywhere, within 1 h, including at the outsourcer. Refused until the ' +
      'support-tool lookup log is preserved (evidence while suspending) and, for outsourced staff, until the ' +
      'outsourcer confirms its side.',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({
      systems: z.array(text(200)).min(1),
      outsourcerConfirmed: z.boolean().default(false),
    }),
    examples: [{ systems: ['Support console', 'CRM', 'Telephony seat'], outsourcerConfirmed: true }],
  }),
  clientEvent({
    type: 'records.preserved',
    title: 'Support records preserved',
    description:
      `Support-tool lookup log, telephony logs (incl. calls to the customer from the support line) and CRM notes ` +
      `in the locker (${staffRecords.join(', ')}). Refused until all three are captured.`,
    roles: ['technical_lead'],
    payload: z.strictObject({ custodyLog: text(500) }),
    examples: [{ custodyLog: 'evidence://locker/custody/support-abuse-001.log' }],
  }),
  clientEvent({
    type: 'staff.interviewed',
    title: 'Staff member interviewed',
    description: "HR (ours or the outsourcer's) interviews the suspended staff member, two people present.",
    roles: ['hr', 'contractor_contact'],
    payload: z.strictObject({ attendees: z.array(text(200)).min(2), summary: text(4000) }),
    examples: [
      { attendees: ['HR partner', 'Security lead'], summary: 'Admits the callback; denies data access.' },
    ],
  }),
  clientEvent({
    type: 'staff_action.decided',
    title: 'D-S1: terminate, keep suspended or reinstate',
    description:
      'D-S1, second half: terminate only after the evidence and the interview; decided by someone other than the ' +
      'interviewer. C1: Apple fired him, then said it could not discuss him.',
    roles: ['executive', 'hr', 'contractor_contact'],
    payload: z.strictObject({ option: z.enum(['terminate', 'remain_suspended', 'reinstate']), rationale }),
    examples: [{ option: 'terminate', rationale: 'Lookup log and recordings confirm the abuse.' }],
  }),
  clientEvent({
    type: 'lookups.analysed',
    title: 'Lookups analysed',
    description:
      'PB-5 Investigation: what the staff member looked up or accessed and how (tool permission, account-recovery ' +
      'abuse), and the 2FA status at the time. This is the scope the victim is told.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      victimDataAccessed: z.array(text(200)),
      accountsLookedUp: z.number().int().min(0),
      method: z.enum(['tool_permission', 'account_recovery_abuse', 'third_party', 'unknown']),
      twoFactorAtTime: z.enum(['on', 'off', 'unknown']),
    }),
    examples: [
      {
        victimDataAccessed: ['Registered email addresses (3)', 'Phone number'],
        accountsLookedUp: 1,
        method: 'tool_permission',
        twoFactorAtTime: 'off',
      },
    ],
  }),
  clientEvent({
    type: 'logins.correlated',
    title: 'Logins correlated',
    description:
      "The support lookups correlated with the customer account's login events and linked accounts.",
    roles: ['technical_lead'],
    payload: z.strictObject({
      suspiciousLogins: z.number().int().min(0),
      linkedAccountsAffected: z.array(text(200)).default([]),
    }),
    examples: [{ suspiciousLogins: 1, linkedAccountsAffected: ['Hotmail'] }],
  }),
  clientEvent({
    type: 'other_customers.checked',
    title: 'Other customers checked',
    description:
      "The same staff member's other lookups and related complaints (S1: an agent pushing for good ratings to a " +
      'personal email).',
    roles: ['technical_lead', 'customer_support'],
    payload: z.strictObject({
      otherAccountsAffected: z.number().int().min(0),
      relatedComplaints: z.number().int().min(0),
    }),
    examples: [{ otherAccountsAffected: 0, relatedComplaints: 1 }],
  }),
  clientEvent({
    type: 'police.engaged',
    title: 'Police cooperation',
    description: 'PB-5 Legal/LE: cooperate with the police case (C1: the victim went to the police himself).',
    roles: ['le_liaison'],
    payload: z.strictObject({
      reportedBy: z.enum(['victim', 'organisation', 'both']),
      reference: text(200).optional(),
    }),
    examples: [{ reportedBy: 'victim', reference: 'Case 2018-0301' }],
  }),
  clientEvent({
    type: 'privacy.assessed',
    title: 'Privacy breach assessed',
    description:
      'Whether the access is a reportable personal-information breach: PIPL Art. 57 "immediately" (China), or the ' +
      'GDPR / APPI equivalents.',
    roles: ['legal'],
    payload: z.strictObject({ option: z.enum(['reportable', 'not_reportable']), rationale }),
    examples: [{ option: 'reportable', rationale: 'Personal information was accessed and misused.' }],
  }),
  clientEvent({
    type: 'outsourcer_contract.decided',
    title: 'Outsourcer contract enforcement decided',
    description:
      'Enforce the outsourcer contract (audit rights, penalties, staff-vetting duties), or record why not.',
    roles: ['legal', 'executive'],
    payload: z.strictObject({
      option: z.enum(['enforce', 'not_applicable']),
      measures: z.array(text(300)).default([]),
      rationale,
    }),
    examples: [{ option: 'enforce', measures: ['Audit under clause 12'], rationale: 'Outsourced staff.' }],
  }),
  clientEvent({
    type: 'staff_disclosure.decided',
    title: 'D-S2: what may be disclosed about the staff member',
    description:
      'D-S2 under privacy and employment law. C1: "he is no longer ours, so nothing can be shared" deepened ' +
      'suspicion and pushed the victim to the police.',
    roles: ['legal'],
    payload: z.strictObject({
      option: z.enum(['action_taken_only', 'action_and_police_referral', 'nothing']),
      rationale,
    }),
    examples: [
      {
        option: 'action_and_police_referral',
        rationale: 'State the suspension and the police referral; identity only to the police.',
      },
    ],
  }),
  clientEvent({
    type: 'virality.crossed',
    title: 'Virality threshold crossed',
    description:
      'The complaint crossed the virality threshold (policy) on social media (C1: >3.19 M views on Weibo).',
    roles: ['communications', IC],
    payload: z.strictObject({
      platform: text(100),
      views: z.number().int().min(0),
      url: text(500).optional(),
    }),
    examples: [{ platform: 'Weibo', views: 3_190_000 }],
  }),
  clientEvent({
    type: 'public_statement.decided',
    title: 'Public statement decided',
    description:
      'Whether to make a public statement before the case is viral; once viral, it is due (policy).',
    roles: ['executive', IC],
    payload: z.strictObject({ option: z.enum(['publish', 'not_needed']), rationale }),
    examples: [{ option: 'not_needed', rationale: 'Not public; the victim is informed directly.' }],
  }),
  clientEvent({
    type: 'outsourcer.notified',
    title: 'Outsourcer notified',
    description: 'The outsourcer is told (contractually) and asked to suspend, preserve and cooperate.',
    roles: [IC, 'legal'],
    payload: z.strictObject({ outsourcer: text(200), contractClause: text(200).optional() }),
    examples: [{ outsourcer: 'Support partner', contractClause: 'Security incident clause 9' }],
  }),
  clientEvent({
    type: 'outsourcer.not_involved',
    title: 'No outsourcer involved',
    description: 'The staff member is our own: vendor management does not apply; recorded with its reason.',
    roles: [IC],
    payload: z.strictObject({ option: z.literal('own_staff'), rationale }),
    examples: [{ option: 'own_staff', rationale: 'Identified as an employee of the support centre we run.' }],
  }),
  clientEvent({
    type: 'outsourcer.audited',
    title: 'Outsourcer audited',
    description: "Audit of the outsourcer's access controls, lookup logging, vetting and conduct standards.",
    roles: ['contractor_contact', 'technical_lead'],
    payload: z.strictObject({ findings: z.array(text(500)).min(1) }),
    examples: [{ findings: ['Advisors can see every registered email of an Apple ID without consent'] }],
  }),
  clientEvent({
    type: 'controls.remediated',
    title: 'Support-access controls remediated',
    description:
      "Least privilege, just-in-time lookups, customer-consent prompts and conduct standards (Apple's 8 March " +
      'statement committed to strict standards for staff and outsourcers).',
    roles: ['technical_lead', 'contractor_contact'],
    payload: z.strictObject({
      measures: z
        .array(
          z.enum([
            'least_privilege',
            'just_in_time_lookup',
            'customer_consent_prompt',
            'conduct_standards',
            'lookup_alerting',
          ]),
        )
        .min(1),
    }),
    examples: [{ measures: ['least_privilege', 'just_in_time_lookup', 'customer_consent_prompt'] }],
  }),
];
