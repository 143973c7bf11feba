import { z } from 'zod';
import {
  type ClientEventDef,
  clientEvent,
  clocksOfTheRegime,
  filingFields,
  type HoldfastEvent,
  rationale,
  sha256,
  text,
  withRules,
} from '../../src/playbook-kit';
import { dataCategory, jurisdiction } from './input';

/** Playbook roles (PB-1 "Roles"); an incident binds tokens to them. */
export const roles = {
  incident_commander:
    'Runs the response and takes the command decisions (declare, contain, close): the JJ Meds "team leader" (C2).',
  technical_lead: 'Owns containment, evidence capture, eradication and the rebuild on the organisation side.',
  ir_vendor:
    'External incident-response firm (the C2 "security company"): forensics, malware removal, eradication attestation.',
  legal:
    'Legal / privacy counsel: regulatory profile and harm assessment, filings, breach record, payment sign-off.',
  communications:
    'Holding statements, customer notices, update cadence and the closing message (facts only).',
  executive: 'Executive approver: offline, vendor, ransom-payment and return-to-service decisions.',
  le_liaison: 'Law-enforcement liaison: police / RCMP / FBI (IC3) reports, case numbers and requests.',
  customer_support: 'Front-line support: answers customers with approved templates, helps users re-enrol.',
} as const;
export type Role = keyof typeof roles;

const IC = 'incident_commander';
const TECH = 'technical_lead';
const VENDOR = 'ir_vendor';
const LEGAL = 'legal';
const COMMS = 'communications';
const EXEC = 'executive';
const LE = 'le_liaison';
const SUPPORT = 'customer_support';

const note = text(4000);
const strictObject = <S extends z.ZodRawShape>(shape: S) => z.object(shape).strict();

/** What every baseline must hold before the containment gate opens. */
const baselineKinds = ['account_export', 'system_image'] as const;

const baselineItem = strictObject({
  kind: z.enum(['account_export', 'system_image', 'memory_capture', 'logs', 'config']),
  sha256,
  location: text(1000),
});

/** Payload schemas of every client event, keyed by event type. */
export const payloads = {
  // ── Track A: command (RS.MA) ─────────────────────────────────────────────
  'triage.started': strictObject({ note: note.optional() }),
  'incident.declared': strictObject({ severity: z.enum(['high', 'critical']).optional(), rationale }),
  'sitrep.published': strictObject({ summary: note }),
  'closure.started': strictObject({ note: note.optional() }),
  'incident.closed': strictObject({ rationale }),
  // ── Track B: containment and eradication (RS.MI) ────────────────────────
  'claim.assessed': strictObject({
    assessment: z.enum(['confirmed', 'plausible', 'implausible']),
    rationale,
  }),
  'site.taken_offline': strictObject({ scope: z.enum(['full', 'restricted']), rationale }),
  'site.kept_online': strictObject({ monitoring: note, rationale }),
  'evidence.baseline_captured': strictObject({
    items: withRules(z.array(baselineItem).min(1), {
      check: (items) => baselineKinds.every((kind) => items.some((item) => item.kind === kind)),
      message:
        'the baseline needs an account/ID export and a system image (CISA item 9; C2 "export, then disable")',
      jsonSchema: {
        allOf: baselineKinds.map((kind) => ({
          contains: { type: 'object', properties: { kind: { const: kind } } },
        })),
      },
    }),
    note: note.optional(),
  }),
  'evidence.gate_overridden': strictObject({ rationale }),
  'credentials.revoked': strictObject({
    scope: z.enum(['all_users_and_privileged', 'privileged_only', 'targeted']),
    method: z.enum(['disable_and_reset', 'delete']),
    rationale,
  }),
  'vendor.engaged': strictObject({ vendor: text(200), scope: note, rationale }),
  'vendor.declined': strictObject({ rationale }),
  'eradication.completed': strictObject({ summary: note }),
  'eradication.verified': strictObject({ method: note, attestedBy: text(200) }),
  // ── Track C: investigation and evidence (RS.AN) ─────────────────────────
  'evidence.demand_preserved': strictObject({ sha256, location: text(1000), headersCaptured: z.boolean() }),
  'evidence.collected': strictObject({
    kind: z.enum([
      'proof_of_access_sample',
      'wallet_and_demand',
      'system_image',
      'memory_capture',
      'account_export',
      'logs',
      'vendor_findings',
      'malware_sample',
      'communication_copy',
      'sanctions_screen',
      'other',
    ]),
    sha256,
    location: text(1000),
    note: note.optional(),
  }),
  'scope.estimated': strictObject({
    individuals: z.number().int().min(0).optional(),
    dataCategories: z.array(dataCategory),
    jurisdictions: z.array(jurisdiction),
    summary: note,
  }),
  'breach.aware': strictObject({ rationale }),
  'materiality.determined': strictObject({ rationale }),
  'breach.determined': strictObject({ finding: z.enum(['confirmed', 'likely', 'no_evidence']), rationale }),
  'root_cause.identified': strictObject({ vector: text(500), summary: note }),
  'investigation.closed': strictObject({ reportRef: text(500) }),
  // ── Track D: communications (RS.CO, RC.CO) ──────────────────────────────
  'statement.approved': strictObject({ text: note, rationale: rationale.optional() }),
  'customers.notified': strictObject({
    audience: z.enum(['customers', 'affected_individuals']),
    channel: text(200),
    message: note,
  }),
  'update.published': strictObject({ channel: text(200), message: note }),
  'individuals.notified': strictObject({ channel: text(200), count: z.number().int().min(0).optional() }),
  'statement.final_published': strictObject({ channel: text(200), message: note }),
  // ── Track E: legal, regulatory and law enforcement (RS.CO-02) ───────────
  'jurisdictions.profiled': strictObject({
    jurisdictions: z.array(jurisdiction).min(1),
    regimes: z.array(text(50)),
    rationale,
  }),
  'regulatory.assessed': strictObject({
    assessments: z.array(strictObject({ regime: text(50), required: z.boolean(), rationale })),
  }),
  // The kit's filing (clocks met, reference, delay reason) plus the recipient versions 1 and 2 always asked for.
  'regulator.reported': withRules(
    strictObject({ ...filingFields, regime: text(50), recipient: text(200) }),
    clocksOfTheRegime,
  ),
  'organisations.notified': strictObject({ recipients: z.array(text(200)).min(1), purpose: note }),
  'police.reported': strictObject({ agency: text(200), caseNumber: text(200).optional(), summary: note }),
  'breach_record.created': strictObject({ location: text(1000) }),
  'insurer.notified': strictObject({ insurer: text(200), policyRef: text(200).optional() }),
  'insurer.not_applicable': strictObject({ rationale }),
  // ── Track F: payment decision (D4) ──────────────────────────────────────
  'payment.inputs_recorded': strictObject({
    claimVerified: z.boolean(),
    canRecoverWithoutPaying: z.boolean(),
    sanctionsScreen: z.enum(['clear', 'match', 'not_done']),
    lawEnforcementConsulted: z.boolean(),
    insurerConsulted: z.boolean(),
    notes: note.optional(),
  }),
  'payment.pay_requested': strictObject({ rationale }),
  'payment.legal_signed_off': strictObject({ rationale }),
  'payment.decided': strictObject({ option: z.enum(['refuse', 'pay', 'defer']), rationale }),
  'payment.executed': strictObject({ txHash: text(200), amount: z.number().positive(), asset: text(20) }),
  'payment.reported': strictObject({ recipients: z.array(text(200)).min(1) }),
  'actor_contact.decided': strictObject({ option: z.enum(['no_response', 'acknowledge_only']), rationale }),
  'leak.detected': strictObject({ where: text(1000), sample: text(1000).optional() }),
  // ── Track G: recovery and return online (RC.RP) ─────────────────────────
  'rebuild.completed': strictObject({ summary: note.optional() }),
  'restore.completed': strictObject({ backupVerified: z.literal(true), summary: note }),
  'credentials.reissued': strictObject({
    adminMfaEnforced: z.boolean().optional(),
    summary: note.optional(),
  }),
  'validation.passed': strictObject({ summary: note }),
  'service.restored': strictObject({ rationale }),
  // ── Track H: post-incident review (ID.IM) ───────────────────────────────
  'review.held': strictObject({
    summary: note,
    improvements: z.array(strictObject({ item: text(500), owner: text(200) })),
  }),
  'improvements.tracked': strictObject({ summary: note }),
  // ── Version 2, track H: rehearse the improved playbook ───────────────────
  'rehearsal.scheduled': strictObject({
    scheduledFor: z.iso.date().describe('Date of the tabletop exercise, at most 90 days after the review.'),
    scenario: text(200).describe('The scenario to run, e.g. "ransom-demand/jj-meds".'),
  }),
} as const;

type Payloads = typeof payloads;
export type ClientEventType = keyof Payloads;
export type PayloadOf<T extends ClientEventType> = z.output<Payloads[T]>;
/** Every client event as the machine sees it: `{ type, payload, at, actor }`. */
export type ClientEvent = { [T in ClientEventType]: HoldfastEvent<T, PayloadOf<T>> }[ClientEventType];

const hash = (c: string) => c.repeat(64);
const def = <T extends ClientEventType>(d: {
  type: T;
  title: string;
  description: string;
  roles: readonly Role[];
  examples: readonly z.input<Payloads[T]>[];
}): ClientEventDef => clientEvent({ ...d, payload: payloads[d.type] as Payloads[T] });

/** The client events of ransom-demand v1, in track order. */
export const clientEvents: readonly ClientEventDef[] = [
  // Track A
  def({
    type: 'triage.started',
    title: 'Triage started',
    description:
      'CMD-0 → CMD-1: the incident commander reviews the demand, assigns roles and applies the declaration criteria (RS.MA-02).',
    roles: [IC],
    examples: [{}, { note: 'Reviewing the demand email and headers with the technical lead.' }],
  }),
  def({
    type: 'incident.declared',
    title: 'Incident declared',
    description:
      'DE.AE-08: any extortion demand that references our assets is declared at once, even unverified. Severity is High by ' +
      'default, Critical for health, ID-image, payment or credential data (PB-1). Due 30 min after the demand (TM-CMD1). ' +
      'Accepted from intake and triage.',
    roles: [IC],
    examples: [
      { rationale: 'Extortion demand referencing customer image files (C2).' },
      {
        severity: 'critical',
        rationale: 'Claimed data includes health-related customer records and ID images.',
      },
      { severity: 'high', rationale: 'Claimed data is contact details only.' },
    ],
  }),
  def({
    type: 'sitrep.published',
    title: 'Situation report published',
    description:
      'Status report to the response team and executives (TM-CMD2 cadence, every 4 h while active).',
    roles: [IC],
    examples: [{ summary: 'Site offline, IDs disabled after export, vendor on site; no payment.' }],
  }),
  def({
    type: 'closure.started',
    title: 'Closure started',
    description:
      'CMD-3 → CMD-4 (RC.RP-06): opens the closure checklist. Only once the recovery track is complete (monitoring window ended).',
    roles: [IC],
    examples: [{}, { note: 'Recovery complete; starting the closure checklist.' }],
  }),
  def({
    type: 'incident.closed',
    title: 'Incident closed',
    description:
      'RC.RP-06: the end of the incident is declared once every other track is in its final state (documents complete, ' +
      'clocks closed, evidence retention set, review done).',
    roles: [IC],
    examples: [
      { rationale: 'All tracks complete; after-action report filed; breach record retained 24 months.' },
    ],
  }),
  // Track B
  def({
    type: 'claim.assessed',
    title: 'Claim assessed (D0)',
    description:
      'D0 (CON-0): is the claim credible? Check the proof of access and the access/admin logs of the claimed assets. ' +
      'Default: treat as plausible until disproved. Recorded while containment goes on: containment must not wait for ' +
      'certainty. C2: the team leader "confirmed the situation".',
    roles: [IC, TECH],
    examples: [
      { assessment: 'confirmed', rationale: 'The sample images match files on the web server.' },
      {
        assessment: 'plausible',
        rationale: 'No sample, but the claimed files exist and admin logs show odd logins.',
      },
      { assessment: 'implausible', rationale: 'The claimed files never existed on our systems.' },
    ],
  }),
  def({
    type: 'site.taken_offline',
    title: 'Site taken offline (D1)',
    description:
      'D1 (CON-1): take the service offline (full) or restrict functions. CISA checklist item 1 (R3/R4): isolate the ' +
      'impacted systems. C2: the website went offline. Sets T_offline; the customer notice is due 12 h later (TM-COM1). ' +
      'Default when the claim is not implausible and the data is sensitive.',
    roles: [IC, TECH],
    examples: [
      { scope: 'full', rationale: 'Claimed access to customer image files; stop further access (C2).' },
      { scope: 'restricted', rationale: 'Disable uploads, accounts and admin panel; keep the static pages.' },
    ],
  }),
  def({
    type: 'site.kept_online',
    title: 'Site kept online with monitoring (D1)',
    description:
      'D1 (CON-1) alternative: stay online with heightened monitoring. Needs the executive (or the IC) and a rationale; ' +
      'NIST (R1): delaying containment to watch an attacker is risky and should be discussed with legal first.',
    roles: [IC, EXEC],
    examples: [
      {
        monitoring: 'WAF in blocking mode, admin panel behind VPN, alerting on file access.',
        rationale: 'Claim judged implausible; outage would harm patients more.',
      },
    ],
  }),
  def({
    type: 'evidence.baseline_captured',
    title: 'Baseline evidence captured',
    description:
      'CON-2 evidence gate: system image and memory capture where feasible (CISA checklist item 9, R3/R4), an export of ' +
      'all account/ID records before anything is disabled or deleted (C2 lesson: "export, then disable"), logs and config ' +
      '(RS.AN-07). Must include an account_export and a system_image. Opens credential revocation.',
    roles: [TECH, VENDOR],
    examples: [
      {
        items: [
          { kind: 'account_export', sha256: hash('a'), location: 'evidence://locker/ids-export.csv' },
          { kind: 'system_image', sha256: hash('b'), location: 'evidence://locker/web01.img' },
          { kind: 'memory_capture', sha256: hash('c'), location: 'evidence://locker/web01.mem' },
          { kind: 'logs', sha256: hash('d'), location: 'evidence://locker/logs.tar' },
          { kind: 'config', sha256: hash('e'), location: 'evidence://locker/config.tar' },
        ],
        note: 'Captured by the vendor before any change.',
      },
    ],
  }),
  def({
    type: 'evidence.gate_overridden',
    title: 'Evidence gate overridden',
    description:
      'The incident commander alone may open credential revocation before the baseline is captured, with a rationale ' +
      '(PB-1 CON-2 guard). Recorded in the decision log. Deleting IDs stays blocked until an account export is on record.',
    roles: [IC],
    examples: [
      { rationale: 'Active admin sessions by the attacker right now; disable first, image within the hour.' },
    ],
  }),
  def({
    type: 'credentials.revoked',
    title: 'Credentials revoked (D2)',
    description:
      'D2 (CON-3): disable all user IDs and privileged IDs, rotate admin, hosting, DB, API and SSH credentials, invalidate ' +
      'sessions (CISA checklist item 11). Default: all users + privileged, disable + reset. C2 deleted all IDs; delete is ' +
      'irreversible and only accepted once an account export is on record. Only after the evidence gate.',
    roles: [TECH, IC],
    examples: [
      {
        scope: 'all_users_and_privileged',
        method: 'disable_and_reset',
        rationale: 'Default D2: contain every path.',
      },
      {
        scope: 'privileged_only',
        method: 'disable_and_reset',
        rationale: 'Only admin accounts reach the files.',
      },
      {
        scope: 'targeted',
        method: 'disable_and_reset',
        rationale: 'Three accounts seen in the access logs.',
      },
      {
        scope: 'all_users_and_privileged',
        method: 'delete',
        rationale: 'Export on record; rebuild with new IDs (C2).',
      },
    ],
  }),
  def({
    type: 'vendor.engaged',
    title: 'IR vendor engaged (D3)',
    description:
      'D3 (CON-4, RS.MA-01): engage an external IR firm, scoped access, brief: malware removal and "other hacking ' +
      'response" (C2). Due 4 h after opening (TM-CON4). May happen in parallel with the evidence gate.',
    roles: [IC, EXEC],
    examples: [
      {
        vendor: 'Northern IR Ltd.',
        scope: 'Forensics, malware and web-shell removal, eradication attestation.',
        rationale: 'Web compromise with possible malware; no in-house forensics (C2).',
      },
    ],
  }),
  def({
    type: 'vendor.declined',
    title: 'IR vendor not engaged (D3)',
    description: 'D3 alternative: no external vendor, with a rationale (internal capability suffices).',
    roles: [IC, EXEC],
    examples: [
      {
        rationale:
          'In-house team holds the forensic capability and the insurer does not require a panel firm.',
      },
    ],
  }),
  def({
    type: 'eradication.completed',
    title: 'Eradication completed',
    description:
      'CON-5 (RS.MI-02): malware and web shells removed, vulnerable components patched or removed, initial vector closed.',
    roles: [TECH, VENDOR],
    examples: [{ summary: 'Two web shells removed; CMS plugin removed; hosting-panel password rotated.' }],
  }),
  def({
    type: 'eradication.verified',
    title: 'Eradication verified',
    description:
      'CON-6: independent rescan / IOC sweep and vendor attestation. Meets the recovery criteria (RS.MA-05): command moves ' +
      'to the recovery phase and the recovery track starts. Needs the incident declared.',
    roles: [TECH, VENDOR],
    examples: [{ method: 'Full IOC sweep and rescan of web and DB hosts.', attestedBy: 'Northern IR Ltd.' }],
  }),
  // Track C
  def({
    type: 'evidence.demand_preserved',
    title: 'Demand preserved',
    description:
      'INV-0: the original message with full headers (hashed), the wallet address and exact demand text, screenshots of ' +
      'posts and forum threads (PB-1 evidence items 1–3; FBI report fields, R5).',
    roles: [TECH, VENDOR],
    examples: [
      { sha256: hash('f'), location: 'evidence://locker/demand.eml', headersCaptured: true },
      { sha256: hash('0'), location: 'evidence://locker/forum-post.png', headersCaptured: false },
    ],
  }),
  def({
    type: 'evidence.collected',
    title: 'Evidence collected',
    description:
      'Any further evidence item (hash + location) for the locker (RS.AN-06/07): proof-of-access sample, logs for the ' +
      'dwell period, vendor findings, malware samples, copies of communications, the sanctions-screen result.',
    roles: [TECH, VENDOR, LEGAL, COMMS, SUPPORT],
    examples: [
      { kind: 'proof_of_access_sample', sha256: hash('1'), location: 'evidence://locker/sample.jpg' },
      {
        kind: 'vendor_findings',
        sha256: hash('2'),
        location: 'evidence://locker/vendor-report.pdf',
        note: 'Draft',
      },
    ],
  }),
  def({
    type: 'scope.estimated',
    title: 'Scope estimated',
    description:
      'INV-1 (RS.AN-08): what was accessed or exfiltrated, how many individuals, data categories, data subjects’ ' +
      'jurisdictions (feeds the regulatory profile). Repeatable until the investigation closes.',
    roles: [TECH, VENDOR, IC],
    examples: [
      {
        individuals: 3000,
        dataCategories: ['health', 'id_images'],
        jurisdictions: ['CA'],
        summary: 'Image directory readable from the CMS; about 3,000 member IDs (estimate, C2).',
      },
      {
        dataCategories: [],
        jurisdictions: ['CA'],
        summary: 'No evidence of access to personal data so far.',
      },
    ],
  }),
  def({
    type: 'breach.aware',
    title: 'Aware of a personal-data breach (T_aware)',
    description:
      'The organisation has a reasonable degree of certainty that personal data was breached (EDPB Guidelines 9/2022). ' +
      'Starts the 72 h GDPR Art. 33 / UK GDPR clocks for EU / UK data subjects (§3.2 rows 1, 5; R12, R13).',
    roles: [IC, LEGAL],
    examples: [{ rationale: 'Vendor confirms the image directory was read by the actor.' }],
  }),
  def({
    type: 'materiality.determined',
    title: 'Incident determined material (T_material)',
    description:
      'For SEC registrants (jurisdiction US-SEC): the materiality determination, made without unreasonable delay after ' +
      'discovery, starts the Form 8-K Item 1.05 clock of 4 business days (§3.2 row 17; R19).',
    roles: [EXEC, LEGAL],
    examples: [{ rationale: 'Customer data of a regulated business line; outage beyond a week.' }],
  }),
  def({
    type: 'breach.determined',
    title: 'Breach determined (D6)',
    description:
      'D6 (INV-2): confirmed / likely / no evidence. Sets T_determined: PIPEDA "as soon as feasible" (s.10.1) and the ' +
      'breach record kept 24 months after it (s.10.3, BSSR s.6; R15). Default "likely" if the actor holds plausible proof. ' +
      'Due 72 h after opening (TM-INV2).',
    roles: [IC, LEGAL],
    examples: [
      { finding: 'confirmed', rationale: 'Vendor found exfiltration of the image directory.' },
      { finding: 'likely', rationale: 'Actor holds plausible proof; logs incomplete.' },
      { finding: 'no_evidence', rationale: 'No access found in complete logs; revisit on any leak.' },
    ],
  }),
  def({
    type: 'root_cause.identified',
    title: 'Root cause identified',
    description: 'INV-3 (RS.AN-03): initial access vector and dwell time.',
    roles: [TECH, VENDOR],
    examples: [
      { vector: 'Vulnerable CMS upload plugin', summary: 'Web shell uploaded 3 weeks before the demand.' },
    ],
  }),
  def({
    type: 'investigation.closed',
    title: 'Investigation closed',
    description: 'INV-4: vendor report and incident report filed.',
    roles: [IC, TECH],
    examples: [{ reportRef: 'evidence://locker/incident-report-v1.pdf' }],
  }),
  // Track D
  def({
    type: 'statement.approved',
    title: 'Holding statement approved',
    description:
      'COM-0: internal note (out-of-band if systems may be monitored, CISA item 4) and external holding statement. ' +
      'Facts only; no denial before the facts are known (C8 lesson).',
    roles: [COMMS, LEGAL],
    examples: [
      { text: 'We are investigating a security incident and have taken our site offline as a precaution.' },
      { text: 'We are aware of a claim and are investigating.', rationale: 'Legal approved wording.' },
    ],
  }),
  def({
    type: 'customers.notified',
    title: 'Customers notified',
    description:
      'COM-1: customer notice on the channels customers use (C2 used the MOM community forum): service suspended, no new ' +
      'orders until further notice, site offline until security is assured. Due 12 h after going offline (TM-COM1). ' +
      'Accepted from the holding-statement stage too (C2 posted within the same short window). After the return to ' +
      'service (COM-4): the return notice (what changed, set new credentials, phishing warning).',
    roles: [COMMS],
    examples: [
      {
        audience: 'customers',
        channel: 'MOM community forum',
        message: 'No new orders until further notice; the site stays offline until security is assured.',
      },
      {
        audience: 'affected_individuals',
        channel: 'email',
        message: 'Service restored; please set a new password; beware of phishing.',
      },
    ],
  }),
  def({
    type: 'update.published',
    title: 'Update published',
    description:
      'COM-2 (RC.CO-03): cadence update while the service is down; restarts the 24 h update clock (TM-COM2).',
    roles: [COMMS],
    examples: [
      { channel: 'MOM community forum', message: 'Still offline; vendor work continues; no payment made.' },
    ],
  }),
  def({
    type: 'individuals.notified',
    title: 'Affected individuals notified',
    description:
      'COM-3, when D7 says individual notice is required: PIPEDA s.10.1(3) / BSSR s.3 content or GDPR Art. 34 ' +
      '(nature, likely consequences, measures, what individuals can do, contact point).',
    roles: [COMMS],
    examples: [{ channel: 'email', count: 3000 }, { channel: 'public notice' }],
  }),
  def({
    type: 'statement.final_published',
    title: 'Final statement published',
    description: 'COM-5 (RC.CO-04): closing message through approved channels.',
    roles: [COMMS],
    examples: [
      { channel: 'website', message: 'Incident closed; summary of what happened and what we changed.' },
    ],
  }),
  // Track E
  def({
    type: 'jurisdictions.profiled',
    title: 'Jurisdictions profiled',
    description:
      'LEG-0: which regimes apply: PIPEDA (Canada, federal private sector), provincial private-sector or health laws ' +
      '(check), GDPR / UK GDPR for EU/UK residents, APPI for Japan, PCI for card data, insurer and contracts (§3.2).',
    roles: [LEGAL],
    examples: [
      { jurisdictions: ['CA'], regimes: ['PIPEDA'], rationale: 'Canadian members only (C2).' },
      { jurisdictions: ['CA', 'EU'], regimes: ['PIPEDA', 'GDPR'], rationale: 'Some members live in the EU.' },
    ],
  }),
  def({
    type: 'regulatory.assessed',
    title: 'Regulatory notification assessed (D7)',
    description:
      'D7 (LEG-1): per regime, is a report required? PIPEDA real risk of significant harm (health and ID images → high ' +
      'sensitivity; threatened publication → high probability); GDPR risk / high risk; APPI categories. Required ' +
      'regimes go to filings; none required → done.',
    roles: [LEGAL],
    examples: [
      {
        assessments: [
          { regime: 'PIPEDA', required: true, rationale: 'RROSH: health-related data and ID images.' },
        ],
      },
      { assessments: [{ regime: 'PIPEDA', required: false, rationale: 'No personal data involved.' }] },
    ],
  }),
  def({
    type: 'regulator.reported',
    title: 'Regulator reported',
    description:
      'LEG-2: a filing for one regime (e.g. PIPEDA s.10.1 to the OPC, "as soon as feasible": policy target 72 h from ' +
      'T_determined). `clockIds` names the clocks it meets; late for any of them, it must give its `delayReason`. ' +
      'When every required regime is reported the track is done.',
    roles: [LEGAL],
    examples: [
      {
        regime: 'PIPEDA',
        clockIds: ['pipeda-opc'],
        reference: 'OPC-2018-0001',
        recipient: 'Office of the Privacy Commissioner of Canada',
      },
    ],
  }),
  def({
    type: 'organisations.notified',
    title: 'Other organisations notified',
    description:
      'LEG-3, PIPEDA s.10.2: organisations or institutions that can reduce the risk of harm (payment processor, hosts, ' +
      'police) when individuals are notified.',
    roles: [LEGAL],
    examples: [{ recipients: ['Payment processor'], purpose: 'Watch for fraud on members’ cards.' }],
  }),
  def({
    type: 'police.reported',
    title: 'Police reported',
    description:
      'LEG-5: report to police (Canada: local police / RCMP; US nexus: FBI field office / IC3) with the demand record ' +
      '(amount, wallet, message). FBI: report regardless of payment (R5); OFAC: a timely report is a mitigating factor ' +
      '(R6). Target 24 h after the demand (TM-LEG5).',
    roles: [LE, IC, LEGAL],
    examples: [
      { agency: 'RCMP', caseNumber: '2018-123456', summary: 'Extortion email, $1,000 in BTC within 48 h.' },
      { agency: 'Local police', summary: 'Report filed online; case number to follow.' },
    ],
  }),
  def({
    type: 'breach_record.created',
    title: 'Breach record created',
    description:
      'LEG-4: the record of the breach of security safeguards, kept 24 months after T_determined (PIPEDA s.10.3, BSSR ' +
      's.6; GDPR Art. 33(5)).',
    roles: [LEGAL],
    examples: [{ location: 'records://privacy/breach-2018-001' }],
  }),
  def({
    type: 'insurer.notified',
    title: 'Insurer notified',
    description: 'LEG-6: notify the cyber insurer per policy; log any panel-vendor requirement.',
    roles: [LEGAL],
    examples: [{ insurer: 'Acme Cyber', policyRef: 'CY-42' }, { insurer: 'Acme Cyber' }],
  }),
  def({
    type: 'insurer.not_applicable',
    title: 'No insurer to notify',
    description: 'LEG-6: no cyber policy (or it does not cover the event), with a rationale.',
    roles: [LEGAL],
    examples: [{ rationale: 'No cyber insurance policy in force.' }],
  }),
  // Track F
  def({
    type: 'payment.inputs_recorded',
    title: 'Payment inputs recorded',
    description:
      'PAY-1: claim verification, ability to recover without paying, sanctions screen of wallet and actor (OFAC SDN and ' +
      'national lists, R6), law-enforcement consultation, insurer consultation (§2.3 gate). Recording new inputs later ' +
      'withdraws an earlier legal sign-off. FBI/CISA/OFAC discourage payment: "Paying ransom will not ensure … your data ' +
      'will not be leaked" (R4).',
    roles: [IC, LEGAL, EXEC],
    examples: [
      {
        claimVerified: true,
        canRecoverWithoutPaying: true,
        sanctionsScreen: 'not_done',
        lawEnforcementConsulted: false,
        insurerConsulted: false,
      },
      {
        claimVerified: true,
        canRecoverWithoutPaying: false,
        sanctionsScreen: 'clear',
        lawEnforcementConsulted: true,
        insurerConsulted: true,
        notes: 'Wallet screened against OFAC SDN and Canadian lists.',
      },
      {
        claimVerified: false,
        canRecoverWithoutPaying: true,
        sanctionsScreen: 'match',
        lawEnforcementConsulted: true,
        insurerConsulted: false,
      },
    ],
  }),
  def({
    type: 'payment.pay_requested',
    title: 'Payment requested',
    description:
      'Two-person rule, first half: someone asks for payment, with a rationale. The executive who decides must be a ' +
      'different person (§2.3 gate item 7).',
    roles: [IC, EXEC, TECH],
    examples: [{ rationale: 'No clean backup of the image store; members at risk of exposure.' }],
  }),
  def({
    type: 'payment.legal_signed_off',
    title: 'Legal signed off on payment',
    description:
      '§2.3 gate item 3: legal counsel sign-off on paying (sanctions, reporting duties, contracts).',
    roles: [LEGAL],
    examples: [{ rationale: 'Sanctions screen clear; NYDFS/CIRCIA not applicable; police informed.' }],
  }),
  def({
    type: 'payment.decided',
    title: 'Payment decided (D4)',
    description:
      'D4 (PAY-2) by the executive approver: refuse / pay / defer. Default recommendation: REFUSE (FBI R5, CISA R4, OFAC ' +
      'R6; C2 refused). Refuse is accepted from options analysis on; pay only when payment was requested, legal signed ' +
      'off, the decider is not the requester and the sanctions screen is clear. Paying does not cancel any notification duty.',
    roles: [EXEC],
    examples: [
      { option: 'refuse', rationale: 'Default recommendation; paying does not stop a leak (C2 refused).' },
      { option: 'pay', rationale: 'No other way to protect members; all gate items recorded.' },
      { option: 'defer', rationale: 'Waiting for the vendor’s exfiltration findings.' },
    ],
  }),
  def({
    type: 'payment.executed',
    title: 'Payment executed',
    description:
      'PAY-3b: transaction hash kept as evidence; sets T_payment (NYDFS 500.17(c) 24 h / CIRCIA proposed 24 h).',
    roles: [EXEC],
    examples: [
      {
        txHash: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16',
        amount: 0.1,
        asset: 'BTC',
      },
    ],
  }),
  def({
    type: 'payment.reported',
    title: 'Payment reported',
    description:
      'PAY-3b: payment reported to law enforcement and to the regulators that require it (NYDFS, CIRCIA if applicable).',
    roles: [LEGAL],
    examples: [{ recipients: ['RCMP'] }, { recipients: ['FBI IC3', 'NYDFS'] }],
  }),
  def({
    type: 'actor_contact.decided',
    title: 'Actor contact decided (D5)',
    description:
      'D5 (PAY-3a): communicate with the actor? Default: no response unless law enforcement advises otherwise.',
    roles: [IC, LEGAL],
    examples: [
      { option: 'no_response', rationale: 'Default D5; police advise no contact.' },
      { option: 'acknowledge_only', rationale: 'Police asked us to keep the channel open.' },
    ],
  }),
  def({
    type: 'leak.detected',
    title: 'Leak detected',
    description:
      'Leak watch (PAY-3a, TM-PAY3): data seen on paste/leak sites or forums. Re-opens the regulatory harm assessment ' +
      '(LEG-1); re-scope (INV-1) and consider individual notices (COM-3).',
    roles: [IC, TECH, COMMS],
    examples: [
      { where: 'paste site', sample: 'evidence://locker/leak-sample.png' },
      { where: 'MOM forum thread' },
    ],
  }),
  // Track G
  def({
    type: 'rebuild.completed',
    title: 'Rebuild completed',
    description:
      'REC-1 (RC.RP-02): clean rebuild, unused components removed, MFA for admins, least privilege (CISA item 12).',
    roles: [TECH, VENDOR],
    examples: [{}, { summary: 'Rebuilt from clean images; admin MFA on.' }],
  }),
  def({
    type: 'restore.completed',
    title: 'Restore completed',
    description:
      'REC-2 (RC.RP-03): data restored from backups whose integrity was verified first (backupVerified must be true).',
    roles: [TECH],
    examples: [
      { backupVerified: true, summary: 'Restored from the offline backup of 1 March after hash check.' },
    ],
  }),
  def({
    type: 'credentials.reissued',
    title: 'Credentials reissued',
    description: 'REC-3: users re-enrol or reset on first login; new admin credentials with MFA.',
    roles: [TECH, SUPPORT],
    examples: [{}, { adminMfaEnforced: true, summary: 'Forced reset on first login for all members.' }],
  }),
  def({
    type: 'validation.passed',
    title: 'Validation passed',
    description: 'REC-4 (RC.RP-05): vendor sign-off, vulnerability scan, monitoring and alerting live.',
    roles: [TECH, VENDOR],
    examples: [{ summary: 'Vendor sign-off, clean scan, alerting live.' }],
  }),
  def({
    type: 'service.restored',
    title: 'Service restored (D8)',
    description:
      'D8 (REC-5, RC.RP-04): return online. Only when recovery is validated, the root cause is identified and the customer ' +
      'communications are in their update stage (ready for the return notice). Sets T_online; starts 30 days of ' +
      'heightened monitoring (TM-REC6) and the return notice (COM-4).',
    roles: [EXEC],
    examples: [
      { rationale: 'All D8 criteria met: eradication verified, root cause fixed, credentials rotated.' },
    ],
  }),
  // Track H
  def({
    type: 'review.held',
    title: 'Post-incident review held',
    description: 'Track H (ID.IM): after-action review (§4.5 format) with improvement items and owners.',
    roles: [IC],
    examples: [
      {
        summary: 'Response fast; ID deletion avoided thanks to the evidence gate.',
        improvements: [{ item: 'Patch cadence for CMS plugins', owner: 'technical_lead' }],
      },
    ],
  }),
  def({
    type: 'improvements.tracked',
    title: 'Improvements tracked',
    description:
      'ID.IM: improvement items have owners and due dates; playbook version bump requested if needed.',
    roles: [IC],
    examples: [{ summary: 'Three items in the tracker with due dates.' }],
  }),
];

/**
 * Version 2 adds one step the JJ Meds review suggested: rehearse the improved playbook in a tabletop
 * exercise, so the improvement items are tested before the next real demand (HSEEP improvement planning).
 */
export const rehearsalScheduled = def({
  type: 'rehearsal.scheduled',
  title: 'Rehearsal scheduled',
  description:
    'Version 2, track H (ID.IM-02, HSEEP IP): a tabletop exercise of the updated playbook is on the calendar within ' +
    '90 days of the review, with the scenario to run.',
  roles: [IC],
  examples: [{ scheduledFor: '2018-06-01', scenario: 'ransom-demand/jj-meds' }],
});
