import { type AnyStateMachine, and, or, stateIn } from 'xstate';
import type { z } from 'zod';
import { clockTimerLabels } from './clock-tracking';
import {
  allStates,
  type ClientEventDef,
  definePlaybook,
  type PlaybookDefinition,
  type Severity,
  type StateMeta,
} from './define';
import { type KitGuard, type KitStateConfig, kit, openContext } from './kit';
import { evidenceEvent, evidenceRoot, type SharedTrack } from './shared-tracks';
import { deadlineLabels, declaredTimers, windowDelays } from './steps';

export interface CatalogueSpec {
  id: string;
  version: number;
  title: string;
  summary: string;
  source: readonly string[];
  roles: Readonly<Record<string, string>>;
  inputSchema: z.ZodType;
  defaultSeverity: (input: unknown) => Severity;
  /** The statechart's own description and meta (owner, checklist, evidence, source). */
  description: string;
  meta: StateMeta;
  /** The playbook's own client events; the shared tracks bring theirs. */
  events: readonly ClientEventDef[];
  /** Shared tracks (command first), then the playbook's own tracks, in display order. */
  shared: readonly SharedTrack[];
  tracks: Readonly<Record<string, KitStateConfig>>;
  /** Roles that may capture evidence (SM-EVIDENCE). */
  evidenceRoles: readonly string[];
  /** The seed case as an example incident (see `PlaybookDefinition.example`): the input its tests open with. */
  example: { openedAt: string; input: unknown };
  /** When this version was released (ISO 8601). */
  releasedAt: string;
}

/** A catalogue playbook: its example (typed as given, so tests can open it) and release date are always there. */
export type CataloguePlaybook<E extends CatalogueSpec['example'] = CatalogueSpec['example']> =
  PlaybookDefinition & { example: E; releasedAt: string };

/** The final children of a track, read from its config. */
const finalKeys = (config: KitStateConfig): string[] =>
  Object.entries(config.states ?? {})
    .filter(([, child]) => (child as KitStateConfig).type === 'final')
    .map(([key]) => key);

/**
 * Builds a catalogue playbook from the kit: the shared tracks and the playbook's own tracks as parallel
 * regions, evidence capture and timer escalations handled at the root, and `incident.closed` accepted only
 * when every task track has reached one of its final states.
 */
export function buildPlaybook<E extends CatalogueSpec['example']>(
  spec: CatalogueSpec & { example: E },
): CataloguePlaybook<E> {
  const taskTracks: Record<string, KitStateConfig> = { ...spec.tracks };
  const supportTracks = spec.shared.filter((shared) => shared.support);
  const built = (close: KitGuard) =>
    Object.fromEntries(spec.shared.map((shared) => [shared.key, shared.build(close)] as const));

  // The close guard needs the task tracks' final states, including the shared ones that are not support.
  const provisional = built(() => false);
  for (const shared of spec.shared) if (!shared.support) taskTracks[shared.key] = provisional[shared.key]!;
  const id = (path: string) => stateIn(`#${spec.id}.${path}`);
  // Command owns `incident.closed`: the support tracks close with it, never on their own.
  const close = and([
    id('command.active'),
    ...Object.entries(taskTracks).map(([key, config]) =>
      or(finalKeys(config).map((final) => id(`${key}.${final}`))),
    ),
  ]) as unknown as KitGuard;
  const shared = built(close);

  const order = [
    ...spec.shared.filter((s) => s.key === 'command').map((s) => s.key),
    ...spec.shared.filter((s) => !s.support).map((s) => s.key),
    ...Object.keys(spec.tracks),
    ...supportTracks.filter((s) => s.key !== 'command').map((s) => s.key),
  ];
  const states = Object.fromEntries(order.map((key) => [key, shared[key] ?? spec.tracks[key]!]));

  const created = kit.createMachine({
    id: spec.id,
    type: 'parallel',
    description: spec.description,
    meta: spec.meta,
    context: ({ input }) => openContext(spec.id, input),
    on: {
      ...evidenceRoot,
      'deadline.passed': {
        actions: [
          { type: 'recordEscalation' },
          {
            type: 'escalate',
            params: ({ event }) => ({ timer: event.timer ?? 'unknown', label: event.label ?? '' }),
          },
        ],
      },
    },
    states: states as Record<string, KitStateConfig>,
  });
  const { deadlines, windows } = declaredTimers(created.root);
  const machine = windows.length > 0 ? created.provide({ delays: windowDelays(windows) as never }) : created;

  const events = [...spec.shared.flatMap((s) => s.events), evidenceEvent(spec.evidenceRoles), ...spec.events];
  const owned = withDerivedOwners(machine as unknown as AnyStateMachine, events, spec);
  return definePlaybook({
    id: spec.id,
    version: spec.version,
    title: spec.title,
    summary: spec.summary,
    source: spec.source,
    roles: spec.roles,
    inputSchema: spec.inputSchema,
    defaultSeverity: spec.defaultSeverity,
    events: owned,
    internalEvents: ['deadline.passed', 'clock.due'],
    timerLabels: { ...deadlineLabels([...deadlines, ...windows]), ...clockTimerLabels },
    routineTimers: [...deadlines.filter((deadline) => deadline.routine), ...windows].map((timer) => timer.id),
    warnedTimers: deadlines.filter((deadline) => deadline.warned).map((deadline) => deadline.id),
    machine: machine as unknown as AnyStateMachine,
    example: spec.example,
    releasedAt: spec.releasedAt,
  }) as CataloguePlaybook<E>;
}

/**
 * Who owns each event, unless it names its owners: a shared track's events belong to that track, the root's
 * (evidence capture) to the whole machine, and a playbook's own event to the first of its own tracks that
 * handles it. The owners are the states of that track that handle the event; states of other tracks react.
 */
function withDerivedOwners(
  machine: AnyStateMachine,
  events: readonly ClientEventDef[],
  spec: Pick<CatalogueSpec, 'shared' | 'tracks'>,
): ClientEventDef[] {
  const handlersIn = (track: string, type: string): string[] =>
    allStates(machine.root.states[track]!)
      .filter((node) => node.transitions.has(type))
      .map((node) => node.path.join('.'));
  const sharedTrackOf = new Map(
    spec.shared.flatMap((shared) => shared.events.map((e) => [e.type, shared.key])),
  );
  return events.map((event) => {
    if (event.owners) return event;
    if (machine.root.transitions.has(event.type)) return { ...event, owners: [''] };
    const track =
      sharedTrackOf.get(event.type) ??
      Object.keys(spec.tracks).find((key) => handlersIn(key, event.type).length > 0);
    return track ? { ...event, owners: handlersIn(track, event.type) } : event;
  });
}
