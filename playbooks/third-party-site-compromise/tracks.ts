import { z } from 'zod';
import {
  addMs,
  allOf,
  appiReports,
  clientEvent,
  type Deadline,
  days,
  done,
  fromOpening,
  guard,
  hasEvidence,
  hours,
  type KitContext,
  notSameActorAs,
  optionIs,
  parallelTrack,
  rationale,
  sendsTo,
  statePaths,
  step,
  text,
  track,
} from '../../src/playbook-kit';

export const PLAYBOOK_ID = 'third-party-site-compromise';
const inState = statePaths(PLAYBOOK_ID);
const IC = 'incident_commander';
const CC = 'contractor_contact';
const PB6 = 'PB-6 Third-party-hosted website compromise';
const C4 = 'C4 Kumamoto Prefecture mail-magazine site (S2)';
const src = (what: string) => `${PB6} ${what}; ${C4}`;

// ── deadlines ───────────────────────────────────────────────────────────────

const reportedAt = (context: KitContext) => context.input.report?.receivedAt ?? context.openedAt;
const contractHours = (context: KitContext) => {
  const contract = Number(context.input.contractNoticeHours);
  return Number.isFinite(contract) && contract > 0 ? Math.min(contract, 24) : 24;
};

/** §2.7: processor → controller notice, policy default 24 h, or the contract's shorter notice period. */
const controllerNoticeDue: Deadline = {
  id: 'controllerNoticeDue',
  label:
    "Contractor's notice to the controller due (24 h after the report, or the contract's shorter period)",
  at: (context) => addMs(reportedAt(context), hours(contractHours(context))),
  source:
    '§2.7 processor→controller task (policy default 24 h; contract metadata); GDPR Art. 33(2) "without undue ' +
    'delay"; APPI Guidelines 3-5-3-5 contractor rule (R14)',
};
/** Policy default of this playbook: a defaced public page stays up no longer than 2 h after opening. */
const siteOfflineDue: Deadline = {
  id: 'siteOfflineDue',
  label: 'Affected pages offline (2 h after opening; policy default)',
  after: hours(2),
  from: fromOpening,
  source: 'PB-6 Contain: take the affected site or pages offline (policy default)',
};
/** §3.2 soft-clock default: APPI "promptly" → target 3 days. */
const individualNoticeDue: Deadline = {
  id: 'individualNoticeDue',
  label: 'Notice to individuals (promptly; policy target 3 days after opening)',
  after: days(3),
  from: fromOpening,
  source: 'APPI Art. 26(2) "promptly" (R14); §3.2 soft-clock policy target 3 days',
};

// ── guards ──────────────────────────────────────────────────────────────────

/** C4's evidence list: server image, web logs, defaced-page capture, platform/plugin inventory, DB access logs. */
export const requiredEvidence = [
  'server_image',
  'web_logs',
  'defaced_page_capture',
  'platform_inventory',
  'db_access_logs',
] as const;

/** Every required evidence kind is in the locker, and the police notice too when the police reported it. */
const evidenceComplete = guard(({ context }) => {
  const kinds: string[] = [...requiredEvidence];
  if (context.input.report?.channel === 'police') kinds.push('police_notice');
  return kinds.every((kind) => context.evidence.some((item) => item.kind === kind));
});

/** `fixed_period` must say how long. */
const retentionPeriodGiven = guard(
  ({ event }) =>
    event.payload?.option !== 'fixed_period' || typeof event.payload?.retentionMonths === 'number',
);

/** The amended contract carries every requirement that was decided. */
const clausesCoverDecision = guard(({ context, event }) => {
  const decided = (context.facts['contract_requirements.decided']?.payload.requirements ?? []) as string[];
  const clauses = (event.payload?.clauses ?? []) as string[];
  return decided.every((requirement) => clauses.includes(requirement));
});

// ── APPI ────────────────────────────────────────────────────────────────────

const regulator = { owner: 'legal', source: `${src('Notify')}; §3.2 rows 6–7 APPI` };
const appi = appiReports({
  reportable:
    'Unauthorised access is category (3), reportable even for one person (administrative bodies: 100-person ' +
    'threshold otherwise)',
  description: 'Regulator: APPI preliminary then confirmed report to the PPC.',
  meta: regulator,
});

// ── events ──────────────────────────────────────────────────────────────────

/** Contract requirements, from the S2 writer's lesson: the client writes security into the order. */
export const contractRequirements = z.enum([
  'security_requirements_in_order',
  'cms_plugin_patching_duty',
  'right_to_audit',
  'breach_notice_24h',
  'data_retention_limit',
  'integrity_monitoring',
  'vulnerability_testing',
]);

export const events = [
  clientEvent({
    type: 'controller.notified',
    title: 'Controller notified by the contractor',
    description:
      'The processor→controller notice: the contractor that runs the site tells the controller what it knows and ' +
      'when it learned it. GDPR Art. 33(2) "without undue delay"; under APPI the contractor is released from its ' +
      'own PPC report only once it has told the client (Guidelines 3-5-3-5, R14).',
    roles: [CC, IC],
    payload: z.strictObject({ controller: text(200), channel: text(200), summary: text(4000) }),
    examples: [
      {
        controller: 'Kumamoto Prefecture',
        channel: 'phone, then written report',
        summary: 'Police pointed out a defaced present-campaign page; the server is being checked.',
      },
    ],
  }),
  clientEvent({
    type: 'contractor.activated',
    title: 'Contractor activated under the contract',
    description:
      'The controller invokes the contract: incident clauses, named contacts on both sides, access to the host and ' +
      'logs for the investigation (SM-VENDOR contract contacts).',
    roles: ['legal', IC],
    payload: z.strictObject({
      contractRef: text(200),
      contacts: z.array(text(200)).min(1),
      obligations: z.array(text(500)).min(1),
    }),
    examples: [
      {
        contractRef: 'Mail-magazine site operation order FY2017',
        contacts: ['Contractor director (24 h phone)'],
        obligations: ['Preserve logs and server image', 'Daily status until closed'],
      },
    ],
  }),
  clientEvent({
    type: 'site.taken_offline',
    title: 'Affected pages taken offline',
    description:
      'The defaced pages (or the whole site) are taken offline. The defaced page is captured first: evidence ' +
      'before change (C4: part of the public pages, including the present-campaign page, was defaced).',
    roles: ['technical_lead', CC],
    payload: z.strictObject({
      scope: z.enum(['pages', 'site']),
      pages: z.array(text(500)).min(1),
      rationale,
    }),
    examples: [
      {
        scope: 'site',
        pages: ['/present/', '/blog/'],
        rationale: 'Defaced campaign page and the vulnerable blog share the host.',
      },
    ],
  }),
  clientEvent({
    type: 'component.removed',
    title: 'Vulnerable component removed',
    description:
      "The vulnerable component is removed or disabled (C4: old posts on the contractor's staff blog, a " +
      '"Blogger"-based system per the S2 writer). Only after the server image, web logs and platform/plugin ' +
      'inventory are preserved: removal changes the host.',
    roles: ['technical_lead', CC],
    payload: z.strictObject({ component: text(500), method: z.enum(['removed', 'disabled']), rationale }),
    examples: [
      {
        component: 'Staff blog (old posts, third-party plugin)',
        method: 'removed',
        rationale: 'Intrusion traces lead through the old blog posts.',
      },
    ],
  }),
  clientEvent({
    type: 'evidence.preserved',
    title: 'Evidence set complete',
    description:
      `The evidence set is complete: ${requiredEvidence.join(', ')} (C4's list), and the police notice when the ` +
      'police reported it. Accepted only when each kind is in the locker (SM-EVIDENCE).',
    roles: ['technical_lead', IC],
    payload: z.strictObject({ rationale }),
    examples: [{ rationale: 'All items hashed and in the locker.' }],
  }),
  clientEvent({
    type: 'data_stores.identified',
    title: 'Data stores on the host identified',
    description: 'Every data store on the compromised host (C4: the present-campaign entry database).',
    roles: ['technical_lead', CC],
    payload: z.strictObject({ stores: z.array(text(300)).min(1) }),
    examples: [{ stores: ['present-campaign entries (MySQL)'] }],
  }),
  clientEvent({
    type: 'scope.quantified',
    title: 'Scope quantified',
    description:
      'Fields, record count and date range of the exposed data, and how long it was kept (C4: 12,424 records of ' +
      'present-campaign entrants, May 2008 – Jan 2018: email, gender, age, prefecture, survey answers).',
    roles: ['technical_lead', 'legal'],
    payload: z.strictObject({
      records: z.number().int().min(0),
      dataFields: z.array(text(100)).min(1),
      firstEntry: z.iso.date(),
      lastEntry: z.iso.date(),
      rationale,
    }),
    examples: [
      {
        records: 12_424,
        dataFields: ['email', 'gender', 'age', 'prefecture', 'survey answers'],
        firstEntry: '2008-05-01',
        lastEntry: '2018-01-31',
        rationale: 'Counted from the entry table; access logs show the table was read.',
      },
    ],
  }),
  ...appi.events,
  clientEvent({
    type: 'retention.decided',
    title: 'Retention going forward decided',
    description:
      'Decision on how long campaign entries are kept from now on (C4: ten years of entrants were kept on the web ' +
      'server, which the S2 writer judged unnecessary). `fixed_period` needs `retentionMonths`; `collect_off_site` ' +
      "moves entry collection off the contractor's host.",
    roles: ['legal', 'executive'],
    payload: z.strictObject({
      option: z.enum(['delete_after_campaign', 'fixed_period', 'collect_off_site']),
      retentionMonths: z.number().int().min(1).max(120).optional(),
      rationale,
    }),
    examples: [
      {
        option: 'delete_after_campaign',
        rationale: 'Entries are needed only until prizes are sent; keeping them invites another leak.',
      },
    ],
  }),
  clientEvent({
    type: 'entry_form.relocated',
    title: 'Entry form moved off the contractor host',
    description: "Campaign entries are collected on the controller's own system; the contractor keeps none.",
    roles: ['technical_lead', CC],
    payload: z.strictObject({ system: text(300), rationale }),
    examples: [{ system: 'Prefecture e-application system', rationale: 'Retention decision D-retention.' }],
  }),
  clientEvent({
    type: 'data.purged',
    title: 'Over-retained data purged',
    description:
      'Data past its retention period is deleted from the host, after an evidentiary copy is sealed in the locker ' +
      '(export, then delete: §1.1 pattern 4). Only once the evidence set and the scope are recorded.',
    roles: ['technical_lead', CC],
    payload: z.strictObject({
      recordsPurged: z.number().int().min(0),
      olderThan: z.iso.date(),
      legalHoldCopy: text(500),
      rationale,
    }),
    examples: [
      {
        recordsPurged: 12_424,
        olderThan: '2018-02-01',
        legalHoldCopy: 'evidence://locker/entries-sealed.tar.zst',
        rationale: 'No campaign is running; nothing needs to stay on the web host.',
      },
    ],
  }),
  clientEvent({
    type: 'site.rebuilt',
    title: 'Site rebuilt clean',
    description: 'Rebuilt from clean sources on patched platform versions, without the removed component.',
    roles: ['technical_lead', CC],
    payload: z.strictObject({ platform: text(300), rationale }),
    examples: [
      { platform: 'CMS 5.x, all plugins current', rationale: 'Fresh host; content from clean export.' },
    ],
  }),
  clientEvent({
    type: 'integrity_monitoring.enabled',
    title: 'Integrity monitoring enabled',
    description:
      'Page-integrity monitoring with alerts to named people (C4: the defacement was noticed only when the police ' +
      'pointed it out).',
    roles: ['technical_lead', CC],
    payload: z.strictObject({ tool: text(200), alertsTo: z.array(text(200)).min(1) }),
    examples: [
      { tool: 'Page hash monitor, 15 min', alertsTo: ['prefecture web team', 'contractor on-call'] },
    ],
  }),
  clientEvent({
    type: 'site.restored',
    title: 'Site back online',
    description:
      'Clean content restored and the site back online. Two-person rule: not signed off by whoever rebuilt it.',
    roles: [IC, 'technical_lead'],
    payload: z.strictObject({ rationale }),
    examples: [{ rationale: 'Rebuild reviewed; monitoring live.' }],
  }),
  clientEvent({
    type: 'contract_requirements.decided',
    title: 'Contract security requirements decided',
    description:
      'Decision on the security requirements the controller writes into its orders (the S2 writer: the prefecture, ' +
      'as client, should have written security requirements into the order), and whether the contractor stays.',
    roles: ['executive', 'legal'],
    payload: z.strictObject({
      option: z.enum(['amend_contract', 'replace_contractor']),
      requirements: z.array(contractRequirements).min(1),
      rationale,
    }),
    examples: [
      {
        option: 'amend_contract',
        requirements: ['security_requirements_in_order', 'cms_plugin_patching_duty', 'right_to_audit'],
        rationale: 'Small contractor with no security staff: requirements and audit rights close the gap.',
      },
    ],
  }),
  clientEvent({
    type: 'contract.amended',
    title: 'Contract amended',
    description:
      'The amended order carries every decided requirement; signed by someone other than the decider.',
    roles: ['legal'],
    payload: z.strictObject({ contractRef: text(200), clauses: z.array(contractRequirements).min(1) }),
    examples: [
      {
        contractRef: 'Order FY2018 amendment 1',
        clauses: ['security_requirements_in_order', 'cms_plugin_patching_duty', 'right_to_audit'],
      },
    ],
  }),
  clientEvent({
    type: 'contractor.replaced',
    title: 'Contractor replaced',
    description: 'The site moves to a new operator under an order that carries the decided requirements.',
    roles: ['executive', 'legal'],
    payload: z.strictObject({
      newContractor: text(200),
      contractRef: text(200),
      clauses: z.array(contractRequirements).min(1),
    }),
    examples: [
      {
        newContractor: 'Managed hosting provider',
        contractRef: 'Order FY2018-07',
        clauses: ['security_requirements_in_order', 'cms_plugin_patching_duty', 'right_to_audit'],
      },
    ],
  }),
];

// ── tracks ──────────────────────────────────────────────────────────────────

const contractor = { owner: CC, source: src('Contractor activation; §2.7') };
const contain = { owner: 'technical_lead', source: src('Contain') };
const evidence = { owner: 'technical_lead', source: src('Evidence') };
const scope = { owner: 'technical_lead', source: src('Scope') };
const notify = { owner: 'communications', source: src('Notify') };
const minimise = { owner: 'legal', source: src('Minimise; §1.1 pattern 6') };
const recover = { owner: 'technical_lead', source: src('Recover') };
const contract = { owner: 'legal', source: src('Contract remediation') };

export const tracks = {
  contractor: track(
    {
      description:
        'Contractor activation: the contractor tells the controller within 24 h (or the contract period), then ' +
        'the controller invokes the contract.',
      ...contractor,
    },
    {
      notify_controller: step({
        description:
          "Processor→controller notice: the contractor's written notice of what it knows, within 24 h of the " +
          "report or the contract's shorter period (§2.7; APPI contractor rule).",
        checklist: ['What happened and when it was learned', 'What has been done so far', 'Who to call'],
        deadlines: [controllerNoticeDue],
        on: { 'controller.notified': 'activate' },
        ...contractor,
      }),
      activate: step({
        description: 'Invoke the contract: incident clauses, contacts, access to the host and its logs.',
        evidence: ['Contract and order', 'Contractor correspondence'],
        on: { 'contractor.activated': 'activated' },
        ...contractor,
        owner: 'legal',
      }),
      activated: done('The contractor works under the contract with named contacts.', contractor),
    },
  ),
  containment: track(
    {
      description: 'Contain: take the affected pages offline, then remove the vulnerable component.',
      ...contain,
    },
    {
      take_offline: step({
        description:
          'Capture the defaced page, then take the affected pages (or the site) offline within 2 h (policy default).',
        checklist: ['Capture the defaced page first', 'Take pages or the whole site offline'],
        evidence: ['Defaced-page capture'],
        deadlines: [siteOfflineDue],
        on: {
          'site.taken_offline': { target: 'remove_component', guard: hasEvidence('defaced_page_capture') },
        },
        ...contain,
      }),
      remove_component: step({
        description:
          'Remove the vulnerable component (C4: the old staff-blog posts), once the server image, web logs and ' +
          'platform/plugin inventory are preserved.',
        checklist: ['Server image, web logs, plugin inventory preserved', 'Remove or disable the component'],
        on: {
          'component.removed': {
            target: 'contained',
            guard: hasEvidence('server_image', 'web_logs', 'platform_inventory'),
          },
        },
        ...contain,
      }),
      contained: done('Pages offline and the vulnerable component gone.', contain),
    },
  ),
  evidence: track(
    { description: 'Evidence: the set C4 calls for, preserved before anything changes.', ...evidence },
    {
      preserve: step({
        description:
          'Preserve the server image, web logs, defaced-page captures, platform version and plugin inventory, ' +
          'database access logs and the police notice (evidence.captured), then declare the set complete.',
        evidence: [...requiredEvidence, 'police_notice (when the police reported it)'],
        on: { 'evidence.preserved': { target: 'preserved', guard: evidenceComplete } },
        ...evidence,
      }),
      preserved: done('The evidence set is complete and in the locker.', evidence),
    },
  ),
  scope: track(
    { description: 'Scope: the data stores on the host, then fields, count and date range.', ...scope },
    {
      identify_stores: step({
        description: 'List every data store on the compromised host.',
        on: { 'data_stores.identified': 'quantify' },
        ...scope,
      }),
      quantify: step({
        description:
          'Fields, record count, date range and retention (C4: 12,424 records, May 2008 – Jan 2018).',
        evidence: ['Database access logs', 'Record count query'],
        on: { 'scope.quantified': 'scoped' },
        ...scope,
      }),
      scoped: done('The exposed data is known: fields, count, date range.', scope),
    },
  ),
  notify: parallelTrack(
    {
      description:
        'Notify: individuals, a public report and the regulator (APPI category 3: preliminary promptly, confirmed ' +
        'within 60 days).',
      doneDescription: 'Individuals, public and regulator notified.',
      ...notify,
    },
    {
      individuals: track(
        { description: 'Individuals: notice citing the scope, promptly.', ...notify },
        {
          notify: step({
            description:
              'Send the approved notice to the affected individuals; it must cite the quantified scope (facts only).',
            deadlines: [individualNoticeDue],
            on: {
              'message.sent': {
                target: 'notified',
                guard: sendsTo('individuals', { citing: ['scope.quantified'] }),
              },
            },
            ...notify,
          }),
          notified: done('Individuals notified.', notify),
        },
      ),
      public_report: track(
        { description: 'Public report (C4: the prefecture published an official report).', ...notify },
        {
          publish: step({
            description: 'Publish the approved public report, citing the quantified scope.',
            on: {
              'message.sent': {
                target: 'published',
                guard: sendsTo('public', { citing: ['scope.quantified'] }),
              },
            },
            ...notify,
          }),
          published: done('Public report published.', notify),
        },
      ),
      regulator: appi.track,
    },
  ),
  minimise: track(
    {
      description:
        'Minimise: decide retention going forward, then purge what was kept beyond it (after the evidence copy).',
      ...minimise,
    },
    {
      decide_retention: step({
        description:
          'Decide how long entries are kept from now on (C4 kept ten years of entrants on the web server).',
        on: {
          'retention.decided': [
            {
              target: 'relocate',
              guard: optionIs('collect_off_site'),
              decision: 'retention',
            },
            {
              target: 'purge',
              guard: allOf(optionIs('delete_after_campaign', 'fixed_period'), retentionPeriodGiven),
              decision: 'retention',
            },
          ],
        },
        ...minimise,
        owner: 'executive',
      }),
      relocate: step({
        description: "Move entry collection to the controller's own system.",
        on: { 'entry_form.relocated': 'purge' },
        ...minimise,
        owner: 'technical_lead',
      }),
      purge: step({
        description:
          'Purge data past the retention decided, once the evidence set and the scope are recorded; a sealed copy ' +
          'stays in the locker.',
        on: {
          'data.purged': {
            target: 'minimised',
            guard: allOf(inState('evidence.preserved'), inState('scope.scoped')),
          },
        },
        ...minimise,
        owner: 'technical_lead',
      }),
      minimised: done('Over-retained data purged; retention decided.', minimise),
    },
  ),
  recover: track(
    { description: 'Recover: rebuild clean, monitor integrity, restore content.', ...recover },
    {
      rebuild: step({
        description: 'Rebuild from clean sources on patched versions once contained.',
        on: { 'site.rebuilt': { target: 'monitor', guard: inState('containment.contained') } },
        ...recover,
      }),
      monitor: step({
        description: 'Integrity monitoring with alerts, so the next defacement is not found by the police.',
        on: { 'integrity_monitoring.enabled': 'restore' },
        ...recover,
      }),
      restore: step({
        description:
          'Restore clean content and bring the site back; signed off by someone other than the rebuilder.',
        on: { 'site.restored': { target: 'recovered', guard: notSameActorAs('site.rebuilt') } },
        ...recover,
        owner: IC,
      }),
      recovered: done('The site is back, clean and monitored.', recover),
    },
  ),
  contract: track(
    {
      description:
        'Contract remediation: security requirements in orders, CMS/plugin patching duty, right to audit.',
      ...contract,
    },
    {
      decide_requirements: step({
        description:
          'Decide the security requirements for orders and whether the contractor stays (the S2 writer: the ' +
          "client should have written security requirements into the order; a six-person print shop can't be " +
          'assumed to know them).',
        on: {
          'contract_requirements.decided': [
            { target: 'amend', guard: optionIs('amend_contract'), decision: 'contract_requirements' },
            { target: 'replace', decision: 'contract_requirements' },
          ],
        },
        ...contract,
        owner: 'executive',
      }),
      amend: step({
        description:
          'Amend the order with every decided requirement; signed by someone other than the decider.',
        on: {
          'contract.amended': {
            target: 'remediated',
            guard: allOf(clausesCoverDecision, notSameActorAs('contract_requirements.decided')),
          },
        },
        ...contract,
      }),
      replace: step({
        description: 'Move the site to a new operator under an order with every decided requirement.',
        on: { 'contractor.replaced': { target: 'remediated', guard: clausesCoverDecision } },
        ...contract,
        owner: 'executive',
      }),
      remediated: done('Security requirements are in the contract.', contract),
    },
  ),
};
