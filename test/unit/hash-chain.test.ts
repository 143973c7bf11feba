import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { type EventRecord, GENESIS_HASH, hashEvent, verifyChain } from '../../src/engine';

function chain(n: number): EventRecord[] {
  const events: EventRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const facts = {
      incidentId: '00000000-0000-4000-8000-000000000001',
      seq,
      type: seq === 1 ? 'incident.opened' : 'note.added',
      payload: { text: `event ${seq}`, nested: { b: 2, a: 1 } },
      actor: 'rita',
      actorId: 'principal-rita',
      source: 'api' as const,
      occurredAt: new Date(Date.UTC(2026, 2, 8, 10, seq)).toISOString(),
      recordedAt: new Date(Date.UTC(2026, 2, 8, 10, seq)).toISOString(),
      stateAfter: { work: 'open' },
      note: null,
      idempotencyKey: null,
      requestHash: null,
      prevHash,
    };
    const event = { ...facts, hash: hashEvent(facts) };
    events.push(event);
    prevHash = event.hash;
  }
  return events;
}

describe('hash chain', () => {
  it('verifies an intact chain', () => {
    const events = chain(4);
    expect(verifyChain(events, events[3]!.hash, 4)).toEqual({ ok: true, events: 4, head: events[3]!.hash });
  });

  it('does not depend on key order (canonical JSON)', () => {
    const [event] = chain(1);
    const reordered = { ...event!, payload: { nested: { a: 1, b: 2 }, text: 'event 1' } };
    const { hash, ...facts } = reordered;
    expect(hashEvent(facts)).toBe(hash);
  });

  it.each([
    ['a changed payload', (e: EventRecord[]) => (e[1]!.payload = { text: 'forged' }), 2],
    ['a changed actor', (e: EventRecord[]) => (e[2]!.actor = 'mallory'), 3],
    ['a changed principal', (e: EventRecord[]) => (e[2]!.actorId = 'principal-mallory'), 3],
    ['a principal removed', (e: EventRecord[]) => (e[1]!.actorId = null), 2],
    ['a removed event', (e: EventRecord[]) => e.splice(1, 1), 3],
    ['a broken link', (e: EventRecord[]) => (e[3]!.prevHash = GENESIS_HASH), 4],
  ])('finds %s and names the first bad seq', (_label, tamper, firstBadSeq) => {
    const events = chain(4);
    const head = events[3]!.hash;
    tamper(events);
    const verdict = verifyChain(events, head, 4);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBadSeq).toBe(firstBadSeq);
  });

  it('verifies events sealed before events named their principal, by the formula they were sealed with', () => {
    const [event] = chain(1);
    const { hash: _hash, prevHash, actorId: _actorId, ...older } = event!;
    // The formula as it was: sha256(prev_hash ‖ canonical JSON of the facts), with no actorId among them.
    const sealedThen = createHash('sha256').update(prevHash).update(canonicalize(older)!).digest('hex');
    const legacy = { ...older, prevHash, actorId: null, hash: sealedThen };
    expect(verifyChain([legacy], sealedThen, 1)).toEqual({ ok: true, events: 1, head: sealedThen });
    expect(verifyChain([{ ...legacy, actorId: 'principal-mallory' }], sealedThen, 1).ok).toBe(false);
  });

  it('finds events missing at the end against the incident version', () => {
    const events = chain(4);
    const verdict = verifyChain(events.slice(0, 3), events[3]!.hash, 4);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 4 });
  });
});
