import { z } from '@hono/zod-openapi';
import { type ErrorCode, errorCodes, principalKinds } from '../engine';
import { cacaoPlaybookSchema } from '../playbook-format';
import { anchorKinds } from '../playbook-kit';

export { isUuid } from '../engine';

/** `?mode=` of listings and streams. */
export const ModeQuery = z.enum(['live', 'exercise']).optional().openapi({
  description:
    'live or exercise; without it, live, or exercise for facilitator-only tokens (which see exercises only)',
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
  })
  .catchall(z.unknown())
  .openapi('Problem');

const severity = z.enum(['low', 'medium', 'high', 'critical']);

export const ActiveStateSchema = z.object({
  path: z.string(),
  title: z.string(),
  description: z.string(),
  owner: z.string().nullable(),
  checklist: z.array(z.string()),
});

export const AllowedEventSchema = z.object({
  type: z.string(),
  title: z.string(),
  roles: z.array(z.string()),
  permitted: z.boolean().openapi({ description: "Whether the caller's roles may send it" }),
  tracks: z
    .array(z.string())
    .openapi({ description: "The tracks whose steps take it (empty: the whole incident's)" }),
});

export const TimerSchema = z.object({
  id: z.string(),
  label: z.string(),
  event: z.string(),
  dueAt: z.string(),
  routine: z.boolean().openapi({
    description: 'Comes round as a matter of course (a situation report every 4 h), or ends a watch',
  }),
  step: z.string().nullable().openapi({ description: 'The state path of the step that armed it' }),
});

export const RunningClockSchema = z.object({
  id: z.string(),
  label: z.string(),
  recipient: z.string(),
  dueAt: z.string(),
});

export const OverdueItemSchema = z
  .object({
    kind: z.enum(['deadline', 'clock']),
    id: z
      .string()
      .openapi({ description: 'The timer id of a deadline, the clock id of a notification clock' }),
    label: z.string(),
    dueAt: z
      .string()
      .openapi({ description: 'When it fell due (the latest time, for a recurring deadline)' }),
    step: z.string().nullable().openapi({ description: 'The state path of the step that is not done' }),
    since: z.string().openapi({ description: 'When the step first became overdue' }),
  })
  .openapi('OverdueItem');

export const IncidentSchema = z
  .object({
    id: z.string().uuid(),
    playbookId: z.string(),
    playbookVersion: z.number().int(),
    title: z.string(),
    severity: z.string(),
    mode: z.enum(['live', 'exercise']),
    status: z.enum(['open', 'closed']),
    overdue: z.boolean().openapi({
      description: 'Something fell due with its step not done: a playbook deadline or a notification clock',
    }),
    overdueItems: z.array(OverdueItemSchema),
    clocksNotStarted: z
      .array(
        z.object({
          id: z.string(),
          regime: z.string(),
          label: z.string(),
          anchor: z.enum(anchorKinds),
          reason: z.string(),
        }),
      )
      .openapi({
        description:
          "Notification clocks whose regime applies to the incident's jurisdictions but which never started: " +
          'their anchor was never recorded (record it with anchor.recorded or the step that owns it)',
      }),
    state: z.unknown(),
    active: z.array(ActiveStateSchema),
    allowedEvents: z.array(AllowedEventSchema),
    timers: z.array(TimerSchema),
    clocks: z.array(RunningClockSchema).openapi({ description: 'Notification clocks still running' }),
    timeZone: z.string().nullable().openapi({ description: "The incident's IANA time zone" }),
    clock: z.string().openapi({
      description: "The incident's now: the virtual clock of an exercise, the server's time otherwise",
    }),
    openedAt: z.string().openapi({ description: 'When it opened on its own clock' }),
    openedBy: z.string().nullable().openapi({ description: 'Who opened it' }),
    context: z.unknown(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('Incident');

export const SimulationSchema = z
  .object({
    state: z.unknown(),
    status: z.enum(['open', 'closed']),
    active: z.array(ActiveStateSchema),
    timersSet: z.array(
      z.object({
        timerId: z.string(),
        event: z.object({ type: z.string() }).catchall(z.unknown()),
        label: z.string(),
        dueAt: z.string(),
      }),
    ),
    timersCancelled: z.array(z.string()),
    effects: z.array(z.object({ type: z.string(), params: z.unknown().optional() })),
    context: z.unknown(),
  })
  .openapi('Simulation');

export const IncidentSummarySchema = IncidentSchema.pick({
  id: true,
  playbookId: true,
  playbookVersion: true,
  title: true,
  severity: true,
  mode: true,
  status: true,
  overdue: true,
  state: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
}).openapi('IncidentSummary');

export const EventRecordSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    payload: z.unknown(),
    actor: z.string().openapi({ description: 'Who did it: their display name at the time' }),
    actorId: z
      .string()
      .nullable()
      .openapi({ description: 'The principal who did it; null on events recorded before principals' }),
    source: z.enum(['api', 'timer', 'clock', 'inject', 'system']),
    occurredAt: z.string(),
    recordedAt: z.string(),
    stateAfter: z.unknown(),
    note: z.string().nullable(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .openapi('EventRecord');

export const CreateIncidentSchema = z
  .object({
    playbookId: z.string().min(1).max(100).openapi({ example: 'ransom-demand' }),
    title: z.string().trim().min(1).max(200).openapi({ example: 'JJ Meds: bitcoin ransom email' }),
    severity: severity.optional(),
    input: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Validated by the playbook's inputSchema" }),
  })
  .strict()
  .openapi('CreateIncident');

export const EventBodySchema = z
  .object({
    type: z.string().min(1).max(200).openapi({ example: 'site.taken_offline' }),
    payload: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ example: { scope: 'full', rationale: 'Stop further access to the image files' } }),
    note: z.string().max(4000).optional(),
    occurredAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({
        description:
          'When it really happened, if earlier than now (e.g. the site went offline an hour before it was typed ' +
          'in): clocks and deadlines count from it. Not before the incident was opened, not more than 60 s ahead ' +
          "of the incident's clock. Default: now.",
        example: '2026-11-21T09:40:00Z',
      }),
  })
  .strict()
  .openapi('EventBody');

export const CreateTokenSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .openapi({
        example: 'alice',
        description:
          'The principal (person or service) the token is for. A token for a name that exists is re-issued to that ' +
          'principal: two-person rules count them as one. Names are NFKC-normalized and unique ignoring case; ' +
          "invisible or control characters and names of holdfast's own actors (timer, system, holdfast:…) are refused.",
      }),
    kind: z.enum(principalKinds).optional().openapi({
      description: 'For a new principal (default person); for an existing one it must match.',
    }),
    roles: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(20)
      .openapi({ example: ['incident_commander'] }),
  })
  .strict()
  .openapi('CreateToken');

export const TokenSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string().openapi({ description: "The principal's name" }),
    principalId: z.string().uuid(),
    roles: z.array(z.string()),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token');

export const PrincipalSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(principalKinds),
    createdAt: z.string(),
    oidcSubject: z.string().nullable().openapi({
      description: 'The OpenID Connect user (`<issuer>#<sub>`) this principal is, when signed in or linked',
    }),
  })
  .openapi('Principal');

export const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Problem', content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  );

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const JsonSchema = z.record(z.string(), z.unknown()).openapi('JsonSchema', {
  description: 'A JSON Schema (draft 2020-12)',
});

export const StateTreeNodeSchema: z.ZodType = z
  .lazy(() =>
    z.object({
      key: z.string(),
      path: z.string(),
      title: z.string(),
      type: z.string(),
      description: z.string(),
      owner: z.string().nullable(),
      checklist: z.array(z.string()),
      evidence: z.array(z.string()),
      source: z.string().nullable(),
      on: z.array(z.string()).openapi({ description: 'Client events this state handles itself' }),
      states: z.array(StateTreeNodeSchema),
    }),
  )
  .openapi('StateTreeNode');

export const PlaybookDefinitionSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    versions: z.array(z.number().int()),
    title: z.string(),
    summary: z.string(),
    source: z.array(z.string()).readonly(),
    roles: z.record(z.string(), z.string()).openapi({ description: 'Playbook roles and what each does' }),
    inputSchema: JsonSchema,
    states: z
      .array(StateTreeNodeSchema)
      .openapi({ description: "The state tree; tracks are the root's children" }),
    events: z.array(
      z.object({
        type: z.string(),
        title: z.string(),
        description: z.string(),
        roles: z.array(z.string()).readonly(),
        owners: z
          .array(z.string())
          .readonly()
          .openapi({ description: "The state paths whose steps take it ('' = root)" }),
        payloadSchema: JsonSchema,
        examples: z.array(z.unknown()).readonly(),
      }),
    ),
    timers: z.array(z.object({ key: z.string(), label: z.string() })),
  })
  .openapi('PlaybookDefinition');

/**
 * The one schema of a CACAO playbook: what the importer reads is what the export must be. Rebuilt from its
 * shape so that `.openapi` exists whichever module was loaded first.
 */
export const CacaoPlaybookSchema = z.looseObject(cacaoPlaybookSchema.shape).openapi('CacaoPlaybook', {
  description: 'A CACAO 2.0 playbook (OASIS), with holdfast extensions',
});

const ClockCalendarSchema = z.object({
  region: z.string().nullable().openapi({
    description:
      "Whose public holidays close a business day (US, JP, CA have rules; others count weekends only); null: the organisation's country",
  }),
  timeZone: z
    .string()
    .nullable()
    .openapi({ description: "The IANA time zone the clock's days are counted in; null: the incident's" }),
  note: z.string().nullable().openapi({ description: 'What is uncertain or left out about this calendar' }),
});

export const NotificationClockSchema = z
  .object({
    id: z.string(),
    regime: z.string(),
    label: z.string(),
    jurisdictions: z.array(z.string()),
    anchor: z.enum(anchorKinds).openapi({ description: 'The recorded fact the clock counts from' }),
    deadline: z.object({
      kind: z.enum(['hours', 'calendar_days', 'business_days', 'months', 'soft']),
      amount: z.number().optional(),
      policyTargetHours: z.number().optional(),
    }),
    calendar: ClockCalendarSchema,
    recipient: z.string(),
    filing: z.string().openapi({ description: 'What must be filed or sent' }),
    condition: z.string(),
    citation: z.string().openapi({ description: 'The exact provision: article, section, rule' }),
    source: z.string().openapi({ description: 'The sources it was taken from (docs/sources.md ids)' }),
    basis: z.enum(['law', 'policy']).openapi({
      description: 'Law (statute, regulation) or policy (card-brand rules, binding by contract)',
    }),
    cutOff: z.string().nullable().openapi({
      description:
        "Local time (HH:mm) after which a filing counts as made the next business day (EDGAR's 17:30)",
    }),
    enabled: z
      .boolean()
      .openapi({ description: 'False: shipped off (a rule not in force); it never starts' }),
    off: z.string().nullable().openapi({ description: 'Why it is shipped off' }),
    policyDefault: z.boolean().openapi({
      description:
        "True: the figure is an editable policy target, not the rule's own (law or card-brand rule)",
    }),
    retentionMonths: z.number().int().optional(),
    verifiedOn: z
      .string()
      .nullable()
      .openapi({ description: 'When the figure was last checked against its primary source; null: never' }),
    verification: z.string().nullable().openapi({
      description:
        'What could not be verified against the primary source, and what it was checked against instead',
    }),
  })
  .openapi('NotificationClock');

export const ClockDueSchema = z
  .object({
    clockId: z.string(),
    anchorAt: z.string(),
    dueAt: z.string(),
    deadline: NotificationClockSchema.shape.deadline,
    policyDefault: z.boolean(),
    calendar: z.object({
      region: z.string().nullable(),
      timeZone: z.string(),
      holidaysSkipped: z
        .array(z.object({ date: z.string(), name: z.string() }))
        .openapi({ description: 'The weekday public holidays a business-day count stepped over' }),
      note: z.string().nullable(),
    }),
  })
  .openapi('ClockDue');
