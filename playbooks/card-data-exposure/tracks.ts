import { z } from 'zod';
import {
  actorHolds,
  allOf,
  anyOf,
  appiReports,
  clientEvent,
  type Deadline,
  days,
  done,
  endOfToday,
  factRecorded,
  fromOpening,
  guard,
  hasEvidence,
  hours,
  type KitContext,
  type KitGuard,
  lateFilingHasReason,
  not,
  notSameActorAs,
  optionIs,
  parallelSteps,
  payloadIs,
  rationale,
  regimeIs,
  sendsTo,
  sha256,
  statePaths,
  step,
  text,
  track,
  withRules,
} from '../../src/playbook-kit';
import { endOfReportDay, standsDownWhen } from './helpers';

export const PLAYBOOK_ID = 'card-data-exposure';
const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';
const PB7 = 'PB-7 Payment-card data exposure';
const C8 = 'C8 NTT Docomo USA (S3)';
const src = (what: string) => `${PB7} ${what}; ${C8}`;
const WTDIC = 'Visa "What To Do If Compromised" (R18)';

// ── deadlines ───────────────────────────────────────────────────────────────

/** Visa WTDIC: contain "immediately"; policy default 4 h after opening. */
const isolationDue: Deadline = {
  id: 'isolationDue',
  label: 'Affected system isolated (4 h after opening; policy default for Visa "immediately")',
  after: hours(4),
  from: fromOpening,
  source: `PB-7 Contain; ${WTDIC}: contain immediately (policy default)`,
};
/** PB-7 Public statement: the same day when the leak is already public (C8: the notice came that evening). */
const sameDayStatementDue: Deadline = {
  id: 'sameDayStatementDue',
  label: 'Public statement due (end of the day the leak was reported, when already public)',
  at: (context) => (context.input.report?.public ? endOfReportDay(context) : endOfToday(context)),
  source:
    'PB-7 Public statement: same day if already public; C8: official notice the same evening (after ~16:00)',
};
/** Policy default: a deferred statement on a public leak is reviewed within 24 h. */
const deferredStatementDue: Deadline = {
  id: 'deferredStatementDue',
  label: 'Deferred public statement due (24 h after the deferral; policy default)',
  after: hours(24),
  source: 'PB-7 Public statement (policy default)',
};
/** State laws: "most expedient time possible" (CA) to 30 days (FL, CO, WA); policy target 3 days. */
const customerNoticeDue: Deadline = {
  id: 'customerNoticeDue',
  label: 'Affected cardholders contacted (3 days after opening; policy default)',
  after: days(3),
  from: fromOpening,
  source: 'PB-7 Individuals; §3.2 rows 22–25 US state laws (expedient to 30 days); policy target 3 days',
};

// ── guards ──────────────────────────────────────────────────────────────────

const verified = (context: KitContext) => context.facts['exposure.verified']?.payload;

/** Verification concluded the data is not ours (nor any affiliate's): the only state in which a denial may go out. */
export const verifiedNotOurs = (context: KitContext): boolean => verified(context)?.finding === 'not_ours';
const notOurs: KitGuard = inState('verify.not_ours');

/** `not_ours` needs the organisation and every listed subsidiary and affiliate checked (C8: the US subsidiary). */
const everyEntityChecked = guard(({ context, event }) => {
  const checked = ((event.payload?.entitiesChecked ?? []) as string[]).map((e) => e.toLowerCase());
  const entities = [context.input.organisation.name, ...((context.input.affiliates ?? []) as string[])];
  return entities.every((entity) => checked.includes(entity.toLowerCase()));
});
/** An affiliate finding names the affiliate. */
const namesSource = guard(
  ({ event }) => event.payload?.finding !== 'affiliate' || typeof event.payload?.sourceEntity === 'string',
);

/** The verification event names one of these findings. */
const findingOf = (...findings: string[]): KitGuard => payloadIs('finding', ...findings);

/** Verification has recorded this finding. */
const findingIs = (finding: string): KitGuard =>
  guard(({ context }) => verified(context)?.finding === finding);

/** The joint statement is signed by the organisation and the affiliate that was the source. */
const jointWithSource = guard(({ context, event }) => {
  const entities = ((event.payload?.entities ?? []) as string[]).map((e) => e.toLowerCase());
  const source = String(verified(context)?.sourceEntity ?? '').toLowerCase();
  return entities.includes(context.input.organisation.name.toLowerCase()) && entities.includes(source);
});

const reportIsPublic = guard(({ context }) => context.input.report?.public === true);

/** The public statement cites the verification, and waits for the joint statement when an affiliate is the source. */
const publicStatementReady = allOf(
  sendsTo('public', { citing: ['exposure.verified'] }),
  not(inState('group.coordinate')),
);

/** Visa or the acquirer decides whether a PFI is required: it can't be declined when they require one. */
const pfiDeclinable = payloadIs('requiredBy', 'none');

const needsAgCopies = guard(
  ({ event }) => ((event.payload?.attorneyGeneralCopies ?? []) as unknown[]).length > 0,
);

// ── APPI ────────────────────────────────────────────────────────────────────

const regulators = { owner: 'legal', source: `${src('Regulators')}; §3.2 rows 6–8, 16, 17, 22–25` };
const appi = appiReports({
  reportable:
    'Category (2) when a Japanese business handled the data: card numbers put people at risk of property damage',
  description: 'APPI category (2) when a Japanese business handled the data: preliminary, confirmed.',
  meta: regulators,
});

// ── events ──────────────────────────────────────────────────────────────────

/** Free text that must not carry a card number: the data is verified, never spread (PCI DSS 3.3/3.4). */
const cardNumber = /(?:\d[ -]?){13,19}/;
const noPan = (max = 2000) =>
  withRules(text(max), {
    check: (value) => !cardNumber.test(value),
    message: 'must not contain a card number: record sample hashes, never the data',
    jsonSchema: { not: { pattern: cardNumber.source } },
  });

export const cardBrands = z.enum(['visa', 'mastercard', 'amex', 'jcb', 'discover', 'unionpay']);

export const events = [
  clientEvent({
    type: 'samples.validated',
    title: 'Leaked samples validated',
    description:
      'The claimed samples are checked against our records in place, without spreading the data: only their ' +
      'SHA-256 hashes are kept, and free text refuses anything that looks like a card number.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      samples: z.number().int().min(1),
      sampleHashes: z.array(sha256).min(1).max(100),
      matchedRecords: z.number().int().min(0),
      method: z.enum(['compared_in_place', 'hash_lookup']),
      storedAs: z.literal('hashes_only'),
      note: noPan().optional(),
    }),
    examples: [
      {
        samples: 3,
        sampleHashes: ['c'.repeat(64)],
        matchedRecords: 3,
        method: 'compared_in_place',
        storedAs: 'hashes_only',
      },
    ],
  }),
  clientEvent({
    type: 'exposure.verified',
    title: 'Source of the exposure verified',
    description:
      'Where the data came from, checked across the organisation and every subsidiary and affiliate (C8: the ' +
      'source was NTT DOCOMO USA, not the domestic service). `not_ours` needs every listed entity checked; it is ' +
      'the only finding after which a denial may be sent.',
    roles: ['technical_lead', IC],
    payload: z.strictObject({
      finding: z.enum(['ours', 'affiliate', 'not_ours']),
      sourceEntity: text(200).optional(),
      sourceSystem: noPan(300).optional(),
      entitiesChecked: z.array(text(200)).min(1),
      rationale,
    }),
    examples: [
      {
        finding: 'affiliate',
        sourceEntity: 'NTT DOCOMO USA, Inc.',
        sourceSystem: 'DOCOMO USA Wireless customer server',
        entitiesChecked: ['NTT Docomo', 'NTT DOCOMO USA, Inc.'],
        rationale: "Sample hashes match the subsidiary's customer records.",
      },
    ],
  }),
  clientEvent({
    type: 'system.isolated',
    title: 'Affected system isolated',
    description:
      `Detached from the network, not powered off, no logging in or password changes on it (${WTDIC}). Each ` +
      'containment action carries its action-log entry.',
    roles: ['technical_lead'],
    payload: z.strictObject({
      system: noPan(300),
      method: z.enum(['network_detached', 'segment_blocked']),
      poweredOff: z.literal(false),
      actionLogEntry: noPan(),
    }),
    examples: [
      {
        system: 'DOCOMO USA Wireless customer server',
        method: 'network_detached',
        poweredOff: false,
        actionLogEntry: 'Switch port disabled by the on-call engineer; host left running.',
      },
    ],
  }),
  clientEvent({
    type: 'logs.preserved',
    title: 'Logs preserved; action log kept',
    description: `Server logs preserved (evidence kind server_logs) and the log of every action taken kept (${WTDIC}).`,
    roles: ['technical_lead'],
    payload: z.strictObject({ actionLogRef: text(500), rationale }),
    examples: [
      { actionLogRef: 'evidence://locker/action-log.md', rationale: 'Logs hashed before any analysis.' },
    ],
  }),
  clientEvent({
    type: 'card_brands.notified',
    title: 'Card brands and acquirer notified',
    description:
      'PCI DSS 12.10.1: notify the payment brands and the acquirer; Visa: "immediately". Needs the determination ' +
      'recorded first (it starts the clocks) and meets the card-brands clock; a late notice gives its reason.',
    roles: ['legal', IC],
    payload: z.strictObject({
      brands: z.array(cardBrands).min(1),
      acquirer: text(200),
      reference: text(200).optional(),
      delayReason: text().optional(),
    }),
    examples: [{ brands: ['visa', 'mastercard'], acquirer: 'Acquiring bank', reference: 'ACQ-1' }],
  }),
  clientEvent({
    type: 'visa.initial_report_submitted',
    title: 'Visa initial incident report submitted',
    description: `The initial incident report within 3 business days (${WTDIC}); meets that clock only.`,
    roles: ['legal'],
    payload: z.strictObject({ reference: text(200), delayReason: text().optional() }),
    examples: [{ reference: 'VISA-IR-1' }],
  }),
  clientEvent({
    type: 'account_numbers.delivered',
    title: 'Compromised account numbers delivered',
    description: `All potentially compromised account numbers, within 10 business days, over a secure channel (${WTDIC}).`,
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({
      accounts: z.number().int().min(1),
      transfer: z.enum(['secure_file_transfer', 'brand_portal']),
      reference: text(200),
      delayReason: text().optional(),
    }),
    examples: [{ accounts: 1200, transfer: 'secure_file_transfer', reference: 'VISA-ACCTS-1' }],
  }),
  clientEvent({
    type: 'pfi.decided',
    title: 'PFI engagement decided',
    description:
      'Decision on a PCI Forensic Investigator. Visa and the acquirer decide whether one is required; when they ' +
      'do, it cannot be declined.',
    roles: ['executive', 'legal'],
    payload: z.strictObject({
      option: z.enum(['engage_pfi', 'not_required']),
      requiredBy: z.enum(['visa', 'acquirer', 'other_brand', 'none']),
      rationale,
    }),
    examples: [
      { option: 'engage_pfi', requiredBy: 'visa', rationale: 'Visa requires a PFI for this event.' },
    ],
  }),
  clientEvent({
    type: 'pfi.engaged',
    title: 'PFI engaged',
    description: 'A PCI Forensic Investigator from the PCI SSC list is under contract.',
    roles: ['executive'],
    payload: z.strictObject({ firm: text(200), contractRef: text(200) }),
    examples: [{ firm: 'Listed PFI company', contractRef: 'PFI-2026-01' }],
  }),
  clientEvent({
    type: 'pfi.report_received',
    title: 'PFI report received',
    description: "The PFI's final report, shared with the brands and acquirer.",
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({ reference: text(200), findings: z.array(noPan(1000)).min(1) }),
    examples: [{ reference: 'PFI-FINAL-1', findings: ['Web application injection on the customer portal'] }],
  }),
  clientEvent({
    type: 'cardholder_support.decided',
    title: 'Cardholder support decided',
    description:
      'Decision on reimbursement and card reissue support for the affected cardholders (card-not-present fraud ' +
      'risk: full number, expiry, date of birth and address were exposed in C8).',
    roles: ['executive'],
    payload: z.strictObject({
      option: z.enum(['reissue_and_reimburse', 'reimburse_fraud_only', 'monitoring_only']),
      rationale,
    }),
    examples: [
      {
        option: 'reissue_and_reimburse',
        rationale: 'Number, expiry and date of birth exposed: reissue and cover fraudulent charges.',
      },
    ],
  }),
  clientEvent({
    type: 'cards.reissue_requested',
    title: 'Card reissue requested',
    description: 'Reissue of the exposed cards requested from the issuers, through the acquirer and brands.',
    roles: ['customer_support', IC],
    payload: z.strictObject({ accounts: z.number().int().min(1), via: text(200) }),
    examples: [{ accounts: 1200, via: 'Acquirer, then card brands to issuers' }],
  }),
  clientEvent({
    type: 'customers.contacted',
    title: 'Affected customers contacted',
    description:
      'Individual contact with the affected cardholders, counted until none is outstanding (C8: Docomo USA ' +
      'contacted the affected customers individually).',
    roles: ['customer_support'],
    payload: z.strictObject({
      contacted: z.number().int().min(0),
      outstanding: z.number().int().min(0),
      channel: z.enum(['phone', 'email', 'letter']),
    }),
    examples: [{ contacted: 1200, outstanding: 0, channel: 'email' }],
  }),
  clientEvent({
    type: 'law_enforcement.notified',
    title: 'Law enforcement notified',
    description: `In the US, the local Secret Service office (${WTDIC}); elsewhere the police.`,
    roles: ['le_liaison'],
    payload: z.strictObject({ agency: text(200), reference: text(200) }),
    examples: [{ agency: 'US Secret Service, local field office', reference: 'USSS-1' }],
  }),
  clientEvent({
    type: 'state_laws.assessed',
    title: 'US state notice laws assessed',
    description:
      "The affected residents' states and their rules (expedient to 30/60 days; attorney-general copies above " +
      'thresholds, e.g. CA >500, FL ≥500, TX ≥250).',
    roles: ['legal'],
    payload: z.strictObject({
      states: z
        .array(z.strictObject({ state: z.string().regex(/^[A-Z]{2}$/), residents: z.number().int().min(0) }))
        .min(1),
      attorneyGeneralCopies: z.array(z.string().regex(/^[A-Z]{2}$/)).default([]),
      rationale,
    }),
    examples: [
      {
        states: [{ state: 'CA', residents: 120 }],
        attorneyGeneralCopies: [],
        rationale: 'Under every AG threshold; resident notices go with the individual contact.',
      },
    ],
  }),
  clientEvent({
    type: 'attorneys_general.notified',
    title: 'Attorneys general notified',
    description: 'Copies to the state attorneys general whose thresholds are met.',
    roles: ['legal'],
    payload: z.strictObject({ states: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1) }),
    examples: [{ states: ['CA'] }],
  }),
  ...appi.events,
  clientEvent({
    type: 'group_statement.agreed',
    title: 'Joint parent/subsidiary statement agreed',
    description:
      'Parent and the affiliate that was the source agree one scoping statement: accurate, not dismissive (the S3 ' +
      'writer criticised a notice that stressed the parent was unaffected after a "technically impossible" reply).',
    roles: ['executive', 'legal'],
    payload: z.strictObject({ entities: z.array(text(200)).min(2), scopeStatement: noPan(4000), rationale }),
    examples: [
      {
        entities: ['NTT Docomo', 'NTT DOCOMO USA, Inc.'],
        scopeStatement:
          'Customer data of DOCOMO USA Wireless was accessed without authorisation; we are contacting each ' +
          'affected customer; investigation of other systems continues.',
        rationale: 'One statement for the group; facts as verified.',
      },
    ],
  }),
  clientEvent({
    type: 'public_statement.timed',
    title: 'Public statement timing decided',
    description:
      'When to publish. Already public: the same day, or deferred by an executive with a rationale; staying silent ' +
      'is not an option. Not yet public: the same day, deferred, or direct notice only.',
    roles: ['executive', IC],
    payload: z.strictObject({ option: z.enum(['same_day', 'defer', 'direct_notice_only']), rationale }),
    examples: [{ option: 'same_day', rationale: 'The leak is on a public blog; silence reads as denial.' }],
  }),
  clientEvent({
    type: 'pci.remediated',
    title: 'PCI remediation done',
    description: 'The weaknesses found (PFI findings where there is a PFI) are fixed.',
    roles: ['technical_lead'],
    payload: z.strictObject({ findingsAddressed: z.array(noPan(1000)).min(1), rationale }),
    examples: [{ findingsAddressed: ['Injection fixed; WAF in blocking mode'], rationale: 'Retested.' }],
  }),
  clientEvent({
    type: 'pci_compliance.validated',
    title: 'PCI compliance validated',
    description:
      'Compliance validated by an assessor; recorded by someone other than whoever did the remediation.',
    roles: [IC, 'technical_lead'],
    payload: z.strictObject({ assessor: z.enum(['qsa', 'isa', 'pfi']), reference: text(200) }),
    examples: [{ assessor: 'qsa', reference: 'ROC-2026' }],
  }),
  clientEvent({
    type: 'system.restored',
    title: 'System back in service',
    description:
      'The system returns to service once validated and, where a PFI was engaged, its report is in.',
    roles: [IC],
    payload: z.strictObject({ rationale }),
    examples: [{ rationale: 'Validated; PFI report closed.' }],
  }),
];

// ── tracks ──────────────────────────────────────────────────────────────────

const verify = { owner: 'technical_lead', source: src('Verify') };
const contain = { owner: 'technical_lead', source: `${src('Contain')}; ${WTDIC}: isolate, do not power off` };
const brands = {
  owner: 'legal',
  source: `${src('Card brands / acquirer')}; PCI DSS 12.10.1 (R17); ${WTDIC}`,
};
const individuals = { owner: 'customer_support', source: src('Individuals') };
const group = { owner: 'executive', source: src('Group coordination') };
const statement = { owner: 'communications', source: src('Public statement') };
const recovery = { owner: 'technical_lead', source: src('Recovery & PCI remediation') };

const standDown = 'Verification found the data is not ours: this track stands down.';

export const tracks = {
  verify: track(
    {
      description:
        'Verify: validate samples without spreading them; identify the source system across subsidiaries and ' +
        'affiliates. Until this concludes "not ours", no denial can be sent.',
      ...verify,
    },
    {
      validate_samples: step({
        description:
          'Validate the claimed samples against our records in place; keep only their hashes (C8: the blogger ' +
          'had verified a record with the affected person).',
        checklist: ['Compare in place', 'Keep hashes only', 'Record where the data was found'],
        evidence: ['The external report with timestamps', 'Sample hashes and location'],
        on: { 'samples.validated': 'identify_source' },
        ...verify,
      }),
      identify_source: step({
        description:
          'Identify the source system, checking the organisation and every subsidiary and affiliate (C8: the ' +
          'blogger pointed at "NTT DoCoMo USA, INC"; the reply never checked it).',
        on: {
          'exposure.verified': [
            { target: 'not_ours', guard: allOf(findingOf('not_ours'), everyEntityChecked) },
            { target: 'confirmed', guard: allOf(findingOf('ours', 'affiliate'), namesSource) },
          ],
        },
        ...verify,
      }),
      confirmed: done('The source is ours or an affiliate: the response runs on verified facts.', verify),
      not_ours: done(
        'Verified not ours, every entity checked: the other tracks stand down; a denial may now be sent.',
        verify,
      ),
    },
  ),
  contain: track(
    { description: 'Contain: isolate without powering off, preserve logs, log every action.', ...contain },
    standsDownWhen(notOurs, standDown, contain, {
      isolate: step({
        description: `Detach the system from the network; do not power it off, log in or change passwords (${WTDIC}).`,
        checklist: ['Detach, do not power off', 'No logins or password changes on it', 'Log the action'],
        deadlines: [isolationDue],
        on: { 'system.isolated': 'preserve' },
        ...contain,
      }),
      preserve: step({
        description:
          'Preserve the server logs (evidence kind server_logs) and keep the record of every action.',
        evidence: ['Server logs', 'Action log'],
        on: { 'logs.preserved': { target: 'contained', guard: hasEvidence('server_logs') } },
        ...contain,
      }),
      contained: done('Isolated, logs preserved, every action logged.', contain),
    }),
  ),
  card_brands: track(
    {
      description:
        'Card brands / acquirer: notify immediately, initial report in 3 business days, account numbers in 10; ' +
        'the PFI decision lies with Visa and the acquirer.',
      ...brands,
    },
    standsDownWhen(
      notOurs,
      standDown,
      brands,
      parallelSteps(
        {
          description: 'Card-brand reports and the PFI decision.',
          doneDescription: 'Brands notified, reports delivered, PFI settled.',
          ...brands,
        },
        {
          reports: track(
            { description: 'Notify, initial report, account numbers.', ...brands },
            {
              notify: step({
                description:
                  'Notify the brands and acquirer immediately, once the determination is recorded (it starts the clocks).',
                on: {
                  'card_brands.notified': {
                    target: 'initial_report',
                    guard: factRecorded('breach.determined'),
                    files: ['card-brands-immediate'],
                  },
                },
                ...brands,
              }),
              initial_report: step({
                description: 'Visa initial incident report within 3 business days.',
                on: {
                  'visa.initial_report_submitted': {
                    target: 'account_numbers',
                    files: ['visa-initial-report'],
                  },
                },
                ...brands,
              }),
              account_numbers: step({
                description: 'Deliver all potentially compromised account numbers within 10 business days.',
                on: {
                  'account_numbers.delivered': {
                    target: 'delivered',
                    files: ['visa-account-numbers'],
                  },
                },
                ...brands,
              }),
              delivered: done('Brands notified; initial report and account numbers delivered.', brands),
            },
          ),
          pfi: track(
            { description: 'PFI: decided by Visa and the acquirer, engaged if required.', ...brands },
            {
              decide: step({
                description:
                  'Record the PFI decision once the brands know; a PFI Visa or the acquirer requires cannot be declined.',
                on: {
                  'pfi.decided': [
                    {
                      target: 'engage',
                      guard: allOf(optionIs('engage_pfi'), factRecorded('card_brands.notified')),
                      decision: 'pfi',
                    },
                    {
                      target: 'not_required',
                      guard: allOf(
                        optionIs('not_required'),
                        pfiDeclinable,
                        factRecorded('card_brands.notified'),
                      ),
                      decision: 'pfi',
                    },
                  ],
                },
                ...brands,
                owner: 'executive',
              }),
              engage: step({
                description: 'Engage a listed PCI Forensic Investigator.',
                on: { 'pfi.engaged': 'investigating' },
                ...brands,
                owner: 'executive',
              }),
              investigating: step({
                description: 'The PFI investigates; its final report goes to the brands and acquirer.',
                on: { 'pfi.report_received': 'reported' },
                ...brands,
                owner: 'technical_lead',
              }),
              reported: done('PFI report received.', brands),
              not_required: done('No PFI required by Visa or the acquirer: decision recorded.', brands),
            },
          ),
        },
      ),
    ),
  ),
  individuals: track(
    {
      description:
        'Individuals: decide reimbursement and reissue support, then contact each affected cardholder.',
      ...individuals,
    },
    standsDownWhen(notOurs, standDown, individuals, {
      decide_support: step({
        description: 'Decide reimbursement and card reissue support once the source is verified.',
        deadlines: [customerNoticeDue],
        on: {
          'cardholder_support.decided': [
            {
              target: 'arrange_reissue',
              guard: allOf(optionIs('reissue_and_reimburse'), inState('verify.confirmed')),
              decision: 'cardholder_support',
            },
            { target: 'notify', guard: inState('verify.confirmed'), decision: 'cardholder_support' },
          ],
        },
        ...individuals,
        owner: 'executive',
      }),
      arrange_reissue: step({
        description: 'Request reissue of the exposed cards through the acquirer and brands.',
        deadlines: [customerNoticeDue],
        on: { 'cards.reissue_requested': 'notify' },
        ...individuals,
      }),
      notify: step({
        description:
          'Send the approved notice to the affected customers, citing the verification and the support decided.',
        deadlines: [customerNoticeDue],
        on: {
          'message.sent': {
            target: 'follow_up',
            guard: sendsTo('affected_customers', {
              citing: ['exposure.verified', 'cardholder_support.decided'],
            }),
          },
        },
        ...individuals,
        owner: 'communications',
      }),
      follow_up: step({
        description: 'Contact every affected customer individually until none is outstanding.',
        on: {
          'customers.contacted': [
            { target: 'contacted', guard: ({ event }) => event.payload?.outstanding === 0 },
            { reenter: false },
          ],
        },
        ...individuals,
      }),
      contacted: done('Every affected customer contacted.', individuals),
    }),
  ),
  regulators: track(
    {
      description:
        'Regulators: SEC 8-K if material, law enforcement (US: Secret Service), US state laws, APPI category (2).',
      ...regulators,
    },
    standsDownWhen(
      notOurs,
      standDown,
      regulators,
      parallelSteps(
        {
          description: 'Materiality and 8-K, law enforcement, state laws and APPI.',
          doneDescription: 'Every regulator and agency handled.',
          ...regulators,
        },
        {
          sec: track(
            {
              description: 'SEC Item 1.05: materiality, then the 8-K within 4 business days.',
              ...regulators,
            },
            {
              materiality: step({
                description:
                  'Determine materiality without unreasonable delay (starts the 8-K clock if material).',
                on: {
                  'materiality.determined': [
                    { target: 'file_8k', guard: optionIs('material'), decision: 'materiality' },
                    { target: 'not_material', decision: 'materiality' },
                  ],
                },
                ...regulators,
                owner: 'executive',
              }),
              file_8k: step({
                description: 'File Form 8-K Item 1.05 within 4 business days of the determination.',
                on: {
                  'regulator.reported': {
                    target: 'filed',
                    guard: allOf(regimeIs('SEC 8-K'), lateFilingHasReason()),
                  },
                },
                ...regulators,
              }),
              filed: done('8-K filed.', regulators),
              not_material: done('Not material: determination recorded.', regulators),
            },
          ),
          law_enforcement: track(
            {
              description: `Law enforcement (${WTDIC}: the local Secret Service office in the US).`,
              ...regulators,
            },
            {
              notify: step({
                description: 'Report to law enforcement and record the case reference.',
                on: { 'law_enforcement.notified': 'notified' },
                ...regulators,
                owner: 'le_liaison',
              }),
              notified: done('Law enforcement notified.', { ...regulators, owner: 'le_liaison' }),
            },
          ),
          state_laws: track(
            { description: 'US state notice laws and attorney-general copies.', ...regulators },
            {
              assess: step({
                description: "Assess the affected residents' states, their deadlines and AG thresholds.",
                on: {
                  'state_laws.assessed': [
                    { target: 'notify_ags', guard: needsAgCopies },
                    { target: 'assessed' },
                  ],
                },
                ...regulators,
              }),
              notify_ags: step({
                description: 'Send the attorney-general copies the thresholds call for.',
                on: { 'attorneys_general.notified': 'assessed' },
                ...regulators,
              }),
              assessed: done('State laws handled.', regulators),
            },
          ),
          appi: appi.track,
        },
      ),
    ),
  ),
  group: track(
    {
      description:
        'Group coordination: when an affiliate is the source, parent and affiliate agree one joint statement.',
      ...group,
    },
    standsDownWhen(notOurs, standDown, group, {
      await_source: {
        description: 'Waits for verification: an affiliate source needs a joint statement; our own does not.',
        meta: group,
        always: [
          { target: 'coordinate', guard: findingIs('affiliate') },
          { target: 'single_entity', guard: findingIs('ours') },
        ],
      },
      coordinate: step({
        description:
          'Agree the joint parent/affiliate scoping statement: accurate, not dismissive (C8 stressed the parent ' +
          'was unaffected).',
        on: { 'group_statement.agreed': { target: 'agreed', guard: jointWithSource } },
        ...group,
      }),
      agreed: done('Joint statement agreed.', group),
      single_entity: done('The source is our own system: no group statement needed.', group),
    }),
  ),
  public_statement: track(
    {
      description:
        'Public statement: the same day when the leak is already public (C8: the notice appeared that evening).',
      ...statement,
    },
    standsDownWhen(notOurs, standDown, statement, {
      routing: {
        description: 'Routes on whether the leak is already public (input report.public).',
        meta: statement,
        always: [{ target: 'already_public', guard: reportIsPublic }, { target: 'not_public' }],
      },
      already_public: step({
        description:
          'The leak is already public: decide the timing now; same day by default, deferral only by an executive.',
        deadlines: [sameDayStatementDue],
        on: {
          'public_statement.timed': [
            { target: 'publish_today', guard: optionIs('same_day'), decision: 'statement_timing' },
            {
              target: 'deferred',
              guard: allOf(optionIs('defer'), actorHolds('executive')),
              decision: 'statement_timing',
            },
          ],
        },
        ...statement,
        owner: 'executive',
      }),
      not_public: step({
        description: 'Not yet public: publish, defer, or notify directly only.',
        on: {
          'public_statement.timed': [
            { target: 'publish_today', guard: optionIs('same_day'), decision: 'statement_timing' },
            { target: 'deferred', guard: optionIs('defer'), decision: 'statement_timing' },
            { target: 'not_published', decision: 'statement_timing' },
          ],
        },
        ...statement,
        owner: 'executive',
      }),
      publish_today: step({
        description:
          'Publish today: the approved statement cites the verification, and the joint statement when an affiliate ' +
          'is the source.',
        deadlines: [sameDayStatementDue],
        on: { 'message.sent': { target: 'published', guard: publicStatementReady } },
        ...statement,
      }),
      deferred: step({
        description: 'Deferred by an executive: publish within 24 h (policy default) or escalate.',
        deadlines: [deferredStatementDue],
        on: { 'message.sent': { target: 'published', guard: publicStatementReady } },
        ...statement,
      }),
      published: done('Public statement published.', statement),
      not_published: done('Direct notice only (not public): decision recorded.', statement),
    }),
  ),
  recovery: track(
    { description: 'Recovery & PCI remediation: fix, validate, return to service.', ...recovery },
    standsDownWhen(notOurs, standDown, recovery, {
      remediate: step({
        description: 'Fix the weaknesses once contained (PFI findings where there is a PFI).',
        on: { 'pci.remediated': { target: 'validate', guard: inState('contain.contained') } },
        ...recovery,
      }),
      validate: step({
        description: 'Validate PCI compliance; recorded by someone other than the remediator.',
        on: { 'pci_compliance.validated': { target: 'restore', guard: notSameActorAs('pci.remediated') } },
        ...recovery,
        owner: IC,
      }),
      restore: step({
        description:
          'Return the system to service once the PFI question is settled (report in, or none required).',
        on: {
          'system.restored': {
            target: 'recovered',
            guard: anyOf(
              inState('card_brands.work.pfi.reported'),
              inState('card_brands.work.pfi.not_required'),
              inState('card_brands.done'),
            ),
          },
        },
        ...recovery,
        owner: IC,
      }),
      recovered: done('Remediated, validated, back in service.', recovery),
    }),
  ),
};

/** For the review track: recovery is done, or stood down. */
export const recoveryOver = anyOf(inState('recovery.recovered'), inState('recovery.not_applicable'));
