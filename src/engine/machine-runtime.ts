import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  initialTransition,
  transition,
} from 'xstate';
import {
  type Actor,
  type ClientEventDef,
  type HoldfastEvent,
  type IncidentInput,
  isOwnedBy,
  type PlaybookDefinition,
  type StateMeta,
} from '../playbook-kit';
import { mayActAs } from './policy';

/** What a transition asked for, as data: the engine executes none of it inside a request. */
export interface StepResult {
  snapshot: AnyMachineSnapshot;
  timers: TimerChanges;
  /** Custom actions a playbook declares (not `xstate.*`), recorded, never executed here. */
  effects: { type: string; params?: unknown }[];
}

export interface PendingTimer {
  timerId: string;
  event: { type: string; [key: string]: unknown };
  label: string;
  dueAt: string;
}

export interface TimerChanges {
  add: PendingTimer[];
  remove: string[];
}

interface ActionLike {
  type: string;
  params?: unknown;
}

export function openSnapshot(definition: PlaybookDefinition, input: IncidentInput): StepResult {
  const [snapshot, actions] = initialTransition(definition.machine, input);
  return toStepResult(definition, snapshot, actions as ActionLike[], input.at);
}

export function restoreSnapshot(definition: PlaybookDefinition, persisted: unknown): AnyMachineSnapshot {
  return definition.machine.resolveState(persisted as Parameters<AnyStateMachine['resolveState']>[0]);
}

export function persistSnapshot(definition: PlaybookDefinition, snapshot: AnyMachineSnapshot): unknown {
  return definition.machine.getPersistedSnapshot(snapshot);
}

export function step(
  definition: PlaybookDefinition,
  snapshot: AnyMachineSnapshot,
  event: HoldfastEvent,
): StepResult {
  const [next, actions] = transition(definition.machine, snapshot, event);
  return toStepResult(definition, next, actions as ActionLike[], event.at);
}

function toStepResult(
  definition: PlaybookDefinition,
  snapshot: AnyMachineSnapshot,
  actions: ActionLike[],
  at: string,
): StepResult {
  const timers: TimerChanges = { add: [], remove: [] };
  const effects: StepResult['effects'] = [];
  for (const action of actions) {
    if (action.type === 'xstate.raise' || action.type === 'xstate.sendTo') {
      const params = action.params as { event: PendingTimer['event']; id?: string; delay?: number };
      if (params.delay === undefined) continue;
      if (!params.id) throw new Error(`${definition.id}: a delayed ${params.event.type} has no id`);
      const timerId = params.id;
      timers.add = timers.add.filter((timer) => timer.timerId !== timerId);
      timers.remove = timers.remove.filter((id) => id !== timerId);
      timers.add.push({
        timerId,
        event: params.event,
        label: timerLabel(definition, timerId),
        dueAt: new Date(Date.parse(at) + params.delay).toISOString(),
      });
    } else if (action.type === 'xstate.cancel') {
      const { sendId } = action.params as { sendId: string };
      const scheduledNow = timers.add.some((timer) => timer.timerId === sendId);
      timers.add = timers.add.filter((timer) => timer.timerId !== sendId);
      if (!scheduledNow && !timers.remove.includes(sendId)) timers.remove.push(sendId);
    } else if (!action.type.startsWith('xstate.')) {
      effects.push({ type: action.type, params: action.params });
    }
  }
  return { snapshot, timers, effects };
}

/** `after` timers are named `xstate.after.<delayName>.<stateId>`; a delayed raise by its explicit id. */
export function timerLabel(definition: PlaybookDefinition, timerId: string): string {
  return definition.timerLabels[timerKey(timerId)] ?? timerId;
}

/** The delay name (or milliseconds) of an `xstate.after.*` timer id; any other id as it is. */
export function timerKey(timerId: string): string {
  return timerId.startsWith('xstate.after.') ? timerId.slice('xstate.after.'.length).split('.')[0]! : timerId;
}

/**
 * A timer id as the API shows it: XState's `xstate.after.<delay>.<state id>` becomes `<delay>:<state id>`
 * (still unique: one state arms a delay once); a delayed raise keeps its own id.
 */
export function publicTimerId(timerId: string): string {
  if (!timerId.startsWith('xstate.after.')) return timerId;
  const [delay, ...state] = timerId.slice('xstate.after.'.length).split('.');
  return `${delay}:${state.join('.')}`;
}

export interface ActiveState {
  path: string;
  title: string;
  description: string;
  owner: string | null;
  checklist: string[];
}

/** The active leaf states, one per running track, with what views need to explain them. */
export function activeStates(definition: PlaybookDefinition, snapshot: AnyMachineSnapshot): ActiveState[] {
  const leaves: AnyStateNode[] = [];
  const walk = (node: AnyStateNode, value: unknown) => {
    if (typeof value === 'string') {
      const child = node.states[value];
      if (child) leaves.push(child);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [key, sub] of Object.entries(value)) {
        const child = node.states[key];
        if (child) walk(child, sub);
      }
    }
  };
  walk(definition.machine.root, snapshot.value);
  return leaves.map((node) => {
    const meta = stateMeta(node);
    return {
      path: node.path.join('.'),
      title: humanise(node.key),
      description: node.description ?? '',
      owner: meta?.owner ?? null,
      checklist: meta?.checklist ?? [],
    };
  });
}

export function stateMeta(node: AnyStateNode): StateMeta | undefined {
  return node.meta as StateMeta | undefined;
}

export function humanise(key: string): string {
  const words = key.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface AllowedEvent {
  type: string;
  title: string;
  roles: string[];
  /** Whether the caller's roles may send it. */
  permitted: boolean;
  /** The tracks whose steps take it (empty: the whole incident's, e.g. evidence capture). */
  tracks: string[];
}

const probeActor: Actor = { id: 'holdfast:probe', name: 'probe', roles: ['admin'] };

/**
 * Whether the incident accepts a client event now: a transition of one of the event's owning steps takes it,
 * with this payload and actor. Transitions elsewhere (clocks, bookkeeping, other tracks reacting) run along
 * with it but never make it acceptable on their own.
 */
export function acceptsEvent(
  definition: PlaybookDefinition,
  snapshot: AnyMachineSnapshot,
  clientEvent: ClientEventDef,
  event: HoldfastEvent,
): boolean {
  if (snapshot.status !== 'active' || !clientEvent.owners?.length) return false;
  const owners = clientEvent.owners;
  return definition.machine
    .getTransitionData(snapshot, event)
    .some((transition) => isOwnedBy(owners, transition.source.path.join('.')));
}

/**
 * The client events the current state accepts: an event counts when an owning step accepts it with at least
 * one of its example payloads. Rules that depend on the payload (e.g. the pay gate) are checked again, with the
 * real payload, when the event is posted.
 */
export function allowedEvents(
  definition: PlaybookDefinition,
  snapshot: AnyMachineSnapshot,
  callerRoles: readonly string[],
  at: string,
): AllowedEvent[] {
  if (snapshot.status !== 'active') return [];
  const actor = { ...probeActor, roles: ['admin', ...Object.keys(definition.roles)] };
  const activePaths = snapshot._nodes.map((node: AnyStateNode) => node.path.join('.'));
  return definition.events
    .filter(
      (event) =>
        // Probing costs a whole transition: only events an active owning state could take are probed.
        activePaths.some((path) => isOwnedBy(event.owners ?? [], path)) &&
        event.examples.some((example) => {
          // Probe exactly what POST …/events would apply: the example as the payload schema parses it.
          const parsed = event.payload.safeParse(example);
          return (
            parsed.success &&
            acceptsEvent(definition, snapshot, event, { type: event.type, payload: parsed.data, at, actor })
          );
        }),
    )
    .map((event) => ({
      type: event.type,
      title: event.title,
      roles: [...event.roles],
      permitted: mayActAs(callerRoles, event.roles),
      tracks: [
        ...new Set((event.owners ?? []).filter((owner) => owner !== '').map((owner) => owner.split('.')[0]!)),
      ],
    }));
}
