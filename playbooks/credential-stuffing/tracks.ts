import {
  allOf,
  anyOf,
  clocksSettled,
  type Deadline,
  decidedAs,
  done,
  factNumber,
  factRecorded,
  fromFact,
  guard,
  hasEvidence,
  hours,
  type KitStateConfig,
  notSameActorAs,
  optionIs,
  payloadIs,
  sendsTo,
  statePaths,
  step,
  track,
} from '../../src/playbook-kit';
import { CLUSTER_MAX_WINDOW_HOURS, CLUSTER_MIN_COMPLAINTS } from './events';

export const PLAYBOOK_ID = 'credential-stuffing';
export const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';

const PB2 = 'PB-2 Credential stuffing / account takeover';
const C9 = 'C9 docomo Online Shop (S4)';
const C6 = 'C6 UK National Lottery (S2)';
const NIST = 'NIST SP 800-63B (R8)';
const OWASP = 'OWASP Credential Stuffing Prevention (R7)';

// ── deadlines ─────────────────────────────────────────────────────────────────

/** PB-2 Timers: declaration → throttling ≤1 h (policy default). */
const throttlingDue: Deadline = {
  id: 'throttlingDue',
  label: 'Throttling due (1 h after declaration; policy default)',
  after: hours(1),
  from: fromFact('incident.declared'),
  source: `${PB2} Timers: declaration → throttling ≤1 h (policy default)`,
};
/** PB-2 Timers: affected-user notice ≤72 h (policy default), counted from the declaration. */
const affectedNoticeDue: Deadline = {
  id: 'affectedNoticeDue',
  label: 'Affected-user notice due (72 h after declaration; policy default)',
  after: hours(72),
  from: fromFact('incident.declared'),
  source: `${PB2} Timers: affected-user notice ≤72 h (policy default); OWASP notify users (R7)`,
};

// ── guards ────────────────────────────────────────────────────────────────────

/** A complaint cluster meets the policy threshold: ≥3 similar contacts within 24 h. */
const isCluster = guard(
  ({ event: { payload: p = {} } }) =>
    Number(p.complaints) >= CLUSTER_MIN_COMPLAINTS && Number(p.windowHours) <= CLUSTER_MAX_WINDOW_HOURS,
);

/** NIST "SHALL force a change if there is evidence of compromise": resets and revocations cover the scope. */
const coversCompromised = guard(({ context, event: { payload: p = {} } }) => {
  const compromised = factNumber(context, 'scope.quantified', 'successfulLogins') ?? 0;
  return Number(p.forcedResets) >= compromised && Number(p.sessionsRevoked) >= compromised;
});

/** A global forced reset covers the whole population when its size is known. */
const coversPopulation = guard(
  ({ context, event }) =>
    Number(event.payload?.accounts) >= ((context.input.accountHolders as number | undefined) ?? 1),
);

/** No fraudulent order in the quantified scope. */
const noFraudInScope = guard(
  ({ context }) => factNumber(context, 'scope.quantified', 'fraudulentOrders') === 0,
);

/** No fraudulent order was found: organised theft goes to the police (C9). */
const noFraudFound = guard(({ context }) => !('shipments.held' in context.facts));

/** Nothing shipped: every fraudulent order was stopped, so no account holder is out of pocket. */
const nothingShipped = guard(({ context }) => factNumber(context, 'shipments.held', 'alreadyShipped') === 0);

// ── tracks ────────────────────────────────────────────────────────────────────

const detection = track(
  {
    description:
      'Detection: the signal that started it, a complaint cluster (C9) or an authentication anomaly. ' +
      'A complaint-driven detection also needs the attack found in the logs: the victims noticed first.',
    owner: 'customer_support',
    source: `${PB2} Triggers; ${C9}`,
  },
  {
    signal: step({
      description:
        `Record the signal: a complaint cluster (≥${CLUSTER_MIN_COMPLAINTS} "I didn't order this" contacts within ` +
        `${CLUSTER_MAX_WINDOW_HOURS} h, policy default) or an auth anomaly (failure spike, many accounts per IP, ` +
        'success after failure).',
      owner: 'customer_support',
      checklist: ['Log every complaint with its time', 'Look for the common pattern (model, address, time)'],
      evidence: ['The complaint log'],
      source: `${PB2} Triggers; SM-INTAKE complaint clustering; ${C9}: came to light through inquiries on 5 Aug`,
      on: {
        'complaint.cluster_detected': { target: 'retrospective_analysis', guard: isCluster },
        'auth.anomaly_detected': 'recorded',
      },
    }),
    retrospective_analysis: step({
      description:
        'Complaint-driven: the attack happened before the victims noticed. Find it in the authentication logs ' +
        '(C9: the list-based attack was detected "at the end of July", about 1–2 weeks before the first complaint).',
      owner: 'technical_lead',
      checklist: ['Failed-login spikes', 'Many accounts per IP/ASN', 'Success after failure', 'First seen'],
      evidence: ['Authentication logs'],
      source: `${PB2} Scope (retrospective log analysis); ${C9}`,
      on: {
        'complaint.cluster_detected': { reenter: false },
        'auth.anomaly_detected': 'recorded',
      },
    }),
    recorded: done('The signal and the attack in the logs are on record.', {
      owner: 'technical_lead',
      source: PB2,
    }),
  },
);

const scope = track(
  {
    description: 'Scope: confirm the attack, quantify it, and have a second person validate the counts.',
    owner: 'technical_lead',
    source: `${PB2} Scope`,
  },
  {
    confirm_attack: step({
      description:
        'Confirm credential stuffing from the authentication logs (preserved first), once the detection signal ' +
        'is on record.',
      owner: 'technical_lead',
      evidence: ['Authentication logs (IP, user agent, timestamps, results)'],
      source: `${PB2} Scope confirm_attack; ${C6}; ${C9}`,
      on: {
        'attack.confirmed': {
          target: 'quantify',
          guard: allOf(inState('detection.recorded'), hasEvidence('auth_logs')),
        },
      },
    }),
    quantify: step({
      description:
        'Count attempted accounts, successful logins (C9 ≈1,800; C6 ≈150), accounts with activity (C9 ≈1,000 ' +
        'purchases; C6 <10) and fraudulent orders, over the attack window.',
      owner: 'technical_lead',
      source: `${PB2} Scope quantify; C9: ~1,800 logins, ~1,000 fraudulent orders; C6: ~150 accounts, <10 active`,
      on: { 'scope.quantified': 'validate' },
    }),
    validate: step({
      description:
        'A second person validates the counts (two-person rule) before notices, resets and filings rely on them. ' +
        'Updated counts may still come in.',
      owner: IC,
      source: `${PB2} Scope validated`,
      on: {
        'scope.quantified': { reenter: false },
        'scope.validated': { target: 'validated', guard: notSameActorAs('scope.quantified') },
      },
    }),
    validated: done('Scope validated.', { owner: 'technical_lead', source: PB2 }),
  },
);

const contain = track(
  {
    description:
      'Contain: throttle, protect high-risk functions (D-P2), then remediate accounts (D-P1 global vs targeted).',
    owner: 'technical_lead',
    source: `${PB2} Contain; ${OWASP}; ${NIST}`,
  },
  {
    standby: step({
      description:
        'Waits for the declaration (throttling is due 1 h after it); throttling applied earlier counts.',
      owner: 'technical_lead',
      source: `${PB2} Timers`,
      on: { 'incident.declared': 'throttle', 'throttling.applied': 'protect_high_risk_functions' },
    }),
    throttle: step({
      description:
        'Rate limits, CAPTCHA, IP/ASN blocks; ≤100 consecutive failures per account (NIST "SHALL"); ' +
        'geo-restriction is one layer, not enough alone (C6: domestic IPs).',
      owner: 'technical_lead',
      checklist: [
        'Rate limits',
        'CAPTCHA on suspicious logins',
        'IP/ASN blocklist',
        '≤100 failures per account',
      ],
      evidence: ['Blocklists applied'],
      source: `${PB2} Contain throttle; ${NIST}; ${OWASP}; ${C6}`,
      deadlines: [throttlingDue],
      on: { 'throttling.applied': 'protect_high_risk_functions' },
    }),
    protect_high_risk_functions: step({
      description:
        'D-P2: suspend high-value purchases and delivery-address or email changes, put them behind step-up ' +
        'authentication, or keep them open with a rationale.',
      owner: 'executive',
      source: `${PB2} D-P2; ${C9}: high-value device orders`,
      on: {
        'functions.decided': [
          { target: 'apply_protection', guard: optionIs('suspend', 'step_up'), decision: 'D-P2' },
          { target: 'reset_scope', decision: 'D-P2' },
        ],
      },
    }),
    apply_protection: step({
      description: 'Put the D-P2 choice live: suspended, or behind step-up authentication.',
      owner: 'technical_lead',
      source: `${PB2} Contain protect_high_risk_functions; ${OWASP}`,
      on: { 'functions.protected': 'reset_scope' },
    }),
    reset_scope: step({
      description:
        'D-P1 global vs targeted reset/advisory, once the scope is quantified (C6: all 10.5 M account holders ' +
        'advised after ≈150 compromises, days before a £14 M draw).',
      owner: 'executive',
      source: `${PB2} D-P1; ${C6}`,
      on: {
        'reset_scope.decided': {
          target: 'account_remediation',
          guard: factRecorded('scope.quantified'),
          decision: 'D-P1',
        },
      },
    }),
    account_remediation: step({
      description:
        'Revoke sessions and force a reset on every compromised account (NIST "SHALL force a change if there is ' +
        'evidence of compromise"), lock where needed, notify each user (OWASP).',
      owner: 'technical_lead',
      evidence: ['Reset and session-revocation records'],
      source: `${PB2} Contain account_remediation; ${NIST} "SHALL force a change"; ${OWASP}`,
      on: {
        'accounts.reset': [
          {
            target: 'population_advisory',
            guard: allOf(coversCompromised, decidedAs('D-P1', 'global_advisory')),
          },
          {
            target: 'population_reset',
            guard: allOf(coversCompromised, decidedAs('D-P1', 'global_forced_reset')),
          },
          { target: 'contained', guard: coversCompromised },
        ],
      },
    }),
    population_advisory: step({
      description:
        'D-P1 global advisory: send the approved password-change advisory to every account holder (C6: 10.5 M).',
      owner: 'communications',
      source: `${PB2} D-P1; ${C6}`,
      on: { 'message.sent': { target: 'contained', guard: sendsTo('all_account_holders') } },
    }),
    population_reset: step({
      description: 'D-P1 global forced reset: every account must set a new password.',
      owner: 'technical_lead',
      source: `${PB2} D-P1; ${NIST}`,
      on: { 'population.reset_forced': { target: 'contained', guard: coversPopulation } },
    }),
    contained: done('Contained: throttled, high-risk functions decided, accounts remediated.', {
      owner: 'technical_lead',
      source: PB2,
    }),
  },
);

const fraud = track(
  {
    description: 'Fraud ops: hold shipments, cancel orders, restitution (D-P4).',
    owner: 'fraud_ops',
    source: `${PB2} Fraud ops; ${C9}`,
  },
  {
    hold_shipments: step({
      description:
        'Stop fraudulent orders before dispatch with the carriers (C9: ≈1,000 iPhone X orders over ¥100,000 ' +
        'each), or rule fraud out when the scope counts no fraudulent order (C6).',
      owner: 'fraud_ops',
      evidence: ['Order, shipping and delivery-address records'],
      source: `${PB2} Fraud ops hold_shipments; C9: ~1,000 fraudulent orders; ${C6}`,
      on: {
        'shipments.held': 'cancel_orders',
        'fraud.ruled_out': { target: 'no_fraud', guard: noFraudInScope },
      },
    }),
    cancel_orders: step({
      description: 'Cancel and reverse the fraudulent orders until none is outstanding.',
      owner: 'fraud_ops',
      source: `${PB2} Fraud ops cancel_orders`,
      on: {
        'orders.cancelled': [
          { target: 'restitution', guard: payloadIs('outstanding', 0) },
          { reenter: false },
        ],
      },
    }),
    restitution: step({
      description:
        'D-P4 reimbursement policy: full, case by case, or not needed (only when nothing shipped).',
      owner: 'executive',
      source: `${PB2} D-P4`,
      on: {
        'reimbursement.decided': [
          { target: 'fraud_closed', guard: allOf(optionIs('not_needed'), nothingShipped), decision: 'D-P4' },
          { target: 'reimburse', guard: optionIs('full', 'case_by_case'), decision: 'D-P4' },
        ],
      },
    }),
    reimburse: step({
      description: 'Refunds and chargebacks under the D-P4 policy.',
      owner: 'fraud_ops',
      source: `${PB2} Fraud ops restitution`,
      on: { 'restitution.completed': 'fraud_closed' },
    }),
    fraud_closed: done('Fraud operations closed.', { owner: 'fraud_ops', source: PB2 }),
    no_fraud: done('No fraudulent transactions: nothing to hold, cancel or refund.', {
      owner: 'fraud_ops',
      source: `${PB2}; ${C6}`,
    }),
  },
);

const comms = track(
  {
    description:
      'Comms: affected-user notices (≤72 h), the disclosure decision (D-P3), the public notice, the hardening campaign.',
    owner: 'communications',
    source: `${PB2} Comms`,
  },
  {
    standby: step({
      description: 'Waits for the declaration: the affected-user notice is due 72 h after it.',
      owner: 'communications',
      source: `${PB2} Timers`,
      on: { 'incident.declared': 'affected_notices' },
    }),
    affected_notices: step({
      description:
        'Send the approved individual notice to the affected account holders (SM-COMMS, facts only).',
      owner: 'communications',
      checklist: ['Cite the validated scope', 'Say what we did to the account', 'What the user should do'],
      source: `${PB2} Comms affected_notices; ${OWASP} notify users; APPI Art. 26(2)`,
      deadlines: [affectedNoticeDue],
      on: { 'message.sent': { target: 'disclosure_decision', guard: sendsTo('affected_users') } },
    }),
    disclosure_decision: step({
      description:
        "D-P3 disclosure timing and detail: copycat risk against victims' anxiety (C9 withheld the method). " +
        'Record the rationale; the affected users were already told.',
      owner: 'executive',
      source: `${PB2} D-P3; ${C9}`,
      on: {
        'disclosure.decided': [
          { target: 'deferred', guard: optionIs('defer_until_contained'), decision: 'D-P3' },
          { target: 'public_notice', decision: 'D-P3' },
        ],
      },
    }),
    deferred: step({
      description:
        'Disclosure deferred until containment (C9: Docomo understood the situation fully before announcing); ' +
        'decide again once contained.',
      owner: 'executive',
      source: `${PB2} D-P3; ${C9}`,
      on: {
        'disclosure.decided': {
          target: 'public_notice',
          guard: allOf(
            inState('contain.contained'),
            optionIs('publish_with_method', 'publish_without_method'),
          ),
          decision: 'D-P3',
        },
      },
    }),
    public_notice: step({
      description: 'Publish the approved public notice.',
      owner: 'communications',
      source: `${PB2} Comms public_notice; C9: notice of 14 Aug`,
      on: { 'message.sent': { target: 'hardening_campaign', guard: sendsTo('public') } },
    }),
    hardening_campaign: step({
      description: 'Unique passwords; enable MFA/2SV (C9: 2SV recommended; SMS 2SV is not fully safe, S4).',
      owner: 'communications',
      source: `${PB2} Comms hardening_campaign; ${C9}`,
      on: { 'campaign.launched': 'notified' },
    }),
    notified: done('Notices and the hardening campaign are out.', { owner: 'communications', source: PB2 }),
  },
);

const legal: KitStateConfig = track(
  {
    description:
      'Legal / regulatory / LE: police report, reportability (APPI categories 2 and 3, UK/EU GDPR, US states), filings.',
    owner: 'legal',
    source: `${PB2} Legal/regulatory/LE; §3.2 rows 5–8`,
  },
  {
    police_report: step({
      description:
        'Report organised fraud to the police, or record why not (refused once fraudulent orders were found).',
      owner: 'le_liaison',
      source: `${PB2} Fraud ops (police for organised theft); ${C9}`,
      on: {
        'police.reported': 'assess',
        'police.not_reported': { target: 'assess', guard: noFraudFound, decision: 'police' },
      },
    }),
    assess: step({
      description:
        'Reportability: APPI categories (2) and (3) apply even for one person; UK GDPR 72 h from awareness (C6). ' +
        'A reportable finding needs breach.aware or breach.determined on record so the clocks run.',
      owner: 'legal',
      source: `${PB2} Legal; §2.4 Regulatory; §3.2`,
      on: {
        'reportability.assessed': [
          {
            target: 'file',
            guard: allOf(
              optionIs('reportable'),
              anyOf(factRecorded('breach.aware'), factRecorded('breach.determined')),
            ),
            decision: 'reportability',
          },
          { target: 'assessed', guard: optionIs('not_reportable'), decision: 'reportability' },
        ],
      },
    }),
    file: step({
      description:
        'Reportable: file with each regulator (regulator.reported); done once every running clock is filed or ' +
        'its regime found not reportable (regulator.not_required).',
      owner: 'legal',
      source: `${PB2}; SM-CLOCKS`,
      always: { target: 'assessed', guard: clocksSettled },
    }),
    assessed: done('Reportability on record; filings made where required.', { owner: 'legal', source: PB2 }),
  },
);

const hardening = track(
  {
    description:
      'Hardening / recovery: MFA, breached-password screening, login notifications, then a monitoring window.',
    owner: 'technical_lead',
    source: `${PB2} Hardening/Recovery; ${OWASP}; ${NIST}`,
  },
  {
    mfa_rollout: step({
      description: 'Roll out MFA/2SV, risk-based where needed (OWASP: "by far the best defense").',
      owner: 'technical_lead',
      source: `${PB2} Hardening; ${OWASP}; ${C9}`,
      on: { 'mfa.rolled_out': 'auth_controls' },
    }),
    auth_controls: step({
      description:
        'Breached-password screening (NIST SHALL), login notifications and a session list (OWASP), device fingerprinting.',
      owner: 'technical_lead',
      source: `${PB2} Hardening; ${NIST}; ${OWASP}`,
      on: { 'auth_controls.enabled': 'monitoring' },
    }),
    monitoring: step({
      description: 'Start the monitoring window once containment is complete.',
      owner: 'technical_lead',
      source: `${PB2} Hardening (monitoring window)`,
      on: { 'monitoring.started': { target: 'watch', guard: inState('contain.contained') } },
    }),
    watch: step({
      description: 'Watch for new takeovers; the window closes clean only with none found.',
      owner: 'technical_lead',
      source: `${PB2} Hardening (monitoring window)`,
      on: {
        'monitoring.completed': [
          { target: 'hardened', guard: payloadIs('newTakeovers', 0) },
          { reenter: false },
        ],
      },
    }),
    hardened: done('Hardened and monitored.', { owner: 'technical_lead', source: PB2 }),
  },
);

export const tracks = { detection, scope, contain, fraud, comms, legal, hardening };
