import { v5 as uuidv5 } from 'uuid';
import type { AnyStateNode } from 'xstate';
import type { PlaybookDefinition } from '../playbook-kit';
import { humanise, stateMeta } from './machine-runtime';
import { type StateTimer, stateTimers } from './playbook-timers';

/** TLP 2.0 levels a CACAO export may carry. */
export const tlpLevels = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
export type TlpLevel = (typeof tlpLevels)[number];

export interface CacaoOptions {
  tlp?: TlpLevel;
}

/** Namespace of holdfast's deterministic CACAO identifiers (UUIDv5). */
const NAMESPACE = 'b6f2c6a4-3f7e-5c1e-9d0a-6b1f3f1e2a77';
const RELEASE_EPOCH = '2026-01-01T00:00:00.000Z';

type Step = Record<string, unknown> & { type: string };

/**
 * Exports a playbook as a CACAO 2.0 playbook: tracks become the branches of a `parallel` step, each state a
 * `manual` action for its owner role (a `group` agent), a state with several ways on becomes an
 * `if-condition` (two) or `switch-condition` (more) step on what was decided, timers become step
 * `timeout`s (nominal, from the example input), and the playbook carries its types, activities and a
 * TLP marking. Identifiers are UUIDv5 of the playbook, version and state path, so exports are stable.
 */
export function cacaoPlaybook(
  definition: PlaybookDefinition,
  options: CacaoOptions = {},
): Record<string, unknown> {
  const key = `${definition.id}@${definition.version}`;
  const id = (kind: string, name: string) => `${kind}--${uuidv5(`${key}/${kind}/${name}`, NAMESPACE)}`;
  const createdBy = `identity--${uuidv5('holdfast', NAMESPACE)}`;
  const created = definition.releasedAt ?? RELEASE_EPOCH;
  const timers = stateTimers(definition);
  const workflow: Record<string, Step> = {};
  const agents: Record<string, Record<string, unknown>> = {};
  const activities = new Set<string>();

  const agentFor = (role: string) => {
    const agentId = id('group', role);
    agents[agentId] ??= {
      type: 'group',
      name: definition.roles[role] ? `${role}: ${definition.roles[role]}` : role,
    };
    return agentId;
  };

  const stepId = (node: AnyStateNode) =>
    id(node.type === 'parallel' ? 'parallel' : 'action', node.path.join('.') || '(root)');

  /** The step that starts each state; a compound state registers its children before emitting them. */
  const entries = new Map<AnyStateNode, string>();
  const entryOf = (node: AnyStateNode) => entries.get(node)!;

  /** Emits `node` and its descendants; returns the id of the step that starts it. `next` follows it. */
  const emit = (node: AnyStateNode, next: string): string => {
    const children = Object.values(node.states);
    if (node.type === 'final') return next;
    if (node.type === 'parallel' && children.length > 1) {
      const branches = children.map((child) => {
        const end = id('end', `${child.path.join('.')}/end`);
        workflow[end] = { type: 'end', name: `End of ${humanise(child.key)}` };
        return emit(child, end);
      });
      const parallelId = stepId(node);
      workflow[parallelId] = {
        type: 'parallel',
        name: node.path.length === 0 ? 'Tracks in parallel' : humanise(node.key),
        description: node.description ?? 'Concurrent regions',
        next_steps: branches,
        on_completion: next,
      };
      return parallelId;
    }
    if (children.length > 0) {
      // A compound state: its children in sequence; a final child hands over to what follows the compound.
      for (const child of children) entries.set(child, child.type === 'final' ? next : stepId(child));
      for (const child of children) emitLeafOrNested(child, next);
      const initial = (node.initial?.target ?? [])[0] as AnyStateNode | undefined;
      return initial ? (entries.get(initial) ?? next) : next;
    }
    return emitAction(node, [], next);
  };

  const emitLeafOrNested = (child: AnyStateNode, next: string) => {
    if (child.type === 'final') return;
    const outcomes = successorsOf(child);
    if (Object.keys(child.states).length > 0) {
      const continuation = outcomes.length > 0 ? decisionStep(child, outcomes) : next;
      const start = emit(child, continuation);
      if (start !== stepId(child)) {
        workflow[stepId(child)] = {
          type: 'action',
          name: humanise(child.path.join(' / ')),
          description: child.description ?? humanise(child.key),
          commands: [{ type: 'manual', description: `Begin: ${child.description ?? humanise(child.key)}` }],
          agent: agentFor(stateMeta(child)?.owner ?? 'incident_commander'),
          on_completion: start,
        };
      }
      return;
    }
    emitAction(child, outcomes, next);
  };

  /** A condition step choosing among the states `node` leads to (or the single one's step itself). */
  const decisionStep = (node: AnyStateNode, targets: AnyStateNode[]): string => {
    // One outcome per step: final states of one compound all continue with the same step.
    const outcomes: [AnyStateNode, string][] = [];
    for (const target of targets) {
      if (!outcomes.some(([, entry]) => entry === entryOf(target))) outcomes.push([target, entryOf(target)]);
    }
    if (outcomes.length === 1) return outcomes[0]![1];
    const why = (target: AnyStateNode) =>
      [...node.transitions]
        .filter(([, list]) =>
          list.some((t) => ((t.target ?? []) as AnyStateNode[]).some((n) => isWithin(n, target))),
        )
        .map(([event]) => event)
        .join(' or ');
    const variable = `__${node.path.join('_').replace(/[^A-Za-z0-9_-]/g, '_')}_outcome__`;
    if (outcomes.length === 2) {
      const [first, second] = outcomes;
      const conditionId = id('if-condition', node.path.join('.'));
      workflow[conditionId] = {
        type: 'if-condition',
        name: `Decision after ${humanise(node.key)}`,
        description: `Which way the recorded decision went: ${outcomes.map(([n]) => `${humanise(n.key)} (${why(n)})`).join('; ')}`,
        condition: `${variable} = '${first![0].key}'`,
        on_true: first![1],
        on_false: second![1],
        on_completion: first![1],
        step_variables: { [variable]: { type: 'string', description: 'The state the decision led to' } },
      };
      return conditionId;
    }
    const switchId = id('switch-condition', node.path.join('.'));
    workflow[switchId] = {
      type: 'switch-condition',
      name: `Decision after ${humanise(node.key)}`,
      description: `Which way the recorded decision went: ${outcomes.map(([n]) => `${humanise(n.key)} (${why(n)})`).join('; ')}`,
      switch: variable,
      cases: Object.fromEntries(outcomes.map(([target, entry]) => [target.key, entry])),
      on_completion: outcomes[0]![1],
      step_variables: { [variable]: { type: 'string', description: 'The state the decision led to' } },
    };
    return switchId;
  };

  /** Emits a leaf state's action; `outcomes` are the states it leads to, none to go on with `next`. */
  const emitAction = (node: AnyStateNode, outcomes: AnyStateNode[], next: string): string => {
    const meta = stateMeta(node);
    const stateTimersOf: StateTimer[] = timers.get(node) ?? [];
    const handled = [...node.transitions.keys()].filter((type) =>
      definition.events.some((e) => e.type === type),
    );
    const activity = activityOf(node);
    activities.add(activity);
    const instructions = [
      node.description ?? humanise(node.key),
      ...(meta?.checklist ?? []).map((item) => `- ${item}`),
      ...(meta?.evidence?.length ? [`Evidence: ${meta.evidence.join('; ')}`] : []),
      ...(handled.length ? [`Record in holdfast: ${handled.join(', ')}`] : []),
      ...stateTimersOf.map((timer) => `Deadline: ${timer.label}`),
    ];
    const nominal = stateTimersOf.map((t) => t.nominalMs).filter((ms): ms is number => ms !== null && ms > 0);
    const actionId = stepId(node);
    const continuation = outcomes.length > 0 ? decisionStep(node, outcomes) : next;
    workflow[actionId] = {
      type: 'action',
      name: humanise(node.path.join(' / ')),
      description: node.description ?? humanise(node.key),
      ...(meta?.source
        ? { external_references: [{ name: meta.source, source: 'holdfast playbook meta.source' }] }
        : {}),
      ...(nominal.length > 0 ? { timeout: Math.min(...nominal) } : {}),
      // The instructions go in `description`: the official schemas' command-data admits no other text field.
      commands: [{ type: 'manual', description: instructions.join('\n'), playbook_activity: activity }],
      agent: agentFor(meta?.owner ?? 'incident_commander'),
      on_completion: continuation,
    };
    return actionId;
  };

  const start = id('start', 'start');
  const end = id('end', 'end');
  workflow[end] = { type: 'end', name: 'Incident closed' };
  workflow[start] = {
    type: 'start',
    name: 'Incident opened',
    on_completion: emit(definition.machine.root, end),
  };

  const marking = id('marking-tlp', options.tlp ?? 'TLP:CLEAR');
  const hasCondition = (type: string) => Object.values(workflow).some((step) => step.type === type);
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: `playbook--${uuidv5(definition.id, NAMESPACE)}`,
    name: `${definition.title} (v${definition.version})`,
    description: definition.summary,
    playbook_types: ['notification', 'investigation', 'mitigation', 'remediation'],
    playbook_activities: [...activities].sort(),
    playbook_processing_summary: {
      manual_playbook: true,
      parallel_processing: hasCondition('parallel'),
      if_logic: hasCondition('if-condition'),
      switch_logic: hasCondition('switch-condition'),
      temporal_logic: Object.values(workflow).some((step) => 'timeout' in step),
      data_markings: true,
    },
    created_by: createdBy,
    created,
    modified: created,
    labels: [definition.id, `version-${definition.version}`],
    external_references: definition.source.map((name) => ({ name })),
    markings: [marking],
    workflow_start: start,
    workflow,
    agent_definitions: agents,
    data_marking_definitions: {
      [marking]: {
        type: 'marking-tlp',
        id: marking,
        created_by: createdBy,
        created,
        tlpv2_level: options.tlp ?? 'TLP:CLEAR',
      },
    },
  };
}

/** The states `node`'s transitions enter, in document order. */
function successorsOf(node: AnyStateNode): AnyStateNode[] {
  const result = new Set<AnyStateNode>();
  const transitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
  for (const transition of transitions) {
    for (const target of (transition.target ?? []) as AnyStateNode[]) {
      const entered = enteredFrom(node, target);
      if (entered) result.add(entered);
    }
  }
  return [...result].sort((a, b) => a.order - b.order);
}

/**
 * The state a transition from `source` to `target` enters: a sibling of `source` or, when the transition
 * leaves an enclosing compound state (a decision inside `payment.open` leading to `payment.refused`), a sibling
 * of that ancestor. None when it stays inside `source` or crosses into another parallel region, which a
 * branch of a CACAO `parallel` step cannot jump to.
 */
function enteredFrom(source: AnyStateNode, target: AnyStateNode): AnyStateNode | undefined {
  for (let scope = source.parent; scope && scope.type !== 'parallel'; scope = scope.parent) {
    const entered = childUnder(target, scope);
    if (entered) return isWithin(source, entered) ? undefined : entered;
  }
  return undefined;
}

function isWithin(node: AnyStateNode, ancestor: AnyStateNode): boolean {
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

function childUnder(node: AnyStateNode, parent: AnyStateNode): AnyStateNode | undefined {
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    if (current.parent === parent) return current;
  }
  return undefined;
}

/** A CACAO playbook activity for a state, from the words of its name and description. */
function activityOf(node: AnyStateNode): string {
  const text = `${node.key} ${node.description ?? ''}`.toLowerCase();
  const table: [RegExp, string][] = [
    [/notif|notice|message|statement|disclos|announce|inform|report to|update/, 'deliver-content'],
    [/offline|disable|suspend|isolat|take .*down|block|throttl/, 'disconnect-system'],
    [/revok|reset|credential|access|mfa|lock/, 'restrict-access'],
    [
      /evidence|log|forensic|image|preserv|scope|investigat|analy|assess|verify|triage/,
      'analyze-collected-data',
    ],
    [/restor|rebuild|recover|return|re-?enable|online/, 'restore-capabilities'],
    [/fix|patch|remov|purge|eradicat|harden/, 'eliminate-risk'],
  ];
  return table.find(([pattern]) => pattern.test(text))?.[1] ?? 'identify-steps';
}
