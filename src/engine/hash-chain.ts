import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventRecord } from './types';

/** The `prev_hash` of an incident's first event. */
export const GENESIS_HASH = '0'.repeat(64);

type EventFacts = Omit<EventRecord, 'hash'>;

/**
 * sha256(prev_hash ‖ canonical JSON (RFC 8785) of the row's facts). An event recorded before events named
 * their principal has no `actorId`: it is left out of the facts, so those events keep the hash they were
 * sealed with.
 */
export function hashEvent(facts: EventFacts): string {
  const { prevHash, actorId, ...rest } = facts;
  const canonical = canonicalize(actorId === null || actorId === undefined ? rest : { ...rest, actorId });
  if (canonical === undefined) throw new Error('event facts are not serialisable');
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

export interface ChainVerdict {
  ok: boolean;
  events: number;
  head: string;
  firstBadSeq?: number;
  reason?: string;
}

/** Recomputes the chain: each event must link to its predecessor, hash to its stored hash, and follow seq 1, 2, 3… */
export function verifyChain(
  events: readonly EventRecord[],
  expectedHead: string,
  expectedVersion: number,
): ChainVerdict {
  let prev = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const bad = (reason: string): ChainVerdict => ({
      ok: false,
      events: events.length,
      head: prev,
      firstBadSeq: event.seq,
      reason,
    });
    if (event.seq !== index + 1) return bad(`expected seq ${index + 1}`);
    if (event.prevHash !== prev) return bad('prev_hash does not match the previous event');
    const { hash, ...facts } = event;
    if (hashEvent(facts) !== hash) return bad('hash does not match the event facts');
    prev = hash;
  }
  if (events.length !== expectedVersion) {
    return {
      ok: false,
      events: events.length,
      head: prev,
      firstBadSeq: events.length + 1,
      reason: `incident version ${expectedVersion} but ${events.length} events`,
    };
  }
  if (prev !== expectedHead) {
    return {
      ok: false,
      events: events.length,
      head: prev,
      firstBadSeq: events.length,
      reason: 'incident head hash does not match the last event',
    };
  }
  return { ok: true, events: events.length, head: prev };
}
