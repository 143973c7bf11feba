import { Duration } from 'luxon';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { checkInstant, LONGEST_SPAN_MS, Refusal, YEARS_AHEAD } from '../engine';

/**
 * The tabletop scenario format (domain reference §4.4, HSEEP/CISA CTEP conventions), in camelCase like the
 * rest of the API. Times are ISO 8601 durations from the scenario start (T0) unless stated otherwise.
 */

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'an id of letters, digits, "_", "." or "-"');

export const durationMs = (text: string): number => Duration.fromISO(text).toMillis();

/** An ISO 8601 duration such as PT30M, PT48H or P3D, of at most the longest span accepted. */
export const isoDuration = z
  .string()
  .refine((text) => Duration.fromISO(text).isValid, 'an ISO 8601 duration such as "PT30M", "PT48H" or "P3D"')
  .refine(
    (text) => Number.isNaN(durationMs(text)) || Math.abs(durationMs(text)) <= LONGEST_SPAN_MS,
    `at most ${YEARS_AHEAD} years (${LONGEST_SPAN_MS / 86_400_000} days)`,
  );

const instant = z.iso.datetime({ offset: true });
const text = (max = 4000) => z.string().trim().min(1).max(max);

/** What counts as the response: facts in the incident's event log and state (§4.4 matcher semantics). */
export type Matcher =
  | { event: string; payload?: Record<string, unknown> }
  | { state: string }
  | { decision: { event: string; option?: string } }
  | { evidence: { kind: string } }
  | { message: { audience: string } }
  | { sequence: Matcher[] };

export const matcher: z.ZodType<Matcher> = z.lazy(() =>
  z.union([
    z.strictObject({
      event: text(100).describe('A client event of the playbook was recorded'),
      payload: z.record(z.string(), z.unknown()).optional().describe('…with these payload fields'),
    }),
    z.strictObject({
      state: text(200).describe('A state path was entered, e.g. "containment.immediate.site.offline"'),
    }),
    z.strictObject({
      decision: z.strictObject({ event: text(100), option: text(100).optional() }),
    }),
    z.strictObject({ evidence: z.strictObject({ kind: text(100) }) }),
    z.strictObject({ message: z.strictObject({ audience: text(100) }) }),
    z.strictObject({ sequence: z.array(matcher).min(2).describe('The sub-matches, in this order') }),
  ]),
);

/** When a conditional inject fires (§4.3 item 4): all/any over facts, after a time. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { after: string }
  | Matcher;

export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(condition).min(1) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ not: condition }),
    z.strictObject({ after: isoDuration.describe('From T0') }),
    matcher,
  ]),
);

export const expectedResponse = z.strictObject({
  id,
  description: text(1000),
  match: matcher,
  due: isoDuration.describe('How long after the inject fired (or after `dueFrom`)'),
  dueFrom: z.enum(['inject', 'start']).default('inject'),
  weight: z.number().positive().max(100).default(1),
  critical: z.boolean().default(false),
  objectives: z.array(id).default([]),
});
export type ExpectedResponse = z.infer<typeof expectedResponse>;

const emitted = z.strictObject({
  type: text(100),
  payload: z.record(z.string(), z.unknown()).default({}),
});

export const inject = z
  .strictObject({
    id,
    module: id.optional(),
    at: isoDuration.optional().describe('Fires at T0 + at'),
    when: condition.optional().describe('Fires as soon as this holds (checked as the clock moves)'),
    channel: z.enum([
      'email',
      'phone',
      'web',
      'forum',
      'press',
      'social_media',
      'regulator',
      'police',
      'internal',
      'other',
    ]),
    from: text(200),
    to: z.array(id).default([]),
    content: text(4000),
    emits: emitted.optional().describe('An event the simulation cell records in the incident when it fires'),
    expected: z.array(expectedResponse).default([]),
  })
  .refine((i) => i.at !== undefined || i.when !== undefined, { message: 'an inject needs `at` or `when`' });
export type Inject = z.infer<typeof inject>;

export const scriptMove = z.strictObject({
  at: isoDuration,
  as: id.describe('A player role id from `roles`'),
  event: text(100),
  payload: z.record(z.string(), z.unknown()).default({}),
  note: text(1000).optional(),
  expect: z
    .enum(['accepted', 'refused'])
    .default('accepted')
    .describe(
      '`refused`: the playbook must refuse this move (e.g. a gate catching a shortcut); the run goes on',
    ),
});
export type ScriptMove = z.infer<typeof scriptMove>;

export const scenarioSchema = z
  .strictObject({
    apiVersion: z.literal('tabletop/v1'),
    kind: z.literal('Scenario'),
    metadata: z.strictObject({
      id: id.describe('Unique scenario id, e.g. "jj-meds"'),
      title: text(300),
      basedOn: z.array(text(20)).default([]).describe('Case files of the domain reference, e.g. ["C2"]'),
      playbook: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a playbook id such as "ransom-demand"'),
      playbookVersion: z.number().int().positive().optional(),
      tlp: z.enum(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']).default('CLEAR'),
      version: z.number().int().positive().default(1),
    }),
    exercise: z
      .strictObject({
        type: z.literal('tabletop').default('tabletop'),
        missionAreas: z.array(text(100)).default([]),
        threatHazard: text(300).optional(),
        scope: text(1000).optional(),
        sponsor: text(200).optional(),
        assumptions: z.array(text(500)).default([]),
      })
      .default({ type: 'tabletop', missionAreas: [], assumptions: [] }),
    clock: z.strictObject({
      start: instant.describe('Virtual wall time of T0'),
      timeZone: z.string().min(1).default('UTC'),
      end: isoDuration.describe('How long the exercise runs, from T0'),
    }),
    incident: z.strictObject({
      title: text(300),
      severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
      input: z
        .record(z.string(), z.unknown())
        .describe("The playbook's input the exercise incident opens with"),
    }),
    roles: z
      .array(
        z.strictObject({
          id,
          playbookRole: z.string().min(1).optional(),
          kind: z.enum(['player', 'simcell']).default('player'),
          name: text(200).optional(),
        }),
      )
      .min(1),
    objectives: z
      .array(
        z.strictObject({
          id,
          text: text(500),
          coreCapabilities: z.array(text(100)).default([]),
          csf: z.array(text(20)).default([]),
        }),
      )
      .min(1),
    modules: z
      .array(
        z.strictObject({
          id,
          title: text(300),
          discussionQuestions: z.array(text(1000)).default([]),
        }),
      )
      .default([]),
    injects: z.array(inject).min(1),
    metrics: z
      .array(
        z.strictObject({
          id,
          title: text(200),
          to: matcher.describe('The fact that ends the measured interval (it starts at T0)'),
        }),
      )
      .default([]),
    script: z.array(scriptMove).default([]).describe('Player moves for unattended runs, in time order'),
    alternativeScripts: z
      .record(id, z.array(scriptMove))
      .default({})
      .describe('Other named scripts over the same injects, e.g. a run that skips a step'),
  })
  .superRefine((scenario, ctx) => {
    const roleIds = new Set(scenario.roles.map((r) => r.id));
    const objectiveIds = new Set(scenario.objectives.map((o) => o.id));
    const moduleIds = new Set(scenario.modules.map((m) => m.id));
    const seen = new Set<string>();
    scenario.injects.forEach((inj, i) => {
      if (seen.has(inj.id))
        ctx.addIssue({
          code: 'custom',
          path: ['injects', i, 'id'],
          message: `inject id "${inj.id}" is used twice`,
        });
      seen.add(inj.id);
      if (inj.module && !moduleIds.has(inj.module))
        ctx.addIssue({
          code: 'custom',
          path: ['injects', i, 'module'],
          message: `no module "${inj.module}"`,
        });
      inj.to.forEach((to, j) => {
        if (!roleIds.has(to))
          ctx.addIssue({ code: 'custom', path: ['injects', i, 'to', j], message: `no role "${to}"` });
      });
      inj.expected.forEach((e, j) => {
        if (seen.has(e.id))
          ctx.addIssue({
            code: 'custom',
            path: ['injects', i, 'expected', j, 'id'],
            message: `id "${e.id}" is used twice`,
          });
        seen.add(e.id);
        e.objectives.forEach((o, k) => {
          if (!objectiveIds.has(o))
            ctx.addIssue({
              code: 'custom',
              path: ['injects', i, 'expected', j, 'objectives', k],
              message: `no objective "${o}"`,
            });
        });
      });
    });
    const checkScript = (moves: ScriptMove[], path: PropertyKey[]) => {
      let previous = -1;
      moves.forEach((move, i) => {
        const role = scenario.roles.find((r) => r.id === move.as);
        if (!role)
          ctx.addIssue({ code: 'custom', path: [...path, i, 'as'], message: `no role "${move.as}"` });
        else if (!role.playbookRole)
          ctx.addIssue({
            code: 'custom',
            path: [...path, i, 'as'],
            message: `role "${move.as}" has no playbookRole to act as`,
          });
        const at = durationMs(move.at);
        if (at < previous)
          ctx.addIssue({
            code: 'custom',
            path: [...path, i, 'at'],
            message: 'script moves must be in time order',
          });
        previous = at;
      });
    };
    checkScript(scenario.script, ['script']);
    for (const [name, moves] of Object.entries(scenario.alternativeScripts)) {
      checkScript(moves, ['alternativeScripts', name]);
      if (name === 'main') {
        ctx.addIssue({
          code: 'custom',
          path: ['alternativeScripts', name],
          message: '"main" is the name of the main script (`script`)',
        });
      }
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;

/** A scenario file that does not parse or validate: which file, where, what is wrong. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

const pathText = (path: readonly PropertyKey[]) =>
  path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('') || '(root)';

/**
 * Refuses (400) a scenario whose virtual clock would leave the window of times holdfast accepts around `now`:
 * its start, and its end.
 */
export function checkScenarioClock(scenario: Scenario, now: Date): void {
  const startMs = checkInstant('clock.start', scenario.clock.start, now);
  checkInstant('clock.end', startMs + durationMs(scenario.clock.end), now);
}

/** How big an exercise holdfast plays (HOLDFAST_EXERCISE_*): what one facilitator can make a server do. */
export interface ExerciseLimits {
  /** Injects in a scenario. */
  maxInjects: number;
  /** Days from T0 to the scenario's `clock.end`. */
  maxDays: number;
  /** Timers one clock move fires. */
  maxTimersPerMove: number;
}

/**
 * Refuses (400) a scenario with more injects, or running longer (`clock.end`), than the limits allow. It reads
 * only those two fields, so a scenario sent to the API is measured before the rest of it is validated.
 */
export function checkScenarioLimits(scenario: unknown, limits: ExerciseLimits): void {
  const { injects, clock } = (scenario ?? {}) as { injects?: unknown; clock?: { end?: unknown } };
  if (Array.isArray(injects) && injects.length > limits.maxInjects) {
    throw new Refusal(
      'invalid_request',
      `a scenario has at most ${limits.maxInjects} injects (HOLDFAST_EXERCISE_MAX_INJECTS); this one has ${injects.length}`,
      { limit: 'HOLDFAST_EXERCISE_MAX_INJECTS', max: limits.maxInjects },
    );
  }
  const end = clock?.end;
  if (typeof end === 'string' && durationMs(end) > limits.maxDays * 86_400_000) {
    throw new Refusal(
      'invalid_request',
      `an exercise runs at most ${limits.maxDays} days (HOLDFAST_EXERCISE_MAX_DAYS); this one's clock.end is ${end}`,
      { limit: 'HOLDFAST_EXERCISE_MAX_DAYS', max: limits.maxDays },
    );
  }
}

/** Validates a scenario object (already parsed from YAML or JSON). */
export function parseScenario(value: unknown, file = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    throw new ScenarioError(
      file,
      parsed.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** Parses and validates scenario YAML; YAML syntax errors name their line. */
export function parseScenarioYaml(source: string, file = 'scenario.yaml'): Scenario {
  const document = parseDocument(source, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(
      file,
      document.errors.map(
        (error) => `line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`,
      ),
    );
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // An alias to no anchor, or so many aliases that expanding them would exhaust memory (YAML bombs).
    throw new ScenarioError(file, [(error as Error).message]);
  }
  return parseScenario(value, file);
}
