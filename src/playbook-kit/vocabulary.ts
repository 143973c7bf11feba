import { allStates, type PlaybookDefinition } from './define';
import { jsonSchemaOf } from './payload-rules';
import { optionsOf } from './steps';

/** Events the engine itself delivers to every playbook: XState's own, and timer fires. */
const engineEvents = (type: string) => type.startsWith('xstate.');

/**
 * What a playbook's statechart says that its declarations do not: an `on:` key that is neither a declared
 * client event nor one of its internal events, an `optionIs` option that the event's payload does not offer,
 * a state owned by a role the playbook does not bind.
 */
export function vocabularyProblems(definition: PlaybookDefinition): string[] {
  if (!definition.machine?.root) return [];
  const problems: string[] = [];
  const clientEvents = new Map(definition.events.map((event) => [event.type, event]));
  const internal = new Set(definition.internalEvents ?? []);
  for (const type of internal)
    if (clientEvents.has(type))
      problems.push(`event "${type}" is declared both as a client and an internal event`);
  for (const node of allStates(definition.machine.root)) {
    const where = `state ${node.path.join('.') || '(root)'}`;
    const owner = (node.meta as { owner?: unknown } | undefined)?.owner;
    if (typeof owner === 'string' && !(owner in definition.roles))
      problems.push(`${where} is owned by "${owner}", a role the playbook does not bind`);
    for (const [type, transitions] of node.transitions) {
      const event = clientEvents.get(type);
      if (!event && !internal.has(type) && !engineEvents(type)) {
        problems.push(
          `${where} handles "${type}", which is neither a client event nor an internal event of the playbook`,
        );
        continue;
      }
      if (!event) continue;
      const offered = optionValues(event.payload);
      for (const transition of transitions)
        for (const option of guardOptions(transition.guard))
          if (!offered.includes(option))
            problems.push(
              `${where} on ${type}: optionIs("${option}") is not an option of the event (${offered.join(', ') || 'none'})`,
            );
    }
  }
  return problems;
}

/** The values the `option` field of a payload schema allows. */
function optionValues(payload: PlaybookDefinition['events'][number]['payload']): string[] {
  const schema = jsonSchemaOf(payload) as { properties?: { option?: { enum?: unknown[]; const?: unknown } } };
  const option = schema.properties?.option;
  if (!option) return [];
  return (option.enum ?? (option.const === undefined ? [] : [option.const])).map(String);
}

/** Options named by `optionIs` guards anywhere in a guard tree (`and`, `or`, `not` included). */
function guardOptions(guard: unknown): string[] {
  if (typeof guard !== 'function') return [];
  const inner = (guard as { guards?: unknown[] }).guards ?? [];
  return [...(optionsOf(guard) ?? []), ...inner.flatMap(guardOptions)];
}
