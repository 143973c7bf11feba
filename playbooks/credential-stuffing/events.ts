import { z } from 'zod';
import { clientEvent, instant, rationale, text, withRules } from '../../src/playbook-kit';

const IC = 'incident_commander';
const count = () => z.number().int().min(0);

/** SM-INTAKE complaint clustering (policy default): ≥3 "I didn't do this" contacts within 24 h. */
export const CLUSTER_MIN_COMPLAINTS = 3;
export const CLUSTER_MAX_WINDOW_HOURS = 24;

/** NIST SP 800-63B: no more than 100 consecutive failed attempts on one account. */
export const NIST_MAX_FAILED_ATTEMPTS = 100;

const highRiskFunction = z.enum([
  'high_value_purchase',
  'delivery_address_change',
  'email_change',
  'payout',
  'stored_card_use',
]);

export const events = [
  // ── detection ──────────────────────────────────────────────────────────────
  clientEvent({
    type: 'complaint.cluster_detected',
    title: 'Complaint cluster detected',
    description:
      'Complaint clustering (SM-INTAKE; PB-2 trigger `complaint.cluster`): N similar "I did not order this" ' +
      `contacts in a window. Policy default N=${CLUSTER_MIN_COMPLAINTS} within ${CLUSTER_MAX_WINDOW_HOURS} h; ` +
      'fewer, or over a longer window, is not a cluster. C9 came to light only through customer inquiries (5 Aug).',
    roles: ['customer_support', 'fraud_ops', IC],
    payload: z.strictObject({
      complaints: z.number().int().min(1),
      windowHours: z
        .number()
        .positive()
        .max(24 * 30),
      pattern: text(500),
    }),
    examples: [
      { complaints: 5, windowHours: 24, pattern: 'iPhone X orders the account holder did not place' },
    ],
  }),
  clientEvent({
    type: 'auth.anomaly_detected',
    title: 'Authentication anomaly detected',
    description:
      'PB-2 trigger `auth.anomaly_detected`: a failed-login spike, many accounts per IP/ASN, or a rising ' +
      'success-after-failure ratio. `retrospective` when found afterwards in the logs (C9: Docomo "detected the ' +
      'list-based attack at the end of July" only after the complaints).',
    roles: ['technical_lead'],
    payload: z.strictObject({
      indicators: z
        .array(z.enum(['failure_spike', 'many_accounts_per_ip', 'success_after_failure', 'other']))
        .min(1),
      retrospective: z.boolean().default(false),
      firstSeen: instant.optional(),
    }),
    examples: [{ indicators: ['failure_spike', 'success_after_failure'] }],
  }),

  // ── scope ──────────────────────────────────────────────────────────────────
  clientEvent({
    type: 'attack.confirmed',
    title: 'Attack confirmed',
    description:
      'Scope `confirm_attack`: the authentication logs show list-based logins (credential stuffing), not a ' +
      'breach of the service itself. C6: "credential stuffing"; C9: リスト型攻撃.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      technique: z.enum(['credential_stuffing', 'password_spraying', 'other']),
      windowStart: instant,
      windowEnd: instant.optional(),
      basis: text(1000),
    }),
    examples: [
      {
        technique: 'credential_stuffing',
        windowStart: '2018-07-20T00:00:00+09:00',
        basis: 'One IP range logging into many accounts with single attempts each',
      },
    ],
  }),
  clientEvent({
    type: 'scope.quantified',
    title: 'Scope quantified',
    description:
      'Scope `quantify`: attempted accounts, successful logins (C9 ≈1,800; C6 ≈150), accounts with activity ' +
      '(C9 ≈1,000 purchases; C6 <10) and fraudulent orders, by retrospective log analysis. May be re-sent as ' +
      'the counts firm up.',
    roles: ['technical_lead'],
    // JSON Schema cannot compare two fields: the rules are in the published description.
    payload: withRules(
      z.strictObject({
        attemptedAccounts: count().optional(),
        successfulLogins: count(),
        accountsWithActivity: count(),
        fraudulentOrders: count().default(0),
        method: text(1000),
      }),
      {
        check: (p) => p.accountsWithActivity <= p.successfulLogins,
        message: 'accounts with activity cannot exceed successful logins',
      },
      {
        check: (p) => p.attemptedAccounts === undefined || p.successfulLogins <= p.attemptedAccounts,
        message: 'successful logins cannot exceed attempted accounts',
      },
    ),
    examples: [
      {
        successfulLogins: 1800,
        accountsWithActivity: 1000,
        fraudulentOrders: 1000,
        method: 'Retrospective analysis of login and order logs',
      },
    ],
  }),
  clientEvent({
    type: 'scope.validated',
    title: 'Scope validated',
    description:
      'A second person checks the counts before notices, resets and filings rely on them (two-person rule: not ' +
      'whoever quantified them).',
    roles: [IC, 'fraud_ops'],
    payload: z.strictObject({ note: text().optional() }),
    examples: [{}],
  }),

  // ── contain ────────────────────────────────────────────────────────────────
  clientEvent({
    type: 'throttling.applied',
    title: 'Throttling applied',
    description:
      'Contain `throttle` (OWASP R7; NIST 800-63B R8): rate limits, CAPTCHA, IP/ASN blocks, geo-restriction (one ' +
      `layer, not sufficient alone: C6). NIST "SHALL" limit consecutive failures per account to ≤${NIST_MAX_FAILED_ATTEMPTS}.`,
    roles: ['technical_lead'],
    payload: z.strictObject({
      controls: z
        .array(
          z.enum(['rate_limit', 'captcha', 'ip_block', 'asn_block', 'geo_restriction', 'device_fingerprint']),
        )
        .min(1),
      maxFailedAttemptsPerAccount: z.number().int().min(1).max(NIST_MAX_FAILED_ATTEMPTS),
    }),
    examples: [{ controls: ['rate_limit', 'captcha', 'ip_block'], maxFailedAttemptsPerAccount: 10 }],
  }),
  clientEvent({
    type: 'functions.decided',
    title: 'High-risk functions decided (D-P2)',
    description:
      'D-P2 suspend risky functions: temporarily disable high-value purchases and delivery-address or email ' +
      'changes, require step-up authentication for them, or keep them open (with the rationale). C9: ' +
      'high-value device orders to changed delivery details.',
    roles: ['executive', IC],
    payload: z.strictObject({
      option: z.enum(['suspend', 'step_up', 'keep_open']),
      functions: z.array(highRiskFunction).default([]),
      rationale,
    }),
    examples: [
      {
        option: 'suspend',
        functions: ['high_value_purchase', 'delivery_address_change'],
        rationale: 'Fraudulent handset orders are still being placed.',
      },
    ],
  }),
  clientEvent({
    type: 'functions.protected',
    title: 'High-risk functions protected',
    description: 'The D-P2 choice is live: the functions are suspended or behind step-up authentication.',
    roles: ['technical_lead'],
    payload: z.strictObject({ functions: z.array(highRiskFunction).min(1) }),
    examples: [{ functions: ['high_value_purchase', 'delivery_address_change'] }],
  }),
  clientEvent({
    type: 'reset_scope.decided',
    title: 'Reset / advisory scope decided (D-P1)',
    description:
      'D-P1 global vs targeted: force resets on the compromised accounts only; also advise every account holder ' +
      'to change passwords (C6: all 10.5 M advised after ≈150 compromises); or force a reset on every account ' +
      '(NIST: "SHOULD NOT require memorized secrets to be changed arbitrarily": say why).',
    roles: ['executive', IC],
    payload: z.strictObject({
      option: z.enum(['targeted', 'global_advisory', 'global_forced_reset']),
      rationale,
    }),
    examples: [{ option: 'targeted', rationale: 'Compromise limited to the accounts found in the logs.' }],
  }),
  clientEvent({
    type: 'accounts.reset',
    title: 'Compromised accounts remediated',
    description:
      'Contain `account_remediation`: revoke sessions and force a password reset on every account with evidence ' +
      'of compromise (NIST 800-63B "SHALL force a change if there is evidence of compromise"); lock where ' +
      'needed; notify each user (OWASP). Counts must cover the validated successful logins.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      forcedResets: count(),
      sessionsRevoked: count(),
      locked: count().default(0),
      usersNotified: z.boolean(),
    }),
    examples: [{ forcedResets: 1800, sessionsRevoked: 1800, usersNotified: true }],
  }),
  clientEvent({
    type: 'population.reset_forced',
    title: 'Reset forced on every account',
    description:
      'D-P1 global_forced_reset carried out: every account in the population must set a new password.',
    roles: ['technical_lead'],
    payload: z.strictObject({ accounts: z.number().int().min(1) }),
    examples: [{ accounts: 10_500_000 }],
  }),

  // ── fraud ops ──────────────────────────────────────────────────────────────
  clientEvent({
    type: 'shipments.held',
    title: 'Shipments held',
    description:
      'Fraud ops `hold_shipments`: stop fraudulent orders before dispatch, with the carriers. C9: ≈1,000 ' +
      'iPhone X orders over ¥100,000 each; the orders were shaped not to be noticed quickly.',
    roles: ['fraud_ops'],
    // JSON Schema cannot add or compare fields: the rule is in the published description.
    payload: withRules(
      z.strictObject({
        fraudulentOrders: z.number().int().min(1),
        held: count(),
        alreadyShipped: count(),
        carriers: z.array(text(200)).default([]),
      }),
      {
        check: (p) => p.held + p.alreadyShipped <= p.fraudulentOrders,
        message: 'held and shipped orders cannot exceed the fraudulent orders',
      },
    ),
    examples: [{ fraudulentOrders: 1000, held: 40, alreadyShipped: 960, carriers: ['Carrier A'] }],
  }),
  clientEvent({
    type: 'fraud.ruled_out',
    title: 'No fraudulent transactions',
    description:
      'Fraud ops: the taken-over accounts show no fraudulent orders or payouts (C6: activity in fewer than 10 of ' +
      '≈150 accounts). Accepted only when the validated scope counts no fraudulent orders.',
    roles: ['fraud_ops'],
    payload: z.strictObject({ rationale }),
    examples: [{ rationale: 'Order and payout logs of every taken-over account checked: none.' }],
  }),
  clientEvent({
    type: 'orders.cancelled',
    title: 'Fraudulent orders cancelled',
    description:
      'Fraud ops `cancel_orders`: cancel and reverse fraudulent orders; re-send until none is outstanding.',
    roles: ['fraud_ops'],
    payload: z.strictObject({ cancelled: count(), outstanding: count() }),
    examples: [{ cancelled: 40, outstanding: 0 }],
  }),
  clientEvent({
    type: 'reimbursement.decided',
    title: 'Reimbursement policy decided (D-P4)',
    description:
      'D-P4 reimbursement policy for account holders charged for fraudulent orders: reimburse in full, case by ' +
      'case, or not needed (only when no fraudulent order shipped).',
    roles: ['executive'],
    payload: z.strictObject({ option: z.enum(['full', 'case_by_case', 'not_needed']), rationale }),
    examples: [
      { option: 'full', rationale: 'Victims did not place the orders; losses over ¥100,000 each (C9).' },
    ],
  }),
  clientEvent({
    type: 'restitution.completed',
    title: 'Restitution completed',
    description: 'Fraud ops `restitution`: refunds and chargebacks done under the D-P4 policy.',
    roles: ['fraud_ops'],
    payload: z.strictObject({ customers: z.number().int().min(1), note: text().optional() }),
    examples: [{ customers: 1000 }],
  }),

  // ── comms ──────────────────────────────────────────────────────────────────
  clientEvent({
    type: 'disclosure.decided',
    title: 'Disclosure timing and detail decided (D-P3)',
    description:
      'D-P3 disclosure timing and level of detail: publish now with or without the attack method, or defer ' +
      "until contained. C9 withheld the method (copycat risk) at the cost of victims' anxiety. Affected users are " +
      'told first regardless: the regulatory floor is not up for decision.',
    roles: ['executive', IC],
    payload: z.strictObject({
      option: z.enum(['publish_with_method', 'publish_without_method', 'defer_until_contained']),
      rationale,
    }),
    examples: [
      {
        option: 'publish_without_method',
        rationale: 'Details of the attack would help copycats; victims are told individually.',
      },
    ],
  }),
  clientEvent({
    type: 'campaign.launched',
    title: 'Hardening campaign launched',
    description:
      'Comms `hardening_campaign`: unique passwords, enable MFA/2SV (C9: Docomo recommended 2-step verification on ' +
      '14 Aug; the S4 writer cautions SMS 2SV is not fully safe).',
    roles: ['communications'],
    payload: z.strictObject({
      advice: z
        .array(z.enum(['unique_passwords', 'enable_2sv', 'check_order_history', 'phishing_warning']))
        .min(1),
      channels: z.array(text(200)).min(1),
    }),
    examples: [{ advice: ['unique_passwords', 'enable_2sv'], channels: ['website', 'app notice'] }],
  }),

  // ── legal / LE ─────────────────────────────────────────────────────────────
  clientEvent({
    type: 'police.reported',
    title: 'Police report filed',
    description:
      'LE: report the organised fraud to the police and coordinate with carriers (C9: the writer suspects an ' +
      'organised group).',
    roles: ['le_liaison'],
    payload: z.strictObject({ agency: text(200), reference: text(200).optional() }),
    examples: [{ agency: 'Prefectural police cybercrime division', reference: 'R-2018-0812' }],
  }),
  clientEvent({
    type: 'police.not_reported',
    title: 'No police report',
    description:
      'Decision not to report to the police, with a rationale. Refused once fraudulent orders were found.',
    roles: ['le_liaison', IC],
    payload: z.strictObject({ option: z.literal('not_reported'), rationale }),
    examples: [
      { option: 'not_reported', rationale: 'No transactions, no loss; the ICO assessment covers it.' },
    ],
  }),
  clientEvent({
    type: 'reportability.assessed',
    title: 'Reportability assessed',
    description:
      'PB-2 Legal/regulatory: APPI category (2) property damage (login IDs/passwords that can buy) and (3) ' +
      'improper purpose (unauthorised access) apply even for one person; UK/EU GDPR if a risk to individuals; ' +
      'US states where login credentials are personal information. "reportable" needs the breach determination ' +
      'or awareness on record, so the clocks are running.',
    roles: ['legal'],
    payload: z.strictObject({
      option: z.enum(['reportable', 'not_reportable']),
      appiCategories: z
        .array(z.enum(['special_care', 'property_damage', 'improper_purpose', 'over_1000']))
        .default([]),
      rationale,
    }),
    examples: [
      {
        option: 'reportable',
        appiCategories: ['property_damage', 'improper_purpose'],
        rationale: 'Unauthorised logins with purchase ability: APPI categories (2) and (3).',
      },
    ],
  }),

  // ── hardening ──────────────────────────────────────────────────────────────
  clientEvent({
    type: 'mfa.rolled_out',
    title: 'MFA / 2SV rolled out',
    description:
      'Hardening: MFA "is by far the best defense" (OWASP R7), risk-based where needed. The S4 writer cautions ' +
      'SMS-based 2SV is not fully safe.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      methods: z.array(z.enum(['totp', 'passkey', 'push', 'sms', 'email_otp'])).min(1),
      mode: z.enum(['optional', 'risk_based', 'mandatory']),
    }),
    examples: [{ methods: ['totp', 'passkey'], mode: 'risk_based' }],
  }),
  clientEvent({
    type: 'auth_controls.enabled',
    title: 'Authentication controls enabled',
    description:
      'Hardening: breached-password screening (NIST 800-63B "SHALL compare" new passwords against breach ' +
      'corpuses, required here), login notifications and a session list (OWASP), device fingerprinting.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      controls: withRules(
        z
          .array(
            z.enum([
              'breached_password_screening',
              'login_notifications',
              'session_list',
              'device_fingerprinting',
            ]),
          )
          .min(1),
        {
          check: (controls) => controls.includes('breached_password_screening'),
          message: 'controls include breached_password_screening, a NIST 800-63B SHALL',
          jsonSchema: { contains: { const: 'breached_password_screening' } },
        },
      ),
    }),
    examples: [{ controls: ['breached_password_screening', 'login_notifications', 'session_list'] }],
  }),
  clientEvent({
    type: 'monitoring.started',
    title: 'Monitoring window started',
    description: 'Hardening: a monitoring window for new takeovers, once containment is complete.',
    roles: ['technical_lead'],
    payload: z.strictObject({ days: z.number().int().min(1).max(180) }),
    examples: [{ days: 30 }],
  }),
  clientEvent({
    type: 'monitoring.completed',
    title: 'Monitoring window ended',
    description: 'The monitoring window ended; new takeovers found in it keep the track open.',
    roles: ['technical_lead'],
    payload: z.strictObject({ newTakeovers: count(), note: text().optional() }),
    examples: [{ newTakeovers: 0 }],
  }),
];
