import { createHash } from 'node:crypto';
import { contextFacts, type PlaybookDefinition, type TrackedClock } from '../playbook-kit';
import type { Effect } from './kernel';
import { publicTimerId, stateMeta } from './machine-runtime';
import { reminderEventType } from './reminders';
import type { EventRecord, IncidentRow, OutboxMessage, OutboxMessageType, OverdueItem } from './types';

/**
 * The outbox messages a committed write sends, computed from the incident before and after it, the events it
 * appended and the effects its transitions asked for; stored with the events in one transaction. Each is thin:
 * ids, types, labels, due times, state and a link. Free text (notes, event payloads, the opening input, which may
 * name evidence locations) goes in `details`, which only subscriptions asking for it receive.
 */
export function outboxMessages(
  definition: PlaybookDefinition,
  before: IncidentRow | null,
  after: IncidentRow,
  events: EventRecord[],
  effects: Effect[],
): OutboxMessage[] {
  const last = events.at(-1);
  if (!last) return [];
  const made = new Map<number, number>();
  /**
   * A message's id from what it comes with (its incident, its event, its place among that event's messages):
   * the same write computed again makes the same ids, and no two messages share one.
   */
  const messageId = (event: EventRecord) => {
    const nth = made.get(event.seq) ?? 0;
    made.set(event.seq, nth + 1);
    const digest = createHash('sha256').update(`${after.id}:${event.seq}:${nth}`).digest('hex');
    return `msg_${digest.slice(0, 32)}`;
  };
  const incident = {
    id: after.id,
    title: after.title,
    playbookId: after.playbookId,
    playbookVersion: after.playbookVersion,
    severity: after.severity,
    mode: after.mode,
  };
  const message = (
    event: EventRecord,
    type: OutboxMessageType,
    facts: Record<string, unknown>,
    details: Record<string, unknown> | null = null,
  ): OutboxMessage => ({
    id: messageId(event),
    incidentId: after.id,
    seq: event.seq,
    type,
    mode: after.mode,
    playbookId: after.playbookId,
    severity: after.severity,
    data: {
      ...(after.mode === 'exercise' && { subject: 'EXERCISE' }),
      mode: after.mode,
      incident,
      event: {
        seq: event.seq,
        type: event.type,
        source: event.source,
        actor: event.actor,
        occurredAt: event.occurredAt,
      },
      state: event.stateAfter,
      link: `/#/incidents/${after.id}`,
      ...facts,
    },
    details,
    createdAt: event.recordedAt,
  });

  const messages = events.map((event) => message(event, typeOf(event), timerFacts(event), detailsOf(event)));
  for (const effect of effects) {
    if (effect.type !== 'escalate') continue;
    const params = (effect.params ?? {}) as { timer?: string; label?: string };
    const item = after.overdueItems.find(
      (i) => publicTimerId(i.id) === params.timer || i.id === params.timer,
    );
    messages.push(
      message(last, 'incident.escalated', {
        escalation: {
          timer: params.timer ?? null,
          label: params.label ?? '',
          dueAt: item?.dueAt ?? effect.at,
          audience: audienceOf(definition, item),
        },
      }),
    );
  }
  const known = new Set((before?.overdueItems ?? []).map(itemKey));
  for (const item of after.overdueItems) {
    if (known.has(itemKey(item))) continue;
    messages.push(
      message(last, 'incident.overdue', {
        overdue: {
          kind: item.kind,
          id: publicTimerId(item.id),
          label: item.label,
          dueAt: item.dueAt,
          step: item.step,
        },
      }),
    );
  }
  const clocksBefore = new Map(clocksOf(definition, before).map((clock) => [clock.id, clock.state]));
  for (const clock of clocksOf(definition, after)) {
    if (clocksBefore.get(clock.id) === clock.state) continue;
    messages.push(
      message(last, 'clock.changed', {
        clock: {
          id: clock.id,
          regime: clock.regime,
          label: clock.label,
          recipient: clock.recipient,
          dueAt: clock.dueAt,
          state: clock.state,
          metAt: clock.metAt,
        },
      }),
    );
  }
  if (after.status === 'closed' && before?.status !== 'closed')
    messages.push(message(last, 'incident.closed', {}));
  return messages;
}

function typeOf(event: EventRecord): OutboxMessageType {
  if (event.type === 'incident.opened') return 'incident.opened';
  if (event.source === 'timer' && event.type === 'deadline.passed') return 'deadline.passed';
  if (event.source === 'timer' && event.type === reminderEventType) return 'deadline.reminder';
  return 'incident.event';
}

/** A timer event's due time and label: what a person must hear of a deadline that passed or soon will. */
function timerFacts(event: EventRecord): Record<string, unknown> {
  if (event.source !== 'timer') return {};
  const payload = (event.payload ?? {}) as {
    timer?: unknown;
    label?: unknown;
    dueAt?: unknown;
    before?: unknown;
  };
  if (event.type === reminderEventType) {
    return {
      reminder: { timer: payload.timer, label: payload.label, dueAt: payload.dueAt, before: payload.before },
    };
  }
  return {
    deadline: { timer: payload.timer ?? null, label: payload.label ?? '', dueAt: payload.dueAt ?? null },
  };
}

function detailsOf(event: EventRecord): Record<string, unknown> | null {
  const payload = event.payload as Record<string, unknown> | null;
  const hasPayload = payload !== null && typeof payload === 'object' && Object.keys(payload).length > 0;
  if (event.note === null && !hasPayload) return null;
  return { note: event.note, payload: event.payload };
}

const itemKey = (item: OverdueItem) => `${item.kind}:${item.id}:${item.dueAt}`;

function clocksOf(definition: PlaybookDefinition, row: IncidentRow | null): TrackedClock[] {
  const context = (row?.snapshot as { context?: unknown } | null)?.context;
  return row ? contextFacts(definition, context).clocks : [];
}

/** Who an escalation is for: the role owning the step that is not done. */
function audienceOf(definition: PlaybookDefinition, item: OverdueItem | undefined): string[] {
  if (!item?.step) return [];
  let node = definition.machine.root;
  for (const key of item.step.split('.')) {
    const child = node.states[key];
    if (!child) return [];
    node = child;
  }
  const owner = stateMeta(node)?.owner;
  return owner ? [owner] : [];
}
