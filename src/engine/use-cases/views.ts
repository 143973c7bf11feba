import { LRUCache } from 'lru-cache';
import type { AnyMachineSnapshot } from 'xstate';
import { type Actor, contextFacts, type UnstartedClock, unstartedClocks } from '../../playbook-kit';
import { Refusal } from '../errors';
import { timerEventType } from '../kernel';
import {
  type ActiveState,
  type AllowedEvent,
  activeStates,
  allowedEvents,
  publicTimerId,
  restoreSnapshot,
  timerKey,
} from '../machine-runtime';
import { armingStep, type OverdueItem, overdueItems } from '../overdue';
import { mermaidDiagram } from '../playbook-diagram';
import { canSeeMode } from '../policy';
import { isReminder } from '../reminders';
import type { EventRecord, IncidentFilter, IncidentMode, IncidentRow } from '../types';
import type { UseCaseContext } from './context';

/** The public view of an incident (DESIGN.md section 4). */
export interface IncidentView {
  id: string;
  playbookId: string;
  playbookVersion: number;
  title: string;
  severity: string;
  mode: IncidentMode;
  status: IncidentRow['status'];
  overdue: boolean;
  /** What fell due with its step not done, earliest first (`docs/decisions.md`, the overdue model). */
  overdueItems: OverdueItem[];
  /** Clocks whose regime applies to the incident but which never started: their anchor was never recorded. */
  clocksNotStarted: UnstartedClock[];
  state: unknown;
  active: ActiveState[];
  allowedEvents: AllowedEvent[];
  /** `routine`: a timer the playbook marks as coming round as a matter of course (`routineTimers`). */
  timers: {
    id: string;
    label: string;
    event: string;
    dueAt: string;
    routine: boolean;
    step: string | null;
  }[];
  /** The notification clocks still running (not filed, not overdue), soonest first. */
  clocks: { id: string; label: string; recipient: string; dueAt: string }[];
  /** The incident's IANA time zone, when its playbook names one. */
  timeZone: string | null;
  /** The incident's own now: the virtual clock of an exercise, the server's time otherwise. */
  clock: string;
  /** When it opened on its own clock (the demand received, an exercise's start). */
  openedAt: string;
  /** Who opened it (the actor of its first event). */
  openedBy: string | null;
  context: unknown;
  version: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** Reading incidents: the view the API answers with, listings, the event log, the diagram. */
export function views(ctx: UseCaseContext) {
  const { store, writeCache } = ctx;
  /** Who opened each incident: its first event never changes, so it is read once, not on every view. */
  const openers = new LRUCache<string, string>({ max: 10_000 });
  const openerOf = async (incidentId: string): Promise<string | null> => {
    const known = openers.get(incidentId);
    if (known !== undefined) return known;
    const [first] = await store.listEvents(incidentId, 0, 1);
    if (first) openers.set(incidentId, first.actor);
    return first?.actor ?? null;
  };

  /** The incident as the API shows it to a caller with these roles; `restored`: its snapshot, if at hand. */
  async function incidentView(
    row: IncidentRow,
    callerRoles: readonly string[],
    restored?: AnyMachineSnapshot,
  ): Promise<IncidentView> {
    const definition = ctx.definitionOf(row);
    const snapshot = restored ?? restoreSnapshot(definition, row.snapshot);
    const [timers, openedBy] = await Promise.all([store.listTimers(row.id), openerOf(row.id)]);
    const open = row.status === 'open';
    const facts = contextFacts(definition, snapshot.context);
    const routine = new Set(definition.routineTimers ?? []);
    return {
      id: row.id,
      playbookId: row.playbookId,
      playbookVersion: row.playbookVersion,
      title: row.title,
      severity: row.severity,
      mode: row.mode,
      status: row.status,
      overdue: row.overdue,
      overdueItems: open
        ? overdueItems(row.overdueItems, facts.clocks).map((item) => ({
            ...item,
            id: publicTimerId(item.id),
          }))
        : [],
      clocksNotStarted: unstartedClocks(
        Object.fromEntries(facts.clocks.map((clock) => [clock.id, clock])),
        facts.jurisdictions ?? [],
        facts.anchors,
      ),
      state: row.state,
      active: open ? activeStates(definition, snapshot) : [],
      allowedEvents: open ? allowedEvents(definition, snapshot, callerRoles, ctx.incidentNow(row)) : [],
      timers: timers
        .filter((timer) => !isReminder(timer))
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .map((timer) => ({
          id: publicTimerId(timer.timerId),
          label: timer.label,
          event: timerEventType(timer),
          dueAt: timer.dueAt,
          routine: routine.has(timerKey(timer.timerId)),
          step: open ? armingStep(definition, snapshot, timer.timerId) : null,
        })),
      clocks: open
        ? facts.clocks
            .filter((clock) => clock.state === 'running')
            .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
            .map(({ id, label, recipient, dueAt }) => ({ id, label, recipient, dueAt }))
        : [],
      timeZone: facts.timeZone,
      clock: ctx.incidentNow(row),
      openedAt: facts.openedAt ?? row.createdAt,
      openedBy,
      context: snapshot.context,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      closedAt: row.closedAt,
    };
  }

  async function getIncident(id: string, callerRoles: readonly string[]): Promise<IncidentView> {
    return incidentView(await ctx.loadIncident(id), callerRoles);
  }

  async function listIncidents(filter: IncidentFilter): Promise<IncidentRow[]> {
    return store.listIncidents(filter);
  }

  async function listEvents(
    incidentId: string,
    after: number,
    limit: number,
    actor?: Actor,
  ): Promise<EventRecord[]> {
    // Whether it exists and who may see it never change, so the write cache answers as well as a read.
    const known = writeCache.get(incidentId);
    if (!known || (actor && !canSeeMode(actor, known.mode))) await ctx.loadIncident(incidentId, actor);
    return store.listEvents(incidentId, after, limit);
  }

  /** The playbook's Mermaid diagram with the incident's active states marked; the incident must run `playbookId`. */
  async function incidentDiagram(
    playbookId: string,
    incidentId: string,
    actor?: Actor,
    track?: string,
  ): Promise<string> {
    const row = await ctx.loadIncident(incidentId, actor);
    if (row.playbookId !== playbookId) {
      throw new Refusal(
        'invalid_request',
        `incident ${incidentId} runs playbook ${row.playbookId}, not ${playbookId}`,
      );
    }
    const definition = ctx.definitionOf(row);
    const active =
      row.status === 'open' ? activeStates(definition, restoreSnapshot(definition, row.snapshot)) : [];
    return mermaidDiagram(definition, { active: active.map((state) => state.path), track });
  }

  return { incidentView, getIncident, listIncidents, listEvents, incidentDiagram };
}
