import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { z } from 'zod';
import type { ContextProjection } from './context-facts';
import { trimmedAtLeast } from './payload-rules';
import { stateReferenceProblems } from './state-references';
import { vocabularyProblems } from './vocabulary';

/** Who sent an event: the token's id and name and the roles it holds. */
export interface Actor {
  id: string;
  name: string;
  roles: string[];
}

/** Every event a holdfast machine sees carries the incident clock's `at` and the `actor`. */
export interface HoldfastEvent<T extends string = string, P = unknown> {
  type: T;
  payload: P;
  at: string;
  actor: Actor;
}

/** What `initialTransition` receives as machine input. */
export interface IncidentInput<I = unknown> {
  input: I;
  at: string;
  actor: Actor;
  title: string;
  severity: string;
}

/** `meta` every state of a playbook carries, so views can explain it. */
export interface StateMeta {
  owner: string;
  checklist?: string[];
  evidence?: string[];
  source?: string;
}

/** An event a client may send. `examples` document it and let the engine probe which events the current state accepts. */
export interface ClientEventDef {
  type: string;
  title: string;
  description: string;
  roles: readonly string[];
  payload: z.ZodType;
  examples: readonly unknown[];
  /**
   * The steps that own the event: state paths (`track.step`, a whole `track`, or `""` for the machine root).
   * The engine accepts the event only when a transition of an owning state (or of a state inside one) takes
   * it; other states may react to it (clocks, facts, escalations), never make it acceptable on their own.
   */
  owners?: readonly string[];
}

/** The events with their owning steps, from a table keyed by event type (for playbooks that name them by hand). */
export function withOwners(
  events: readonly ClientEventDef[],
  owners: Readonly<Record<string, readonly string[]>>,
): ClientEventDef[] {
  return events.map((event) => (owners[event.type] ? { ...event, owners: owners[event.type] } : event));
}

export interface PlaybookDefinition {
  id: string;
  version: number;
  title: string;
  summary: string;
  /** Case files and rules of the domain reference the playbook comes from. */
  source: readonly string[];
  /** Playbook roles and what each one does. */
  roles: Readonly<Record<string, string>>;
  /** The `input` an incident is opened with. */
  inputSchema: z.ZodType;
  /** Severity when the request names none, from the validated input. */
  defaultSeverity: (input: unknown) => Severity;
  events: readonly ClientEventDef[];
  /** Events the machine raises for itself (timer fires such as `deadline.passed`): handled, never sent by clients. */
  internalEvents?: readonly string[];
  /** Human labels of timers: keyed by named delay (for `after`) or by the id of a delayed `raise`. */
  timerLabels: Readonly<Record<string, string>>;
  /**
   * Timers (keys of `timerLabels`) that come round as a matter of course, such as a situation report every
   * 4 h, or that end a watch rather than ask for work: dashboards show them apart from the deadlines.
   */
  routineTimers?: readonly string[];
  /**
   * Timers (keys of `timerLabels`) the playbook warns of itself, and its warnings: a ransom deadline with its
   * 24 h, 12 h and 1 h warnings. holdfast adds no reminders of its own to them.
   */
  warnedTimers?: readonly string[];
  machine: AnyStateMachine;
  /**
   * A realistic incident from the seed case: its `input` and when it was opened. It documents the input and
   * gives exports nominal timer lengths.
   */
  example?: { openedAt: string; input: unknown };
  /** When this version was released (ISO 8601): the `created` date of exports. */
  releasedAt?: string;
  /** Where its context keeps what holdfast reads outside the machine; default: the kit's convention. */
  contextFacts?: ContextProjection;
  /** The playbook file it was compiled from, as written; a playbook written in code has none. */
  fileText?: string;
}

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

/**
 * A `defaultSeverity`: `base`, one level up (at most critical) for each of these input fields that is set
 * (present and not false), e.g. accounts that can transact, a high-value event coming.
 */
export const raisedSeverity =
  (base: Severity, raisedBy: readonly string[]) =>
  (input: unknown): Severity => {
    const fields = (input ?? {}) as Record<string, unknown>;
    const raises = raisedBy.filter((field) => fields[field] != null && fields[field] !== false).length;
    return severities[Math.min(severities.indexOf(base) + raises, severities.length - 1)]!;
  };

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const dottedFact = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/**
 * What is wrong with a playbook's declared shape: ids, versions, and every client event's type, title,
 * description, roles, payload schema and examples. Empty when it is sound.
 */
export function definitionProblems(definition: PlaybookDefinition): string[] {
  const problems: string[] = [];
  if (!kebabCase.test(definition.id)) problems.push(`id "${definition.id}" is not kebab-case`);
  if (!Number.isInteger(definition.version) || definition.version < 1)
    problems.push('version must be an integer ≥ 1');
  const seen = new Set<string>();
  for (const event of definition.events) {
    if (!dottedFact.test(event.type)) problems.push(`event "${event.type}" is not a dotted lower-case fact`);
    if (event.type.startsWith('xstate.')) problems.push(`event "${event.type}" is internal`);
    if (seen.has(event.type)) problems.push(`event "${event.type}" is defined twice`);
    seen.add(event.type);
    if (!event.title?.trim()) problems.push(`event "${event.type}" has no title`);
    if (!event.description?.trim()) problems.push(`event "${event.type}" has no description`);
    if (!event.roles?.length) problems.push(`event "${event.type}" names no roles`);
    for (const role of event.roles ?? []) {
      if (!(role in definition.roles)) problems.push(`event "${event.type}" names unknown role "${role}"`);
    }
    if (typeof event.payload?.safeParse !== 'function') {
      problems.push(`event "${event.type}" has no payload schema`);
      continue;
    }
    if (!event.examples?.length) problems.push(`event "${event.type}" has no example payload`);
    (event.examples ?? []).forEach((example, i) => {
      const parsed = event.payload.safeParse(example);
      if (!parsed.success)
        problems.push(
          `event "${event.type}" example ${i} fails its schema: ${oneLine(z.prettifyError(parsed.error))}`,
        );
    });
  }
  problems.push(...ownershipProblems(definition));
  if (definition.machine?.root) problems.push(...stateReferenceProblems(definition.machine));
  problems.push(...vocabularyProblems(definition));
  if (definition.example !== undefined) {
    const parsed = definition.inputSchema.safeParse(definition.example.input);
    if (!parsed.success)
      problems.push(`example input fails the input schema: ${oneLine(z.prettifyError(parsed.error))}`);
  }
  return problems;
}

/** A state and every state below it, depth first. */
export const allStates = (node: AnyStateNode): AnyStateNode[] => [
  node,
  ...Object.values(node.states).flatMap(allStates),
];

/** A state of the machine by its dotted path (`""` is the root), if there is one. */
export function stateAt(machine: AnyStateMachine, path: string): AnyStateNode | undefined {
  let node: AnyStateNode | undefined = machine.root;
  for (const key of path === '' ? [] : path.split('.')) node = node?.states[key];
  return node;
}

/** Whether a transition declared on the state at `sourcePath` belongs to one of the owners. */
export function isOwnedBy(owners: readonly string[], sourcePath: string): boolean {
  return owners.some((owner) => owner === '' || sourcePath === owner || sourcePath.startsWith(`${owner}.`));
}

/** Every client event names owners that exist and handle it. */
function ownershipProblems(definition: PlaybookDefinition): string[] {
  if (!definition.machine?.root) return [];
  const problems: string[] = [];
  for (const event of definition.events) {
    if (!event.owners?.length) {
      problems.push(`event "${event.type}" names no owning step`);
      continue;
    }
    for (const owner of event.owners) {
      const node = stateAt(definition.machine, owner);
      if (!node) problems.push(`event "${event.type}" names owner "${owner}", which is not a state`);
      else if (!allStates(node).some((state) => state.transitions.has(event.type)))
        problems.push(`event "${event.type}" names owner "${owner}", where no state handles it`);
    }
  }
  return problems;
}

/** Checks a playbook's shape once at registration, so a malformed one fails at start-up, not mid-incident. */
export function definePlaybook<const D extends PlaybookDefinition>(definition: D): D {
  const problems = definitionProblems(definition);
  if (problems.length > 0)
    throw new Error(`playbook ${definition.id}@${definition.version}:\n- ${problems.join('\n- ')}`);
  return definition;
}

/** Typed identity for one client event definition. */
export function clientEvent<P extends z.ZodType>(def: {
  type: string;
  title: string;
  description: string;
  roles: readonly string[];
  payload: P;
  examples: readonly z.input<P>[];
  owners?: readonly string[];
}): ClientEventDef {
  return def;
}

/** A decision's required rationale: the reasoning is part of the record. */
export const rationale = z
  .string()
  .trim()
  .min(3, 'a rationale of at least 3 characters is required')
  .max(4000)
  .meta({ pattern: trimmedAtLeast(3) });
/** A short free-text field. */
export const text = (max = 2000) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .meta({ pattern: trimmedAtLeast(1) });
/** A SHA-256 digest of a preserved artefact. */
export const sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'a lower-case hex SHA-256 digest');
