import { z } from 'zod';
import { deadlineAnchors, deadlineInstants, namedGuards, severities } from '../playbook-kit';

/**
 * The playbook file format: a YAML document that reads like a runbook and says only what the kit can build.
 * This zod schema is its one definition: it validates a file, and its JSON Schema (`playbookJsonSchema`) is
 * what editors check against. Guards are named from the kit's vocabulary (`namedGuards`); there is no code.
 */

export const formatTag = 'holdfast.playbook/v1';

const eventType = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'a dotted lower-case event type, e.g. "threat.verified"');
const key = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case name, e.g. "verify_threat"');
const prose = z.string().trim().min(1);

/** A length of time: `30m`, `4h`, `14d`. */
export const duration = z
  .string()
  .regex(/^[1-9][0-9]*(m|h|d)$/, 'a duration such as "30m", "4h" or "14d"')
  .describe('A length of time: minutes (m), hours (h) or days (d).');

const fieldBase = {
  optional: z.boolean().optional(),
  default: z.unknown().optional().describe('The value when the field is left out.'),
  description: prose.optional(),
};

export type FieldSpec =
  | 'text'
  | 'rationale'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'sha256'
  | 'instant'
  | {
      type:
        | 'text'
        | 'rationale'
        | 'boolean'
        | 'integer'
        | 'number'
        | 'sha256'
        | 'instant'
        | 'enum'
        | 'list'
        | 'object';
      max?: number;
      min?: number;
      above?: number;
      values?: string[];
      of?: FieldSpec;
      contains?: { value: string; message: string };
      fields?: Record<string, FieldSpec>;
      optional?: boolean;
      default?: unknown;
      description?: string;
    };

const simpleTypes = ['text', 'rationale', 'boolean', 'integer', 'number', 'sha256', 'instant'] as const;

/** A payload or input field: a type name alone, or the type with its bounds. */
export const field: z.ZodType<FieldSpec> = z.lazy(() =>
  z.union([
    z.enum(simpleTypes),
    z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text'), max: z.int().min(1).max(100_000).optional(), ...fieldBase }),
      z.strictObject({
        type: z.enum(['integer', 'number']),
        min: z.number().optional(),
        above: z.number().optional().describe('An exclusive minimum: `above: 0` is a positive number.'),
        max: z.number().optional(),
        ...fieldBase,
      }),
      z.strictObject({ type: z.literal('enum'), values: z.array(z.string().min(1)).min(1), ...fieldBase }),
      z.strictObject({
        type: z.literal('list'),
        of: field,
        min: z.int().min(0).optional(),
        max: z.int().min(1).optional(),
        contains: z
          .strictObject({ value: z.string().min(1), message: prose })
          .optional()
          .describe('A value the list must include, and the refusal when it does not.'),
        ...fieldBase,
      }),
      z.strictObject({ type: z.literal('object'), fields: z.record(z.string(), field), ...fieldBase }),
      z.strictObject({ type: z.enum(['rationale', 'boolean', 'sha256', 'instant']), ...fieldBase }),
    ]),
  ]),
);

/** A guard: a name from the kit's vocabulary alone, or a one-key mapping of the name to its parameters. */
export const guardExpression = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .describe(`A named guard: ${Object.keys(namedGuards).join(', ')}.`);

const inputField = z.string().regex(/^[a-z][A-Za-z0-9_]*$/, 'an input field name, e.g. "detectedAt"');

const anchor = z.union([
  z.enum(Object.keys(deadlineAnchors) as [string, ...string[]]),
  z.strictObject({ fact: eventType }),
  z.strictObject({ input: inputField }),
]);

export const deadline = z
  .strictObject({
    label: prose,
    after: duration.optional(),
    from: anchor.optional().describe('Where `after` counts from (default: entering the step).'),
    at: z.enum(Object.keys(deadlineInstants) as [string, ...string[]]).optional(),
    source: prose,
  })
  .describe('A deadline escalates when it falls due and its step is not done; it never completes the step.');

const decisionId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a decision id, e.g. "payment_stance" or "D-P1"');
const decision = z.union([
  decisionId,
  z.strictObject({ id: decisionId, option: z.string().optional(), field: z.string().optional() }),
]);

export const transition = z.union([
  key,
  z.strictObject({
    to: key
      .optional()
      .describe('The next step of the track; none: the event is recorded and the step stays.'),
    when: guardExpression.optional(),
    decision: decision
      .optional()
      .describe('Records the event as a decision (option and rationale) under this id.'),
    files: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('A filing event: the notification clocks it meets.'),
  }),
]);

const stepMeta = {
  description: prose,
  owner: z.string(),
  checklist: z.array(prose).optional(),
  evidence: z.array(prose).optional(),
  source: prose.optional(),
};

export const step = z.union([
  z.strictObject({ ...stepMeta, done: z.literal(true).describe('The final step of its track.') }),
  z.strictObject({
    ...stepMeta,
    deadlines: z
      .array(z.string())
      .optional()
      .describe('Ids of deadlines (under `deadlines:`) armed in this step.'),
    endsAfter: z.strictObject({ window: z.string(), to: key }).optional(),
    always: z
      .strictObject({ to: key, when: guardExpression })
      .optional()
      .describe('Moves on by itself, with no event, as soon as the guard holds.'),
    on: z.record(eventType, z.union([transition, z.array(transition).min(1)])).optional(),
  }),
]);

export const trackSpec = z.strictObject({
  description: prose,
  owner: z.string(),
  source: prose.optional(),
  checklist: z.array(prose).optional(),
  evidence: z.array(prose).optional(),
  steps: z.record(key, step),
});

export const eventSpec = z.strictObject({
  title: prose,
  description: prose,
  roles: z.array(z.string()).min(1),
  payload: z.record(z.string(), field).default({}),
  rules: z
    .array(
      z.strictObject({
        sum: z.array(z.string()).min(1),
        atMost: z.string(),
        message: prose.describe('The refusal when the rule does not hold.'),
      }),
    )
    .optional()
    .describe(
      'Rules over several payload fields: the sum of `sum` is at most `atMost` (left-out fields hold).',
    ),
  examples: z.array(z.record(z.string(), z.unknown())).min(1),
});

const roles = z.array(z.string()).min(1);

export const sharedSpec = z
  .strictObject({
    command: z
      .strictObject({
        declareWithin: z.string().describe('Id of the declaration deadline (under `deadlines:`).'),
        criteria: prose,
        source: prose,
        sitrepEvery: duration.optional(),
      })
      .optional(),
    intake: z
      .strictObject({
        roles: z.strictObject({ acknowledge: roles.optional(), triage: roles.optional() }).optional(),
        source: prose,
      })
      .optional(),
    vendor: z.strictObject({ engageWithin: duration, source: prose }).optional(),
    review: z
      .strictObject({
        startWhen: guardExpression,
        source: prose,
        rehearsal: z.strictObject({ withinDays: z.int().min(1), scenario: z.string() }).optional(),
      })
      .optional(),
    messages: z.strictObject({ audiences: z.array(key).min(1), source: prose }).optional(),
    clocks: z.strictObject({ roles, source: prose }).optional(),
  })
  .describe('The shared tracks, in the order written: command first, then the others.');

export const playbookFile = z.strictObject({
  format: z.literal(formatTag),
  id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'a kebab-case id, e.g. "ddos-extortion"'),
  version: z.int().min(1),
  title: prose,
  summary: prose,
  sources: z.array(prose).min(1),
  releasedAt: z.iso.datetime({ offset: true }),
  roles: z
    .union([roles, z.record(key, prose)])
    .describe('Catalogue role names, or custom roles with what each does.'),
  severity: z
    .union([
      z.enum(severities),
      z.strictObject({ base: z.enum(severities), raisedBy: z.array(inputField).min(1) }),
    ])
    .describe(
      'The severity of an incident opened without one: fixed, or `base` one level up for each `raisedBy` input field that is set.',
    ),
  description: prose,
  meta: z.strictObject({
    owner: z.string(),
    checklist: z.array(prose).optional(),
    evidence: z.array(prose).optional(),
    source: prose.optional(),
  }),
  input: z
    .record(inputField, field)
    .default({})
    .describe('Fields of the opening form beyond the organisation basics.'),
  evidenceRoles: roles,
  shared: sharedSpec,
  deadlines: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a camelCase id'), deadline).default({}),
  events: z.record(eventType, eventSpec).default({}),
  tracks: z.record(key, trackSpec),
  example: z.strictObject({
    openedAt: z.iso.datetime({ offset: true }),
    input: z.record(z.string(), z.unknown()),
  }),
});

export type PlaybookFile = z.output<typeof playbookFile>;
export type StepFile = z.output<typeof step>;
export type TransitionFile = z.output<typeof transition>;

/** The format's JSON Schema (draft 2020-12), for editors. */
export const playbookJsonSchema = () => z.toJSONSchema(playbookFile, { io: 'input', unrepresentable: 'any' });
