import type { EventRecord } from '../engine';
import type { Condition, Matcher } from './scenario';
import { durationMs } from './scenario';
import { offsetText } from './time-text';

/**
 * Matching scenario expectations and conditions against the facts of an exercise incident: its
 * append-only event log (events, state after each, payloads), per the matcher semantics of §4.4.
 */

export interface Match {
  seq: number;
  at: string;
}

type Payload = Record<string, unknown>;
const payloadOf = (event: EventRecord): Payload =>
  event.payload && typeof event.payload === 'object' ? (event.payload as Payload) : {};

/** Whether a state value (XState's nested object) is in `path`, e.g. "containment.immediate.site.offline". */
export function valueMatches(value: unknown, path: string): boolean {
  const [head, ...rest] = path.split('.');
  if (typeof value === 'string') return rest.length === 0 && value === head;
  if (!value || typeof value !== 'object' || !head) return false;
  const child = (value as Record<string, unknown>)[head];
  if (child === undefined) return false;
  return rest.length === 0 || valueMatches(child, rest.join('.'));
}

const subset = (payload: Payload, wanted: Payload): boolean =>
  Object.entries(wanted).every(([key, value]) => JSON.stringify(payload[key]) === JSON.stringify(value));

/** The kinds of evidence an event records: the kit's `evidence.captured` or a list of items with kinds. */
function evidenceKinds(event: EventRecord): string[] {
  const payload = payloadOf(event);
  const kinds: string[] = [];
  if (typeof payload.kind === 'string' && event.type.startsWith('evidence.')) kinds.push(payload.kind);
  if (Array.isArray(payload.items)) {
    for (const item of payload.items) {
      if (item && typeof item === 'object' && typeof (item as Payload).kind === 'string')
        kinds.push((item as Payload).kind as string);
    }
  }
  return kinds;
}

/** Messages sent (SM-COMMS): `message.sent` joined with its draft's audience. */
function audiencesSent(events: readonly EventRecord[], upTo: number): Map<number, string> {
  const drafts = new Map<string, string>();
  const sent = new Map<number, string>();
  for (const event of events) {
    if (event.seq > upTo) break;
    const payload = payloadOf(event);
    if (event.type === 'message.drafted') drafts.set(String(payload.messageId), String(payload.audience));
    if (event.type === 'message.sent') {
      const audience = drafts.get(String(payload.messageId));
      if (audience) sent.set(event.seq, audience);
    }
  }
  return sent;
}

/** Whether one event is the fact a matcher looks for: one of event, state, decision or evidence. */
function isMatch(event: EventRecord, matcher: Matcher): boolean {
  if ('event' in matcher)
    return event.type === matcher.event && subset(payloadOf(event), matcher.payload ?? {});
  if ('state' in matcher) return valueMatches(event.stateAfter, matcher.state);
  if ('decision' in matcher)
    return (
      event.type === matcher.decision.event &&
      (matcher.decision.option === undefined || payloadOf(event).option === matcher.decision.option)
    );
  if ('evidence' in matcher) return evidenceKinds(event).includes(matcher.evidence.kind);
  return false;
}

/** A sequence or a message is a fact of several events (parts in order; a draft and its sending). */
const spansEvents = (matcher: Matcher) => 'sequence' in matcher || 'message' in matcher;

/** The first fact matching `matcher` strictly after `afterSeq`, or null. */
export function firstMatch(events: readonly EventRecord[], matcher: Matcher, afterSeq = 0): Match | null {
  const hit = (event: EventRecord): Match => ({ seq: event.seq, at: event.occurredAt });
  const after = events.filter((event) => event.seq > afterSeq);
  if ('sequence' in matcher) {
    // In order: each part at or after the previous one (one event may record two parts, e.g. two evidence items).
    let last: Match | null = { seq: afterSeq + 1, at: '' };
    for (const part of matcher.sequence) {
      last = firstMatch(events, part, last.seq - 1);
      if (!last) return null;
    }
    return last;
  }
  if ('message' in matcher) {
    const sent = audiencesSent(events, Number.POSITIVE_INFINITY);
    const found = after.find((e) => sent.get(e.seq) === matcher.message.audience);
    return found ? hit(found) : null;
  }
  const found = after.find((e) => isMatch(e, matcher));
  return found ? hit(found) : null;
}

/** Why a matcher has no match: what is missing, and for a sequence which parts came out of order. */
export function explainMiss(events: readonly EventRecord[], matcher: Matcher, startMs: number): string {
  if (!('sequence' in matcher)) return `no ${describeMatcher(matcher)} was recorded`;
  const parts = matcher.sequence;
  const found = parts.map((part) => firstMatch(events, part, 0));
  const when = (match: Match) => `T+${offsetText(Date.parse(match.at) - startMs)}`;
  const problems: string[] = [];
  parts.forEach((part, i) => {
    if (!found[i]) problems.push(`no ${describeMatcher(part)} was recorded`);
  });
  parts.forEach((early, i) => {
    parts.forEach((late, j) => {
      const a = found[i];
      const b = found[j];
      if (j > i && a && b && b.seq < a.seq) {
        problems.push(
          `${describeMatcher(late)} (${when(b)}) came before ${describeMatcher(early)} (${when(a)})`,
        );
      }
    });
  });
  return problems.join('; ') || 'the parts happened, but not in order';
}

export function describeMatcher(matcher: Matcher): string {
  if ('sequence' in matcher) return matcher.sequence.map(describeMatcher).join(', then ');
  if ('event' in matcher) return `event ${matcher.event}`;
  if ('state' in matcher) return `state ${matcher.state}`;
  if ('decision' in matcher)
    return `decision ${matcher.decision.event}${matcher.decision.option ? ` = ${matcher.decision.option}` : ''}`;
  if ('evidence' in matcher) return `evidence "${matcher.evidence.kind}"`;
  return `message sent to ${matcher.message.audience}`;
}

/**
 * Conditions checked again and again over one incident's log, which only grows (the injects waiting on theirs):
 * each matcher remembers how far it has read and whether it matched, so a check reads only the events added
 * since the last one.
 */
export class ConditionChecker {
  private readonly read = new Map<Matcher, { upTo: number; matched: boolean }>();

  constructor(private readonly startMs: number) {}

  /** Whether `condition` holds at virtual time `nowMs` over `events`, the log so far. */
  holds(condition: Condition, events: readonly EventRecord[], nowMs: number): boolean {
    if ('all' in condition) return condition.all.every((c) => this.holds(c, events, nowMs));
    if ('any' in condition) return condition.any.some((c) => this.holds(c, events, nowMs));
    if ('not' in condition) return !this.holds(condition.not, events, nowMs);
    if ('after' in condition) return nowMs >= this.startMs + durationMs(condition.after);
    return this.matched(condition, events);
  }

  private matched(matcher: Matcher, events: readonly EventRecord[]): boolean {
    let seen = this.read.get(matcher);
    if (!seen) {
      seen = { upTo: 0, matched: false };
      this.read.set(matcher, seen);
    }
    if (!seen.matched && seen.upTo < events.length) {
      seen.matched = spansEvents(matcher)
        ? firstMatch(events, matcher) !== null
        : events.slice(seen.upTo).some((event) => isMatch(event, matcher));
      seen.upTo = events.length;
    }
    return seen.matched;
  }
}

/** Every `after` instant a condition mentions, as offsets from T0: the moments it may turn true by time alone. */
export function conditionTimes(condition: Condition): number[] {
  if ('all' in condition) return condition.all.flatMap(conditionTimes);
  if ('any' in condition) return condition.any.flatMap(conditionTimes);
  if ('not' in condition) return conditionTimes(condition.not);
  if ('after' in condition) return [durationMs(condition.after)];
  return [];
}
