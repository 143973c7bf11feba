import {
  addMs,
  allOf,
  anyOf,
  clocksSettled,
  type Deadline,
  days,
  decidedAs,
  done,
  factNumber,
  factPayload,
  factRecorded,
  fromFact,
  type Go,
  guard,
  hasEvidence,
  hours,
  type KitContext,
  type KitStateConfig,
  latestOption,
  notSameActorAs,
  optionIs,
  payloadIs,
  sendsTo,
  statePaths,
  step,
  track,
} from '../../src/playbook-kit';

export const PLAYBOOK_ID = 'staff-account-compromise';
export const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';

const PB3 = 'PB-3 Compromised staff accounts';
const C5 = 'C5 Mabna Institute campaign (S2)';

/** Triggers that come from law enforcement: the organisation cannot decide not to talk to them. */
export const LE_TRIGGERS = ['law_enforcement_notice', 'published_indictment'];

// ── deadlines ─────────────────────────────────────────────────────────────────

/** PB-3 Timers: reset affected accounts ≤24 h (policy), from when the compromised accounts are known. */
const resetDue: Deadline = {
  id: 'resetDue',
  label: 'Compromised accounts reset (24 h after they are identified; policy default)',
  after: hours(24),
  from: fromFact('accounts.classified'),
  source: `${PB3} Timers: reset affected accounts ≤24 h (policy)`,
};

/** D-S2 sets its own timeline: MFA for external access for all staff by the date the decision named. */
const mfaAllStaffDue: Deadline = {
  id: 'mfaAllStaffDue',
  label: 'MFA for external access enforced for all staff (the date D-S2 set)',
  at: (context: KitContext) => {
    const mandate = context.facts['mfa_mandate.decided'];
    const within = Number(mandate?.payload.allStaffWithinDays ?? 0);
    return addMs(mandate?.at ?? context.now, days(within));
  },
  source: `${PB3} D-S2 MFA mandate timeline; ${C5}: the S2 writer, "MFA for external access is essential"`,
};

// ── guards ────────────────────────────────────────────────────────────────────

/** Accounts a reset must cover for a scope: the compromised, the targeted, or every staff account. */
function required(context: KitContext, scope: string | undefined): number {
  const compromised = factNumber(context, 'accounts.classified', 'compromised') ?? 0;
  const targeted = factNumber(context, 'accounts.classified', 'targeted') ?? compromised;
  if (scope === 'all_staff') return (context.input.staffAccounts as number | undefined) ?? targeted;
  return scope === 'targeted' ? targeted : compromised;
}
const coversCompromised = guard(
  ({ context, event }) => Number(event.payload?.accounts) >= required(context, 'compromised'),
);
const coversDecidedScope = guard(
  ({ context, event }) => Number(event.payload?.accounts) >= required(context, latestOption(context, 'D-S1')),
);
const resetScopeDecided = guard(({ context }) => latestOption(context, 'D-S1') !== undefined);
const resetScopeOpen = guard(({ context }) => latestOption(context, 'D-S1') === undefined);

/** Every compromised mailbox was checked for rules and forwarding. */
const everyMailboxChecked = guard(
  ({ context, event }) => Number(event.payload?.mailboxesChecked) >= required(context, 'compromised'),
);

/** Research data, IP or abused licensed content means partners, funders or licensors must hear of it. */
const nothingForPartners = guard(({ context }) => {
  const exposure = factPayload(context, 'exposure.scoped');
  const licensed = factPayload(context, 'licensed_content.assessed');
  return (
    exposure?.researchData === false && exposure.intellectualProperty === false && licensed?.abused === false
  );
});
/** Abused licensed content: the licensors are among the recipients. */
const licensorsIncluded = guard(({ context, event }) => {
  const abused = factPayload(context, 'licensed_content.assessed')?.abused === true;
  const licensors = event.payload?.licensors;
  return !abused || (Array.isArray(licensors) && licensors.length > 0);
});

/** An investigation is active: from the LE contact when recorded, else from the input. */
const investigationActive = (context: KitContext): boolean => {
  const contact = factPayload(context, 'le.contacted');
  return contact ? contact.investigationActive === true : context.input.leInvestigationActive === true;
};
/** A statement now needs the agency's clearance while its investigation is active (C5: FBI). */
const statementAllowed = guard(
  ({ context }) => !investigationActive(context) || 'le.cleared' in context.facts,
);
const notFromLawEnforcement = guard(({ context }) => !LE_TRIGGERS.includes(String(context.input.trigger)));
/** LE information requests received and answered so far (fact counts). */
const leRequestCounts = (context: KitContext) => ({
  received: context.facts['le_request.received']?.count ?? 0,
  answered: context.facts['le_request.answered']?.count ?? 0,
});
/** Every LE information request received has been answered. */
const requestsAnswered = guard(({ context }) => {
  const { received, answered } = leRequestCounts(context);
  return answered >= received;
});
const requestOpen = guard(({ context }) => {
  const { received, answered } = leRequestCounts(context);
  return answered < received;
});
/** LE information requests are tracked as tasks in every open step of the LE track. */
const leRequests: Record<string, Go> = {
  'le_request.received': { reenter: false },
  'le_request.answered': { guard: requestOpen },
};

const hasAnchor = anyOf(factRecorded('breach.aware'), factRecorded('breach.determined'));

// ── tracks ────────────────────────────────────────────────────────────────────

const identify = track(
  {
    description:
      'Identify: map the notified accounts, hunt with the IOCs, separate targeted from compromised, verify.',
    owner: 'technical_lead',
    source: `${PB3} Identify; ${C5}`,
  },
  {
    map_accounts: step({
      description: 'Map the accounts named in the notice (or flagged by the anomaly) to staff identities.',
      owner: 'technical_lead',
      evidence: ['Law-enforcement / CERT communications'],
      source: `${PB3} Identify; ${C5}: LE notification / indictment`,
      on: { 'accounts.mapped': 'hunt' },
    }),
    hunt: step({
      description: 'Hunt with the IOCs across preserved authentication and mailbox logs.',
      owner: 'technical_lead',
      evidence: ['Authentication logs (source IPs, times)', 'IOC lists'],
      source: `${PB3} Identify; Evidence`,
      on: { 'ioc_hunt.completed': { target: 'classify', guard: hasEvidence('auth_logs') } },
    }),
    classify: step({
      description:
        'Separate targeted from compromised (C5: >100,000 targeted vs ≈8,000 compromised), high-value roles counted.',
      owner: 'technical_lead',
      source: `${PB3} Identify; ${C5}`,
      on: { 'accounts.classified': 'verify' },
    }),
    verify: step({
      description: 'A second person verifies the split (two-person rule) before notices rely on it.',
      owner: IC,
      source: `${PB3} Identify`,
      on: {
        'accounts.classified': { reenter: false },
        'classification.verified': { target: 'identified', guard: notSameActorAs('accounts.classified') },
      },
    }),
    identified: done('Compromised accounts identified and verified.', {
      owner: 'technical_lead',
      source: PB3,
    }),
  },
);

const contain = track(
  {
    description:
      'Contain: D-S1 reset scope, reset and revoke (≤24 h for the compromised), mailbox rules, IOC blocks, ' +
      'D-S2 MFA mandate, MFA for external access.',
    owner: 'technical_lead',
    source: `${PB3} Contain; ${C5}`,
  },
  {
    await_classification: step({
      description:
        'Waits until targeted and compromised accounts are separated: the reset-scope decision depends on it.',
      owner: 'technical_lead',
      source: `${PB3} Identify → Contain; ${C5}`,
      // Containment reacts to the classification identify records; it never takes one on its own.
      on: {
        'accounts.classified': {
          target: 'reset',
          guard: anyOf(inState('identify.classify'), inState('identify.verify')),
        },
      },
    }),
    reset: step({
      description:
        'D-S1 reset scope (compromised, targeted, or all staff), then reset credentials and revoke sessions, ' +
        'tokens and app passwords; the compromised accounts within 24 h.',
      owner: 'technical_lead',
      checklist: ['Decide the scope (D-S1)', 'Reset passwords', 'Revoke sessions, tokens and app passwords'],
      evidence: ['Reset and revocation records'],
      source: `${PB3} Contain; Decisions (reset scope); Timers`,
      deadlines: [resetDue],
      on: {
        'reset_scope.decided': { guard: resetScopeOpen, decision: 'D-S1' },
        'accounts.reset': [
          { target: 'mailbox_cleanup', guard: allOf(resetScopeDecided, coversDecidedScope) },
          { target: 'extend_reset', guard: allOf(resetScopeDecided, coversCompromised) },
        ],
      },
    }),
    extend_reset: step({
      description: 'Compromised accounts done; extend the reset to the rest of the D-S1 scope.',
      owner: 'technical_lead',
      source: `${PB3} Decisions (reset scope: affected vs all staff)`,
      on: { 'accounts.reset': { target: 'mailbox_cleanup', guard: coversDecidedScope } },
    }),
    mailbox_cleanup: step({
      description: 'Remove malicious mailbox rules and forwarding on every compromised mailbox.',
      owner: 'technical_lead',
      source: `${PB3} Contain`,
      on: { 'mailbox_rules.removed': { target: 'block_iocs', guard: everyMailboxChecked } },
    }),
    block_iocs: step({
      description: 'Block the IOCs at the mail gateway, proxy, DNS and firewall.',
      owner: 'technical_lead',
      source: `${PB3} Contain`,
      on: { 'iocs.blocked': 'mfa_mandate' },
    }),
    mfa_mandate: step({
      description:
        'D-S2 MFA mandate timeline for external access: all staff now, or high-value roles first (the S2 writer: ' +
        'professors) with a date for everyone.',
      owner: 'executive',
      source: `${PB3} Decisions (MFA mandate timeline); ${C5}`,
      on: { 'mfa_mandate.decided': { target: 'mfa_rollout', decision: 'D-S2' } },
    }),
    mfa_rollout: step({
      description:
        'Enforce MFA for external access: everyone under "all staff now"; high-value roles first otherwise ' +
        '(the rest follows in Harden).',
      owner: 'technical_lead',
      source: `${PB3} Contain (MFA for external access, high-value roles first); ${C5}`,
      on: {
        'mfa.enforced': [
          { target: 'contained', guard: payloadIs('population', 'all_staff') },
          { target: 'contained', guard: decidedAs('D-S2', 'high_value_first') },
          { reenter: false },
        ],
      },
    }),
    contained: done('Contained: resets done, mailboxes clean, IOCs blocked, MFA on external access.', {
      owner: 'technical_lead',
      source: PB3,
    }),
  },
);

const investigate = track(
  {
    description: 'Investigate: mailbox and file-access audit, what data and IP left, licensed-content abuse.',
    owner: 'technical_lead',
    source: `${PB3} Investigate; ${C5}`,
  },
  {
    mailbox_audit: step({
      description: 'Audit the compromised mailboxes from the preserved mailbox audit logs.',
      owner: 'technical_lead',
      evidence: ['Mailbox audit logs'],
      source: `${PB3} Investigate; Evidence`,
      on: { 'mailbox_audit.completed': { target: 'data_scope', guard: hasEvidence('mailbox_audit_logs') } },
    }),
    data_scope: step({
      description: 'Scope the research data, IP and personal data that left (C5: 31 TB across the victims).',
      owner: 'technical_lead',
      source: `${PB3} Investigate; ${C5}`,
      on: { 'exposure.scoped': 'licensed_content' },
    }),
    licensed_content: step({
      description: 'Assess licensed-content abuse (C5: journals, theses, dissertations, e-books).',
      owner: 'legal',
      source: `${PB3} Investigate; ${C5}`,
      on: { 'licensed_content.assessed': 'scoped' },
    }),
    scoped: done('Exposure scoped.', { owner: 'technical_lead', source: PB3 }),
  },
);

const notify = track(
  {
    description: 'Notify: affected staff, research partners, funders and licensors, regulators (SM-CLOCKS).',
    owner: 'legal',
    source: `${PB3} Notify`,
  },
  {
    affected_staff: step({
      description:
        'Send the approved notice to the affected staff once the compromised accounts are verified.',
      owner: 'communications',
      source: `${PB3} Notify (affected staff)`,
      on: {
        'message.sent': {
          target: 'partners',
          guard: allOf(sendsTo('affected_staff'), inState('identify.identified')),
        },
      },
    }),
    partners: step({
      description:
        'Research partners and funders (contractual) and licensors where relevant; "not required" only when the ' +
        'investigation found no research data, IP or licensed-content abuse.',
      owner: 'legal',
      source: `${PB3} Notify (partners, funders, licensors)`,
      on: {
        'partners.notified': { target: 'regulators', guard: licensorsIncluded },
        'partners.not_required': { target: 'regulators', guard: nothingForPartners, decision: 'partners' },
      },
    }),
    regulators: step({
      description:
        'Regulators where personal data in mailboxes is involved (GDPR 72 h from awareness, APPI; per victim ' +
        'jurisdiction). "reportable" needs breach.aware or breach.determined on record.',
      owner: 'legal',
      source: `${PB3} Notify; Timers (GDPR 72 h / APPI); §3.2 (C5: per victim jurisdiction)`,
      on: {
        'reportability.assessed': [
          { target: 'file', guard: allOf(optionIs('reportable'), hasAnchor), decision: 'reportability' },
          { target: 'notified', guard: optionIs('not_reportable'), decision: 'reportability' },
        ],
      },
    }),
    file: {
      description:
        'Reportable: file with each regulator (regulator.reported); done once every running clock is filed or ' +
        'its regime found not reportable (regulator.not_required).',
      meta: { owner: 'legal', source: `${PB3}; SM-CLOCKS` },
      always: { target: 'notified', guard: clocksSettled },
    },
    notified: done('Notices and filings done.', { owner: 'legal', source: PB3 }),
  },
);

const le: KitStateConfig = track(
  {
    description:
      'LE coordination: liaison, information requests as tasks, and D-S3 public statement vs confidential handling.',
    owner: 'le_liaison',
    source: `${PB3} LE coordination; ${C5}`,
  },
  {
    liaise: step({
      description:
        'Contact the investigating agency (C5: FBI), or record why not (refused when LE started the incident).',
      owner: 'le_liaison',
      evidence: ['Law-enforcement communications'],
      source: `${PB3} LE coordination; ${C5}`,
      on: {
        ...leRequests,
        'le.contacted': 'disclosure',
        'le.not_contacted': { target: 'disclosure', guard: notFromLawEnforcement, decision: 'le-report' },
      },
    }),
    disclosure: step({
      description:
        'D-S3: public statement, statement after LE clearance, or confidential handling. While an investigation ' +
        "is active a statement now needs the agency's clearance on record (C5: details unlikely to be published).",
      owner: 'executive',
      source: `${PB3} LE coordination; Decisions (public statement vs confidential); ${C5}`,
      on: {
        ...leRequests,
        'le.cleared': { reenter: false },
        'disclosure.decided': [
          {
            target: 'statement',
            guard: allOf(optionIs('public_statement'), statementAllowed),
            decision: 'D-S3',
          },
          { target: 'await_clearance', guard: optionIs('statement_after_le_clearance'), decision: 'D-S3' },
          { target: 'handover', guard: optionIs('confidential'), decision: 'D-S3' },
        ],
      },
    }),
    await_clearance: step({
      description: 'Wait for the agency to clear the statement.',
      owner: 'le_liaison',
      source: `${PB3} LE coordination`,
      on: { ...leRequests, 'le.cleared': 'statement' },
    }),
    statement: step({
      description: 'Publish the approved public statement, within any limits the agency set.',
      owner: 'communications',
      source: `${PB3} LE coordination`,
      on: { ...leRequests, 'message.sent': { target: 'handover', guard: sendsTo('public') } },
    }),
    handover: step({
      description:
        'Answer every open information request, then hand ongoing cooperation to a named owner: the case may ' +
        'outlive the incident (C5: charges years after the campaign began).',
      owner: 'le_liaison',
      source: `${PB3} Timers (LE information requests tracked as tasks); ${C5}`,
      on: { ...leRequests, 'le.handed_over': { target: 'coordinated', guard: requestsAnswered } },
    }),
    coordinated: done('LE coordination handed over; disclosure decided.', {
      owner: 'le_liaison',
      source: PB3,
    }),
  },
);

const harden = track(
  {
    description:
      'Harden: MFA for all staff by the D-S2 date, conditional access and phishing-resistant MFA, training.',
    owner: 'technical_lead',
    source: `${PB3} Harden; ${C5}`,
  },
  {
    await_mandate: step({
      description: 'Waits for the D-S2 MFA mandate: its date starts the all-staff deadline.',
      owner: 'technical_lead',
      source: `${PB3} Decisions (MFA mandate timeline)`,
      on: { 'mfa_mandate.decided': { target: 'mfa_all_staff', guard: inState('contain.mfa_mandate') } },
    }),
    mfa_all_staff: step({
      description: 'Enforce MFA for external access for all staff by the date D-S2 set.',
      owner: 'technical_lead',
      source: `${PB3} Harden; ${C5}`,
      deadlines: [mfaAllStaffDue],
      on: {
        'mfa.enforced': [
          { target: 'conditional_access', guard: payloadIs('population', 'all_staff') },
          { reenter: false },
        ],
      },
    }),
    conditional_access: step({
      description: 'Conditional access for external logins; phishing-resistant MFA, high-value roles first.',
      owner: 'technical_lead',
      source: `${PB3} Harden`,
      on: { 'conditional_access.enabled': 'training' },
    }),
    training: step({
      description: 'Phishing-awareness training (the S2 writer suspects targeted emails with attachments).',
      owner: 'technical_lead',
      source: `${PB3} Harden; ${C5}`,
      on: { 'training.delivered': 'hardened' },
    }),
    hardened: done('Hardened.', { owner: 'technical_lead', source: PB3 }),
  },
);

export const tracks = { identify, contain, investigate, notify, le, harden };
