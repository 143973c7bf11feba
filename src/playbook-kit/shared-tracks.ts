import { z } from 'zod';
import { type ClientEventDef, clientEvent, rationale, type StateMeta, sha256, text } from './define';
import type { KitContext, KitGuard, KitStateConfig } from './kit';
import { anchorKinds, clockAnchors, notificationClocks } from './notification-clocks';
import { ifThen, type PayloadRule, withRules } from './payload-rules';
import {
  allOf,
  type Deadline,
  done,
  factRecorded,
  guard,
  lateFilingHasReason,
  regimeIs,
  step,
  track,
} from './steps';
import { days, hours } from './time';

/**
 * The sub-machines several playbooks share (domain reference §5.0): command, SM-INTAKE, SM-COMMS,
 * SM-EVIDENCE, SM-VENDOR, SM-REVIEW and SM-CLOCKS. Each comes with the client events it accepts and the
 * deadlines it arms, so a playbook lists it once instead of copying it.
 */
export interface SharedTrack {
  key: string;
  /** Support tracks (command, messages, clocks) run for the whole incident and close with it. */
  support: boolean;
  build: (close: KitGuard) => KitStateConfig;
  events: ClientEventDef[];
  /** Handlers on the machine root, accepted in every state (e.g. evidence capture). */
  root?: Record<string, unknown>;
}

type Roles = readonly string[];
const IC = 'incident_commander';

// ── command: declare, report, close ─────────────────────────────────────────

export interface CommandOptions {
  /** The declaration deadline, counted from the trigger (e.g. the complaint cluster). */
  declareWithin: Deadline;
  source: string;
  /** What the declaration criteria are, for the `triage` step. */
  criteria: string;
  /** A situation-report cadence while active (e.g. every 4 h): each report restarts it. Without it, none is due. */
  sitrepEvery?: number;
}

export function commandTrack({ declareWithin, source, criteria, sitrepEvery }: CommandOptions): SharedTrack {
  const sitrepDue: Deadline | undefined =
    sitrepEvery === undefined
      ? undefined
      : {
          id: 'sitrepDue',
          label: `Situation report due (every ${sitrepEvery / 3_600_000} h while the incident is active)`,
          after: sitrepEvery,
          source: `${source} (policy default)`,
          routine: true,
        };
  return {
    key: 'command',
    support: true,
    events: [
      clientEvent({
        type: 'incident.declared',
        title: 'Incident declared',
        description: `DE.AE-08 declaration with its rationale. ${criteria}`,
        roles: [IC],
        payload: z.strictObject({
          severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
          rationale,
        }),
        examples: [{ rationale: 'Declaration criteria met; see the trigger record.' }],
      }),
      clientEvent({
        type: 'sitrep.published',
        title: 'Situation report published',
        description: 'A situation report to the response team and leadership: facts, actions, next steps.',
        roles: [IC],
        payload: z.strictObject({ summary: text() }),
        examples: [{ summary: 'Scope unchanged; containment in progress; next update in 4 h.' }],
      }),
      clientEvent({
        type: 'incident.closed',
        title: 'Incident closed',
        description:
          'RC.RP-06: the end of the incident, accepted once every track is in its final state (review included).',
        roles: [IC],
        payload: z.strictObject({ rationale }),
        examples: [{ rationale: 'All tracks complete; the after-action review is done.' }],
      }),
    ],
    build: (close) =>
      track(
        {
          description: 'Command: declaration, situation reports, and closure once every track is done.',
          owner: IC,
          source,
        },
        {
          triage: step({
            description: `Triage the trigger and declare (DE.AE-08). ${criteria}`,
            owner: IC,
            checklist: ['Record the trigger', 'Set severity', 'Bind roles'],
            source,
            deadlines: [declareWithin],
            on: { 'incident.declared': { target: 'active', decision: 'declare' } },
          }),
          active: step({
            description: 'The incident is declared; situation reports keep everyone on the same facts.',
            owner: IC,
            checklist: ['Situation report every 4 h while active', 'Close when every track is done'],
            source: `${source}; NIST RS.MA`,
            ...(sitrepDue ? { deadlines: [sitrepDue] } : {}),
            on: {
              'sitrep.published': sitrepDue ? { target: 'active', reenter: true } : { reenter: false },
              'incident.closed': { target: 'closed', guard: close },
            },
          }),
          closed: done('Closed: every track reached its end.', { owner: IC, source: 'NIST RC.RP-06' }),
        },
      ),
  };
}

// ── SM-EVIDENCE ─────────────────────────────────────────────────────────────

export const evidenceEvent = (roles: Roles): ClientEventDef =>
  clientEvent({
    type: 'evidence.captured',
    title: 'Evidence captured',
    description:
      'SM-EVIDENCE (RS.AN-06/07): an item preserved before anything changes, with its SHA-256, where it is kept, ' +
      'who captured it and when. Accepted in every state; the locker is append-only.',
    roles,
    payload: z.strictObject({
      kind: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case evidence kind such as "auth_logs"'),
      sha256,
      location: text(500),
      note: text().optional(),
    }),
    examples: [
      { kind: 'auth_logs', sha256: 'a'.repeat(64), location: 'evidence://locker/auth-logs.tar.zst' },
    ],
  });

export const evidenceRoot = {
  'evidence.captured': { actions: [{ type: 'note' as const }, { type: 'captureEvidence' as const }] },
};

// ── SM-INTAKE ───────────────────────────────────────────────────────────────

export interface IntakeOptions {
  roles?: { acknowledge?: Roles; triage?: Roles };
  source: string;
}

const reportReceivedAt = (context: KitContext) => context.input.report?.receivedAt;

/**
 * SM-INTAKE (lessons of C8, C1, C9, C4): an outside report is acknowledged neutrally within 1 h and triaged
 * within 4 h (policy defaults), then escalated or dismissed with a rationale. Incidents opened without a
 * report skip it.
 */
export function intakeTrack({ roles = {}, source }: IntakeOptions): SharedTrack {
  const acknowledgeBy: Deadline = {
    id: 'reportAcknowledgementDue',
    label: 'Reporter acknowledgement due (1 h after the report; policy default)',
    after: hours(1),
    from: reportReceivedAt,
    source: 'SM-INTAKE timers (policy default)',
  };
  const triageBy: Deadline = {
    id: 'reportTriageDue',
    label: 'Report triage due (4 h after the report; policy default)',
    after: hours(4),
    from: reportReceivedAt,
    source: 'SM-INTAKE timers (policy default)',
  };
  const meta = { owner: 'customer_support', source: `SM-INTAKE; ${source}` };
  return {
    key: 'intake',
    support: false,
    events: [
      clientEvent({
        type: 'report.acknowledged',
        title: 'Reporter acknowledged',
        description:
          'The neutral acknowledgement: thanks, we are looking into it, how to reach us. No denial, no ' +
          'speculation (C8: "technically impossible" was wrong and public within hours).',
        roles: roles.acknowledge ?? ['customer_support', 'communications', IC],
        payload: z.strictObject({ template: z.literal('neutral_acknowledgement'), note: text().optional() }),
        examples: [{ template: 'neutral_acknowledgement' }],
      }),
      clientEvent({
        type: 'report.triaged',
        title: 'Report triaged',
        description:
          'Security triage of the report: escalate into the response, or dismiss with a rationale.',
        roles: roles.triage ?? ['technical_lead', IC],
        payload: z.strictObject({ option: z.enum(['escalate', 'dismiss']), rationale }),
        examples: [{ option: 'escalate', rationale: 'The sample matches our records.' }],
      }),
    ],
    build: () => ({
      ...track(
        {
          description: 'SM-INTAKE: the outside report that started the incident.',
          initial: 'routing',
          ...meta,
        },
        {
          routing: {
            description: 'Routes to intake when the incident was opened from an outside report.',
            meta,
            always: [
              { target: 'received', guard: ({ context }) => context.input.report !== undefined },
              { target: 'not_applicable' },
            ],
          },
          received: step({
            description:
              'Report received: acknowledge it neutrally within 1 h; denial templates are blocked while it is open.',
            checklist: [
              'Neutral acknowledgement only',
              'Record the report with timestamps',
              'Keep the reporter informed',
            ],
            evidence: ['The report as received, with timestamps'],
            deadlines: [acknowledgeBy, triageBy],
            on: { 'report.acknowledged': 'acknowledged' },
            ...meta,
          }),
          acknowledged: step({
            description: 'Acknowledged: security triage within 4 h of the report, escalate or dismiss.',
            deadlines: [triageBy],
            on: {
              'report.triaged': [
                {
                  target: 'escalated',
                  guard: ({ event }) => event.payload?.option === 'escalate',
                  decision: 'intake',
                },
                { target: 'dismissed', decision: 'intake' },
              ],
            },
            ...meta,
            owner: 'technical_lead',
          }),
          escalated: done('Escalated into the response.', meta),
          dismissed: done('Dismissed with a recorded rationale.', meta),
          not_applicable: done('The incident did not start from an outside report.', meta),
        },
      ),
    }),
  };
}

// ── SM-COMMS ────────────────────────────────────────────────────────────────

export interface MessagesOptions {
  /** Audiences messages may go to, e.g. ['customers', 'regulator', 'press']. */
  audiences: readonly string[];
  /**
   * When a message may deny the incident ("no breach", "technically impossible"). Default: never while the
   * incident is open: the facts are unknown until the response says otherwise (SM-INTAKE rule, C8).
   */
  denialAllowed?: (args: { context: KitContext }) => boolean;
  source: string;
}

const messageId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a short id such as "customer-notice-1"');

/**
 * SM-COMMS: every outbound message is drafted with the facts it relies on, approved by someone other than its
 * author, then sent. A `factual` message may only cite recorded facts; a `denial` is blocked unless the
 * playbook's rule allows it.
 */
export function messagesTrack({ audiences, denialAllowed, source }: MessagesOptions): SharedTrack {
  const meta = { owner: 'communications', source: `SM-COMMS; ${source}` };
  const draftAllowed = guard(({ context, event }) => {
    const p = event.payload as { messageId: string; stance: string; factsReferenced: string[] };
    if (context.messages[p.messageId]) return false;
    if (p.factsReferenced.some((type) => !(type in context.facts))) return false;
    return p.stance !== 'denial' || (denialAllowed?.({ context }) ?? false);
  });
  const approvable = guard(({ context, event }) => {
    const message = context.messages[String(event.payload?.messageId)];
    return message?.state === 'draft' && message.draftedBy !== event.actor?.id;
  });
  const sendable = guard(
    ({ context, event }) => context.messages[String(event.payload?.messageId)]?.state === 'approved',
  );
  return {
    key: 'messages',
    support: true,
    events: [
      clientEvent({
        type: 'message.drafted',
        title: 'Message drafted',
        description:
          'SM-COMMS: a draft to one audience, citing the recorded facts (event types) it relies on. A denial ' +
          '("no breach", "technically impossible") is refused while the facts are unknown (C8).',
        roles: ['communications', 'customer_support', 'legal', IC],
        payload: z.strictObject({
          messageId,
          audience: z.enum(audiences as [string, ...string[]]),
          stance: z.enum(['neutral', 'factual', 'denial']),
          summary: text(4000),
          factsReferenced: z.array(z.string().max(100)).max(50).default([]),
        }),
        examples: [
          {
            messageId: 'holding-statement',
            audience: audiences[0]!,
            stance: 'neutral',
            summary: 'We are investigating.',
          },
        ],
      }),
      clientEvent({
        type: 'message.approved',
        title: 'Message approved',
        description: 'Legal or the incident commander approves a draft; the approver is not its author.',
        roles: ['legal', IC],
        payload: z.strictObject({ messageId, note: text().optional() }),
        examples: [{ messageId: 'holding-statement' }],
      }),
      clientEvent({
        type: 'message.sent',
        title: 'Message sent',
        description: 'An approved message went out, on a named channel.',
        roles: ['communications', 'customer_support', IC],
        payload: z.strictObject({ messageId, channel: text(200) }),
        examples: [{ messageId: 'holding-statement', channel: 'website' }],
      }),
    ],
    build: (close) =>
      track(
        { description: 'SM-COMMS: message approval (draft, approve, send) for every audience.', ...meta },
        {
          open: {
            description: 'Drafts, approvals and sends, each recorded; facts-only, no premature denial.',
            meta: {
              ...meta,
              checklist: ['Cite the facts each statement relies on', 'Approver is not the author'],
            },
            on: {
              'message.drafted': {
                guard: draftAllowed,
                actions: [{ type: 'note' }, { type: 'draftMessage' }],
              },
              'message.approved': {
                guard: approvable,
                actions: [{ type: 'note' }, { type: 'approveMessage' }],
              },
              'message.sent': { guard: sendable, actions: [{ type: 'note' }, { type: 'sendMessage' }] },
              'incident.closed': { target: 'closed', guard: close },
            },
          },
          closed: done('Closed with the incident.', meta),
        },
      ),
  };
}

// ── SM-VENDOR ───────────────────────────────────────────────────────────────

export interface VendorOptions {
  /** Engagement deadline from opening, e.g. 4 h (policy default). */
  engageWithin: number;
  source: string;
}

/** SM-VENDOR: requested → authorised (contract/PO) → onboarded (access logged) → reporting → released. */
export function vendorTrack({ engageWithin, source }: VendorOptions): SharedTrack {
  const engageBy: Deadline = {
    id: 'vendorEngagementDue',
    label: `IR vendor engagement due (${engageWithin / 3_600_000} h after opening; policy default)`,
    after: engageWithin,
    from: (context) => context.openedAt,
    source: 'SM-VENDOR (policy default)',
  };
  const meta = { owner: IC, source: `SM-VENDOR; ${source}` };
  const vendor = (
    type: string,
    title: string,
    description: string,
    roles: Roles,
    payload: z.ZodObject,
    example: Record<string, unknown>,
  ) => clientEvent({ type, title, description, roles, payload, examples: [example] });
  return {
    key: 'vendor',
    support: false,
    events: [
      vendor(
        'vendor.requested',
        'Vendor requested',
        'An incident-response vendor is asked to help.',
        [IC, 'technical_lead'],
        z.strictObject({ vendor: text(200), scope: text() }),
        { vendor: 'Northern IR Ltd.', scope: 'Forensics and containment' },
      ),
      vendor(
        'vendor.not_needed',
        'No vendor needed',
        'Decision: the team handles it without outside help.',
        [IC],
        z.strictObject({ option: z.literal('in_house'), rationale }),
        { option: 'in_house', rationale: 'Scope is small and understood.' },
      ),
      vendor(
        'vendor.authorised',
        'Vendor authorised',
        'Contract or purchase order signed; privilege through counsel where advised.',
        ['executive', IC],
        z.strictObject({ contractRef: text(200), viaCounsel: z.boolean().default(false) }),
        { contractRef: 'PO-2026-114' },
      ),
      vendor(
        'vendor.onboarded',
        'Vendor onboarded',
        'Access granted to the vendor, logged account by account.',
        ['technical_lead'],
        z.strictObject({ accessGranted: z.array(text(200)).min(1) }),
        { accessGranted: ['vpn:ir-vendor-1'] },
      ),
      vendor(
        'vendor.report_received',
        'Vendor report received',
        'The vendor reports findings (interim or final).',
        ['ir_vendor', 'technical_lead'],
        z.strictObject({ summary: text(4000), final: z.boolean() }),
        { summary: 'Entry via a reused password.', final: true },
      ),
      vendor(
        'vendor.released',
        'Vendor released',
        'Engagement ends; every access granted is revoked.',
        ['technical_lead', IC],
        z.strictObject({ accessRevoked: z.array(text(200)).min(1) }),
        { accessRevoked: ['vpn:ir-vendor-1'] },
      ),
    ],
    build: () =>
      track(
        { description: 'SM-VENDOR: outside incident-response help, from request to release.', ...meta },
        {
          not_engaged: step({
            description:
              'Decide whether to bring in an IR vendor; engage within the policy window or record why not.',
            deadlines: [engageBy],
            on: {
              'vendor.requested': 'requested',
              'vendor.not_needed': { target: 'not_needed', decision: 'vendor' },
            },
            ...meta,
          }),
          requested: step({
            description: 'Requested: authorise with a contract or PO.',
            deadlines: [engageBy],
            on: { 'vendor.authorised': 'authorised' },
            ...meta,
            owner: 'executive',
          }),
          authorised: step({
            description: 'Authorised: grant access, logging each account.',
            on: { 'vendor.onboarded': 'onboarded' },
            ...meta,
            owner: 'technical_lead',
          }),
          onboarded: step({
            description: 'Onboarded: the vendor works and reports; a final report ends its work.',
            on: {
              'vendor.report_received': [
                { target: 'reporting', guard: ({ event }) => event.payload?.final === true },
                { reenter: false },
              ],
            },
            ...meta,
            owner: 'ir_vendor',
          }),
          reporting: step({
            description: 'Final report in: revoke every access the vendor was given.',
            on: { 'vendor.released': 'released' },
            ...meta,
            owner: 'technical_lead',
          }),
          released: done('Released: access revoked.', meta),
          not_needed: done('No vendor: decision recorded.', meta),
        },
      ),
  };
}

// ── SM-REVIEW ───────────────────────────────────────────────────────────────

export interface ReviewOptions {
  /** When the review may start: usually recovery done. */
  startWhen: KitGuard;
  source: string;
  /**
   * After the improvement items, a tabletop rehearsal of the improved playbook is scheduled within this many
   * days (HSEEP improvement planning, ID.IM-02), naming its scenario (e.g. "ransom-demand/jj-meds").
   */
  rehearsal?: { withinDays: number; scenario: string };
}

/** SM-REVIEW: after-action review within 14 days (policy default), improvement items fed into the playbook. */
export function reviewTrack({ startWhen, source, rehearsal }: ReviewOptions): SharedTrack {
  const reviewBy: Deadline = {
    id: 'reviewDue',
    label: 'Post-incident review due (14 d after recovery; policy default)',
    after: days(14),
    source: 'SM-REVIEW; HSEEP AAR/IP (R24)',
  };
  const meta = { owner: IC, source: `SM-REVIEW; ${source}` };
  return {
    key: 'review',
    support: false,
    events: [
      clientEvent({
        type: 'review.held',
        title: 'After-action review held',
        description:
          'The post-incident review (NIST ID.IM; §4.5 format): timeline, decisions, what worked and not.',
        roles: [IC],
        payload: z.strictObject({ summary: text(4000), findings: z.array(text(1000)).min(1).max(50) }),
        examples: [{ summary: 'Detection came from customers.', findings: ['Alerting missed the attack'] }],
      }),
      clientEvent({
        type: 'improvements.tracked',
        title: 'Improvement items tracked',
        description:
          'Each improvement has an owner and a due date; procedure changes become a new playbook version.',
        roles: [IC],
        payload: z.strictObject({
          items: z
            .array(z.strictObject({ title: text(300), owner: text(200), due: z.iso.date() }))
            .min(1)
            .max(50),
        }),
        examples: [
          { items: [{ title: 'Alert on login failure spikes', owner: 'security', due: '2026-12-31' }] },
        ],
      }),
      ...(rehearsal
        ? [
            clientEvent({
              type: 'rehearsal.scheduled',
              title: 'Rehearsal scheduled',
              description:
                `ID.IM-02, HSEEP improvement planning: a tabletop exercise of the updated playbook is on the calendar ` +
                `within ${rehearsal.withinDays} days of the review, with the scenario to run.`,
              roles: [IC],
              payload: z.strictObject({
                scheduledFor: z.iso
                  .date()
                  .describe(
                    `Date of the tabletop exercise, at most ${rehearsal.withinDays} days after the review.`,
                  ),
                scenario: text(200).describe(`The scenario to run, e.g. "${rehearsal.scenario}".`),
              }),
              examples: [{ scheduledFor: '2026-12-31', scenario: rehearsal.scenario }],
            }),
          ]
        : []),
    ],
    build: () =>
      track(
        { description: 'SM-REVIEW: after-action review and improvement plan (ID.IM).', ...meta },
        {
          pending: {
            description: 'Waits for the response to finish (recovery complete) before reviewing it.',
            meta,
            always: { target: 'scheduled', guard: startWhen },
          },
          scheduled: step({
            description: 'Hold the after-action review within 14 days.',
            checklist: ['Timeline', 'Decisions and their timing', 'What worked, what did not'],
            evidence: ['After-action report'],
            deadlines: [reviewBy],
            on: { 'review.held': 'improvements' },
            ...meta,
          }),
          improvements: step({
            description:
              'Improvement items with owners and due dates; a playbook version bump if the procedure changes.',
            on: { 'improvements.tracked': rehearsal ? 'rehearsal' : 'done' },
            ...meta,
          }),
          ...(rehearsal
            ? {
                rehearsal: step({
                  description:
                    `Schedule a tabletop exercise of the updated playbook within ${rehearsal.withinDays} days, so ` +
                    'the improvements are tested before the next real incident.',
                  checklist: [
                    'Pick the scenario',
                    'Invite every role',
                    `Date within ${rehearsal.withinDays} days`,
                  ],
                  on: { 'rehearsal.scheduled': 'done' },
                  ...meta,
                  source: `${meta.source}; HSEEP improvement planning (R24); NIST ID.IM-02`,
                }),
              }
            : {}),
          done: done('Review done; improvements tracked.', meta),
        },
      ),
  };
}

// ── SM-CLOCKS ───────────────────────────────────────────────────────────────

const knownClockIds = notificationClocks.map((clock) => clock.id) as [string, ...string[]];
const regimeOf = (clockId: string) =>
  notificationClocks.find((clock) => clock.id === clockId)?.regime.toLowerCase();

/** A `pattern` for `regime` as the filing compares it: trimmed, in any case ("appi", " APPI "). */
const regimePattern = (regime: string) =>
  `^\\s*${[...regime]
    .map((char) =>
      char.toLowerCase() === char.toUpperCase()
        ? char.replace(/[\\^$.*+?()[\]{}|/]/, '\\$&')
        : `[${char.toUpperCase()}${char.toLowerCase()}]`,
    )
    .join('')}\\s*$`;

/** `clockIds`, when given, must all be clocks of the filing's regime: one `anyOf` branch per regime. */
const clockIdsOfRegime = ifThen(
  { required: ['clockIds'] },
  {
    anyOf: [...new Set(notificationClocks.map((clock) => clock.regime))].map((regime) => ({
      properties: {
        regime: { type: 'string', pattern: regimePattern(regime) },
        clockIds: {
          type: 'array',
          items: {
            enum: notificationClocks
              .filter((clock) => clock.regime.toLowerCase() === regime.toLowerCase())
              .map((clock) => clock.id),
          },
        },
      },
    })),
  },
);

/**
 * What a filing (`regulator.reported`) carries: its regime, the clocks it meets (all of that regime), the
 * recipient's reference number, and the reason for its delay when it is late for any of them.
 */
export const filingFields = {
  regime: text(100),
  clockIds: z
    .array(z.enum(knownClockIds))
    .min(1)
    .describe('The clocks this filing meets, e.g. only `appi-preliminary` for the APPI preliminary report.'),
  reference: text(200).describe("The recipient's reference number for the filing."),
  delayReason: text()
    .optional()
    .describe('Why the filing is late; required when it is late for any clock it meets.'),
};

/** A filing's `clockIds` are all clocks of its `regime`. */
export const clocksOfTheRegime: PayloadRule<{ regime: string; clockIds: readonly string[] }> = {
  check: ({ regime, clockIds }) => clockIds.every((id) => regimeOf(id) === regime.toLowerCase()),
  message: "clockIds must name clocks of the filing's regime",
  path: ['clockIds'],
  jsonSchema: clockIdsOfRegime,
};

const filingPayload = withRules(z.strictObject(filingFields), clocksOfTheRegime);

/** `anchor.recorded` may say its anchor happened earlier than the event, never later. */
const anchorNotAfterEvent = guard(({ event }) => {
  const anchorAt = event.payload?.anchorAt;
  return typeof anchorAt !== 'string' || Date.parse(anchorAt) <= Date.parse(event.at ?? anchorAt);
}, 'anchorNotAfterEvent');

export const clockEvents = (roles: Roles): ClientEventDef[] => [
  clientEvent({
    type: 'anchor.recorded',
    title: 'Clock anchor recorded',
    description:
      'A moment the law counts from, recorded as a fact with its time: ' +
      Object.entries(clockAnchors)
        .map(([anchor, meaning]) => `\`${anchor}\`: ${meaning}`)
        .join('; ') +
      ". Starts every clock of the incident's jurisdictions that counts from it, at `anchorAt` (the event's time " +
      'when omitted; never after it). The first record of an anchor stands.',
    roles,
    payload: z.strictObject({
      anchor: z.enum(anchorKinds),
      anchorAt: z.string().datetime({ offset: true }).optional().describe('When it happened, if before now.'),
      rationale,
    }),
    examples: [
      { anchor: 'knew', rationale: 'The SOC reported a possible leak of member records.' },
      {
        anchor: 'classified',
        anchorAt: '2026-05-08T09:30:00+02:00',
        rationale: 'Classified major under the DORA criteria (clients affected, critical services down).',
      },
    ],
  }),
  clientEvent({
    type: 'breach.aware',
    title: 'Breach awareness recorded',
    description:
      'The moment the organisation became aware of a personal-data breach (GDPR / UK GDPR 72 h start here). ' +
      'Clocks never start silently: this is recorded explicitly.',
    roles,
    payload: z.strictObject({ rationale }),
    examples: [{ rationale: 'Reasonable certainty that personal data was accessed.' }],
  }),
  clientEvent({
    type: 'breach.determined',
    title: 'Breach determination',
    description:
      'Determination that a reportable breach occurred (PIPEDA, NYDFS) and when the organisation knew (APPI). ' +
      '`improperPurpose` picks the APPI 60-day confirmed report (category 3) over the 30-day one.',
    roles,
    payload: z.strictObject({
      finding: z.enum(['confirmed', 'likely', 'no_evidence']),
      improperPurpose: z.boolean().default(false),
      affectedCount: z.number().int().min(0).optional(),
      rationale,
    }),
    examples: [{ finding: 'confirmed', rationale: 'Logs show the records were read.' }],
  }),
  clientEvent({
    type: 'materiality.determined',
    title: 'Materiality determined',
    description: 'SEC Item 1.05: the materiality determination starts the 4-business-day 8-K clock.',
    roles: ['legal', 'executive'],
    payload: z.strictObject({ option: z.enum(['material', 'not_material']), rationale }),
    examples: [{ option: 'not_material', rationale: 'No financial or operational impact of note.' }],
  }),
  clientEvent({
    type: 'regulator.reported',
    title: 'Regulator report filed',
    description:
      'A report filed with a regulator or card brand. `clockIds` names the clocks it meets (one phase of a phased ' +
      'regime: the APPI preliminary report meets `appi-preliminary`, not the confirmed report), `reference` is the ' +
      "recipient's reference number. A filing at or after the due time of a clock it meets is late and must give " +
      'its `delayReason` (GDPR Art. 33(1)); without one it is refused.',
    roles,
    payload: filingPayload,
    examples: [
      { regime: 'APPI', clockIds: ['appi-preliminary'], reference: 'PPC-2026-0001' },
      {
        regime: 'GDPR',
        clockIds: ['gdpr-art33'],
        reference: 'DPC-2026-0042',
        delayReason: 'The scope was confirmed only on day four.',
      },
    ],
  }),
  clientEvent({
    type: 'regulator.not_required',
    title: 'Regulator report not required',
    description:
      'The threshold analysis concluded that a regime does not require a report; the analysis is recorded and the ' +
      "regime's open clocks become not required (their timers stop).",
    roles,
    payload: z.strictObject({ regime: text(100), option: z.literal('not_reportable'), rationale }),
    examples: [{ regime: 'GDPR', option: 'not_reportable', rationale: 'No EU data subjects affected.' }],
  }),
];

/**
 * SM-CLOCKS: anchor events start the notification clocks of the incident's jurisdictions (one delayed
 * `clock.due` each); a filing meets them (all of its regime, or the `clockIds` it names), late from the due
 * instant on; a due time passing unfiled marks them overdue; `regulator.not_required` waives a regime's open
 * clocks. Tracks that wait for a filing use `lateFilingHasReason`; tracks that wait for every clock use
 * `clocksSettled`.
 */
export interface ClocksOptions {
  roles: Roles;
  source: string;
  /**
   * A playbook's own events that also start clocks (e.g. `payment.executed`: the NYDFS extortion-payment notice),
   * each with the state guard of the step that owns it: the clocks react, they never take the event alone.
   */
  anchorEvents?: readonly { type: string; when: KitGuard }[];
  /**
   * SM-CLOCKS events a step of the playbook owns (e.g. `breach.determined` by the investigation's determination
   * step): their owning state paths, and the guard that one of them is active. The clocks then only react.
   */
  ownedBy?: Readonly<Record<string, { owners: readonly string[]; when: KitGuard }>>;
}

export function clocksTrack({ roles, source, anchorEvents = [], ownedBy = {} }: ClocksOptions): SharedTrack {
  const meta = { owner: 'legal', source: `SM-CLOCKS; §3.2 clock table; ${source}` };
  /** The guard of a clock event's transition: its own rule, and its owning step active when a step owns it. */
  const reacting = (type: string, ...own: KitGuard[]) => {
    const guards = [...own, ...(ownedBy[type] ? [ownedBy[type].when] : [])];
    return guards.length === 0 ? {} : { guard: guards.length === 1 ? guards[0] : allOf(...guards) };
  };
  return {
    key: 'clocks',
    support: true,
    events: clockEvents(roles).map((event) =>
      ownedBy[event.type] ? { ...event, owners: ownedBy[event.type]!.owners } : event,
    ),
    build: (close) =>
      track(
        {
          description:
            'SM-CLOCKS: each clock counts from its own anchor, a recorded fact: breach.aware (GDPR, UK GDPR), ' +
            'breach.determined (PIPEDA; also APPI, HIPAA and NYDFS unless anchor.recorded set their anchors earlier), ' +
            'materiality.determined (SEC 8-K), payment.executed, and anchor.recorded for any anchor. Jurisdictions ' +
            'added later start their clocks from the anchors already recorded. regulator.reported files them.',
          checklist: ['Record awareness and determination explicitly: clocks never start silently'],
          ...meta,
        },
        {
          watching: {
            description:
              'Clocks run from their anchors until filed or waived; an overdue clock stays flagged until filed late.',
            meta,
            on: Object.fromEntries([
              ...['breach.aware', 'breach.determined', 'materiality.determined'].map((type) => [
                type,
                { ...reacting(type), actions: [{ type: 'note' }, { type: 'startClocks' }] },
              ]),
              [
                'anchor.recorded',
                {
                  ...reacting('anchor.recorded', anchorNotAfterEvent),
                  actions: [{ type: 'note' }, { type: 'startClocks' }],
                },
              ],
              [
                'regulator.reported',
                {
                  ...reacting('regulator.reported', lateFilingHasReason()),
                  actions: [{ type: 'note' }, { type: 'fileClocks' }],
                },
              ],
              [
                'regulator.not_required',
                {
                  ...reacting('regulator.not_required'),
                  actions: [
                    { type: 'note' },
                    { type: 'decide', params: { id: 'reportability' } },
                    { type: 'waiveClocks' },
                  ],
                },
              ],
              ...anchorEvents.map(({ type, when }) => [
                type,
                { guard: when, actions: [{ type: 'note' }, { type: 'startClocks' }] },
              ]),
              ['clock.due', { actions: [{ type: 'markClockOverdue' }] }],
              ['incident.closed', { target: 'stopped', guard: close }],
            ]),
          },
          stopped: done('The incident is closed; the clock record stays in the history.', meta),
        },
      ),
  };
}

// ── APPI's two reports: a phased SM-CLOCKS filing ───────────────────────────

export interface AppiReportsOptions {
  /** Why APPI applies in this playbook, e.g. 'Unauthorised access is category (3), reportable even for one person'. */
  reportable: string;
  /** The track's description, and the owner and source of its steps. */
  description: string;
  meta: StateMeta;
  roles?: Roles;
}

const appiPreliminary = ['appi-preliminary'];
const appiConfirmed = ['appi-confirmed', 'appi-confirmed-improper'];

/**
 * APPI's two reports to the PPC as a playbook's own track: the preliminary report (速報, "promptly": about 3–5
 * days) once `breach.determined` has started the clocks, then the confirmed report (確報: 30 days, 60 in
 * improper-purpose cases). Each has its own event, which meets only its phase's clocks and is refused when late
 * without a delay reason; `regulator.not_required` for APPI ends the track (and waives the clocks).
 */
export function appiReports({ reportable, description, meta, roles = ['legal'] }: AppiReportsOptions): {
  events: ClientEventDef[];
  track: KitStateConfig;
} {
  const filing = z.strictObject({ reference: text(200), delayReason: text().optional() });
  return {
    events: [
      clientEvent({
        type: 'appi.preliminary_reported',
        title: 'APPI preliminary report filed',
        description:
          `The APPI preliminary report (速報) to the PPC, "promptly" (about 3–5 days). ${reportable}. Meets only the ` +
          'preliminary clock; a late filing gives its delay reason.',
        roles,
        payload: filing,
        examples: [{ reference: 'PPC-2026-0001' }],
      }),
      clientEvent({
        type: 'appi.confirmed_reported',
        title: 'APPI confirmed report filed',
        description:
          'The APPI confirmed report (確報): within 30 days, 60 in improper-purpose cases (category 3). Meets the ' +
          'confirmed-report clock; a late filing gives its delay reason.',
        roles,
        payload: filing,
        examples: [{ reference: 'PPC-2026-0001-final' }],
      }),
    ],
    track: track(
      { description, ...meta },
      {
        preliminary: step({
          description:
            'Record the determination (breach.determined; improperPurpose for unauthorised access) so the clocks ' +
            `start, then file the preliminary report promptly; or record why APPI requires no report. ${reportable}.`,
          on: {
            'appi.preliminary_reported': {
              target: 'confirmed',
              guard: factRecorded('breach.determined'),
              files: appiPreliminary,
            },
            'regulator.not_required': { target: 'not_required', guard: regimeIs('APPI') },
          },
          ...meta,
        }),
        confirmed: step({
          description: 'File the confirmed report: 30 days, 60 in improper-purpose cases (category 3).',
          on: { 'appi.confirmed_reported': { target: 'filed', files: appiConfirmed } },
          ...meta,
        }),
        filed: done('APPI preliminary and confirmed reports filed.', meta),
        not_required: done('APPI requires no report: the threshold analysis is on record.', meta),
      },
    ),
  };
}
