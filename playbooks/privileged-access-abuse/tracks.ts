import {
  allOf,
  done,
  factRecorded,
  guard,
  hasEvidence,
  type KitStateConfig,
  lateFilingHasReason,
  notSameActorAs,
  optionIs,
  sendsTo,
  statePaths,
  step,
  track,
} from '../../src/playbook-kit';
import {
  accessSuspensionDue,
  publicStatementLimit,
  publicStatementTarget,
  victimContactDue,
} from './deadlines';
import { staffRecords, victimEvidence } from './events';

export const PLAYBOOK_ID = 'privileged-access-abuse';
export const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';
const C1 = 'PB-5; C1 iCloud support-staff extortion (S0, S1)';

/**
 * Suspension: the support-tool lookup log is preserved first (evidence while suspending), and an outsourced
 * staff member's access is confirmed cut at the outsourcer too.
 */
const suspensionComplete = allOf(
  hasEvidence('support_tool_log'),
  guard(
    ({ context, event }) =>
      context.facts['staff.identified']?.payload.employer !== 'outsourcer' ||
      event.payload?.outsourcerConfirmed === true,
  ),
);

/** Evidence of at least one of these kinds is in the locker. */
const someEvidenceOf = (...kinds: string[]) =>
  guard(({ context }) => context.evidence.some((item) => kinds.includes(item.kind)));

/** A regulator filing SM-CLOCKS accepts, after the determination that started the clocks. */
const filing = allOf(factRecorded('breach.determined'), lateFilingHasReason());

/** Routes the public-statement track: already viral at opening (C1: >3.19 M views) means a statement is due. */
const publicRouting: KitStateConfig = {
  description: 'Routes to the statement at once when the case was already viral when the incident opened.',
  meta: { owner: 'communications', source: `${C1}; PB-5 Comms` },
  always: [
    { target: 'statement', guard: ({ context }) => context.input.viral === true },
    { target: 'watch' },
  ],
} as KitStateConfig;

export const tracks = {
  victim: track(
    {
      description:
        'Victim protection (first): a person contacts the victim within 4 h, secures the account, advises on linked ' +
        "accounts and the extortion channel, and accepts the victim's evidence.",
      owner: 'customer_support',
      source: `${C1}; PB-5 Victim protection`,
    },
    {
      contact: step({
        description:
          'A named person contacts the victim within 4 h of the complaint (policy). C1: Apple declined several times ' +
          '"because it concerns privacy" and said "being handled" only after 3 days.',
        owner: 'customer_support',
        checklist: ['A person, not a template', 'Direct line for the victim', 'No blame, no "trust us"'],
        source: `PB-5 Victim protection; ${C1}: "being handled" only after 3 days`,
        deadlines: [victimContactDue],
        on: { 'victim.contacted': 'secure' },
      }),
      secure: step({
        description: 'Secure the account: revoke sessions, reset, review recovery email/phone, enable 2FA.',
        owner: 'technical_lead',
        checklist: ['Revoke sessions', 'Reset credentials', 'Review recovery email and phone', 'Enable 2FA'],
        source: `PB-5 Victim protection; ${C1}: sign-in notice, 2FA status unknown`,
        on: { 'account.secured': 'advise' },
      }),
      advise: step({
        description:
          'Advise on linked accounts (C1: the Hotmail password was changed) and against engaging the extortion ' +
          'channel (the S0 writer: adding the QQ contact would itself expose the QQ account).',
        owner: 'customer_support',
        source: `PB-5 Victim protection; ${C1}`,
        on: { 'victim.advised': 'accept_evidence' },
      }),
      accept_evidence: step({
        description:
          "Accept the victim's evidence into the locker (C1: the recorded call, the emails to the registered " +
          'addresses, screenshots, the sign-in notification).',
        owner: 'customer_support',
        evidence: ['Victim-supplied recordings and screenshots', 'Platform login notifications'],
        source: `PB-5 Victim protection; ${C1} evidence`,
        on: {
          'victim_evidence.received': {
            target: 'protected',
            guard: someEvidenceOf(...victimEvidence),
          },
        },
      }),
      protected: done('The victim is in contact, secured, advised, and their evidence is held.', {
        owner: 'customer_support',
        source: 'PB-5',
      }),
    },
  ),
  containment: track(
    {
      description:
        'Insider containment: identify the staff member, suspend all access within 1 h (outsourcer included), ' +
        'preserve the records, interview, then D-S1 (terminate only after evidence and interview).',
      owner: 'technical_lead',
      source: `${C1}; PB-5 Insider containment`,
    },
    {
      identify: step({
        description:
          'Identify the staff member from call routing and the support-tool logs, and their employer.',
        owner: 'technical_lead',
        checklist: [
          'Call routing (C1: the call was transferred to the "technical advisor")',
          'Tool lookup log',
        ],
        source: `PB-5 Insider containment; ${C1}`,
        deadlines: [accessSuspensionDue],
        on: { 'staff.identified': 'suspend' },
      }),
      suspend: step({
        description:
          'D-S1 first half: suspend every access now, including at the outsourcer, within 1 h. Preserve the ' +
          'support-tool lookup log first (refused until it is in the locker).',
        owner: 'technical_lead',
        checklist: ['Support console', 'CRM', 'Telephony seat', 'Outsourcer-side accounts confirmed'],
        source: `PB-5 Insider containment: suspend ≤1 h incl. outsourcer; D-S1`,
        deadlines: [accessSuspensionDue],
        on: { 'access.suspended': { target: 'preserve', guard: suspensionComplete } },
      }),
      preserve: step({
        description:
          'Preserve the support-tool lookup log, telephony logs (both the support line and calls to the customer) ' +
          'and the CRM notes, with custody entries.',
        owner: 'technical_lead',
        evidence: ['Support-tool audit trail', 'Telephony logs', 'CRM notes', "Outsourcer's HR records"],
        source: `PB-5 Insider containment; ${C1} evidence`,
        on: { 'records.preserved': { target: 'interview', guard: hasEvidence(...staffRecords) } },
      }),
      interview: step({
        description: "Interview the suspended staff member (our HR or the outsourcer's), two people present.",
        owner: 'hr',
        source: 'PB-5 D-S1: terminate only after evidence and interview',
        on: { 'staff.interviewed': 'decide' },
      }),
      decide: step({
        description:
          'D-S1 second half: terminate, keep suspended (e.g. pending the police), or reinstate; decided by someone ' +
          'other than the interviewer. C1: firing first and then refusing to discuss him deepened suspicion.',
        owner: 'executive',
        source: `PB-5 D-S1; ${C1}`,
        on: {
          'staff_action.decided': [
            {
              target: 'terminated',
              guard: allOf(optionIs('terminate'), notSameActorAs('staff.interviewed')),
              decision: 'D-S1',
            },
            {
              target: 'suspended',
              guard: allOf(optionIs('remain_suspended'), notSameActorAs('staff.interviewed')),
              decision: 'D-S1',
            },
            {
              target: 'reinstated',
              guard: allOf(optionIs('reinstate'), notSameActorAs('staff.interviewed')),
              decision: 'D-S1',
            },
          ],
        },
      }),
      terminated: done('Terminated after evidence and interview.', { owner: 'hr', source: 'PB-5 D-S1' }),
      suspended: done('Kept suspended pending the police case or further evidence.', {
        owner: 'hr',
        source: 'PB-5 D-S1',
      }),
      reinstated: done('Reinstated: the allegation was not borne out; rationale recorded.', {
        owner: 'hr',
        source: 'PB-5 D-S1',
      }),
    },
  ),
  investigation: track(
    {
      description:
        'Investigation: what was looked up or accessed and how, correlation with the login events, and whether ' +
        'other customers were affected.',
      owner: 'technical_lead',
      source: `${C1}; PB-5 Investigation`,
    },
    {
      lookups: step({
        description:
          'What the staff member looked up or accessed and how: tool permission, account-recovery abuse, 2FA status ' +
          'at the time. C1: how he found all three registered addresses is unexplained.',
        owner: 'technical_lead',
        source: `PB-5 Investigation; ${C1}`,
        on: { 'lookups.analysed': { target: 'correlate', guard: hasEvidence('support_tool_log') } },
      }),
      correlate: step({
        description: "Correlate the lookups with the customer account's login events and linked accounts.",
        owner: 'technical_lead',
        source: `PB-5 Investigation; ${C1}: iCloud sign-in notice, Hotmail reset`,
        on: { 'logins.correlated': 'other_customers' },
      }),
      other_customers: step({
        description:
          "Search the same staff member's other lookups and related complaints (S1: a report of an agent pushing for " +
          'good ratings to a personal email).',
        owner: 'technical_lead',
        source: `PB-5 Investigation; ${C1}`,
        on: { 'other_customers.checked': 'scoped' },
      }),
      scoped: done('The access and its reach are established.', { owner: 'technical_lead', source: 'PB-5' }),
    },
  ),
  legal: track(
    {
      description:
        'Legal / LE / regulatory: police cooperation, PIPL Art. 57 "immediately" (or GDPR / APPI equivalents), ' +
        'and the outsourcer contract.',
      owner: 'legal',
      source: `${C1}; PB-5 Legal/LE/regulatory; §3.2 row 14`,
    },
    {
      police: step({
        description:
          'Cooperate with the police case (C1: the victim reported to the police after Apple declined).',
        owner: 'le_liaison',
        source: `PB-5 Legal/LE; ${C1}`,
        on: { 'police.engaged': 'regulatory' },
      }),
      regulatory: step({
        description:
          'Assess reportability: PIPL Art. 57 "immediately" (China), GDPR / APPI equivalents elsewhere.',
        owner: 'legal',
        source: 'PB-5 Legal/regulatory; PIPL Art. 57 (R16)',
        on: {
          'privacy.assessed': [
            { target: 'file', guard: optionIs('reportable'), decision: 'reportability' },
            { target: 'contract', decision: 'reportability' },
          ],
        },
      }),
      file: step({
        description:
          'Record the determination (breach.determined starts the PIPL Art. 57 clock, policy target 24 h) and file.',
        owner: 'legal',
        source: 'PB-5; SM-CLOCKS; PIPL Art. 57 (§3.2 row 14)',
        on: { 'regulator.reported': { target: 'contract', guard: filing } },
      }),
      contract: step({
        description: 'Enforce the outsourcer contract, or record why it does not apply.',
        owner: 'legal',
        source: 'PB-5 Legal: enforce the outsourcer contract',
        on: { 'outsourcer_contract.decided': { target: 'done', decision: 'outsourcer_contract' } },
      }),
      done: done('Police, regulators and the contract handled.', { owner: 'legal', source: 'PB-5' }),
    },
  ),
  victim_comms: track(
    {
      description:
        'Comms to the victim: D-S2, then a factual, victim-specific update on the scope of data accessed (C1: the ' +
        'victim demanded it; Apple said it was "secret").',
      owner: 'communications',
      source: `${C1}; PB-5 Comms`,
    },
    {
      staff_disclosure: step({
        description:
          'D-S2: what may be disclosed about the staff member under privacy and employment law. C1: "he is no ' +
          'longer ours, so we cannot share details" read as "trust us".',
        owner: 'legal',
        source: `PB-5 Comms D-S2; ${C1}`,
        on: { 'staff_disclosure.decided': { target: 'victim_update', decision: 'D-S2' } },
      }),
      victim_update: step({
        description:
          'Tell the victim the factual scope of the access: an approved, factual message citing the lookup analysis ' +
          '(lookups.analysed). No "trust us".',
        owner: 'communications',
        source: `PB-5 Comms: scope of data accessed; ${C1}`,
        on: {
          'message.sent': {
            target: 'informed',
            guard: sendsTo('victim', { factual: true, citing: ['lookups.analysed'] }),
          },
        },
      }),
      informed: done('The victim knows the factual scope and what may be said about the staff member.', {
        owner: 'communications',
        source: 'PB-5',
      }),
    },
  ),
  public_comms: track(
    {
      description:
        'Comms to the public: once the virality threshold is crossed a factual statement is due within 24–48 h ' +
        "(policy). C1: Apple's statement came after ~7 days.",
      owner: 'communications',
      source: `${C1}; PB-5 Comms`,
      initial: 'routing',
    },
    {
      routing: publicRouting,
      watch: step({
        description:
          'Watch for the virality threshold (C1: >3.19 M views); decide on a proactive statement or record that none ' +
          'is needed.',
        owner: 'communications',
        source: `PB-5 Comms; ${C1}`,
        on: {
          'virality.crossed': 'statement',
          'public_statement.decided': [
            { target: 'statement', guard: optionIs('publish'), decision: 'public_statement' },
            { target: 'not_needed', decision: 'public_statement' },
          ],
        },
      }),
      statement: step({
        description:
          'Publish an approved, factual statement citing recorded facts within 24 h (48 h at most) of going viral. ' +
          'Avoid blaming the individual and "trust us".',
        owner: 'communications',
        source: `PB-5 Comms: public statement ≤24–48 h once viral (policy); ${C1}`,
        deadlines: [publicStatementTarget, publicStatementLimit],
        on: { 'message.sent': { target: 'published', guard: sendsTo('public', { factual: true }) } },
      }),
      published: done('The public statement is out.', { owner: 'communications', source: 'PB-5' }),
      not_needed: done('No public statement: the case did not go public; rationale recorded.', {
        owner: 'communications',
        source: 'PB-5',
      }),
    },
  ),
  vendor_management: track(
    {
      description:
        'Vendor management: notify and audit the outsourcer, then least privilege, just-in-time lookups, consent ' +
        'prompts and conduct standards.',
      owner: 'contractor_contact',
      source: `${C1}; PB-5 Vendor management; §2.7`,
    },
    {
      engage: step({
        description:
          "Notify the outsourcer under the contract (C1: Apple's statement admitted outsourced support), or record " +
          'that the staff member is our own.',
        owner: IC,
        source: `PB-5 Vendor management; ${C1}`,
        on: {
          'outsourcer.notified': 'audit',
          'outsourcer.not_involved': { target: 'not_applicable', decision: 'outsourcer' },
        },
      }),
      audit: step({
        description: "Audit the outsourcer's access controls, lookup logging, vetting and conduct standards.",
        owner: 'contractor_contact',
        source: 'PB-5 Vendor management: outsourcer audit',
        on: { 'outsourcer.audited': 'remediate' },
      }),
      remediate: step({
        description:
          'Least privilege, just-in-time lookups, customer-consent prompts, conduct standards (Apple committed to ' +
          'strict standards for staff and outsourced partners on 8 March).',
        owner: 'technical_lead',
        source: `PB-5 Vendor management; ${C1}`,
        on: { 'controls.remediated': 'remediated' },
      }),
      remediated: done('The outsourcer is audited and the support-access controls are fixed.', {
        owner: 'contractor_contact',
        source: 'PB-5',
      }),
      not_applicable: done('Own staff: controls are fixed through the review.', {
        owner: IC,
        source: 'PB-5',
      }),
    },
  ),
};
