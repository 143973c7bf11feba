import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditBundle,
  type Checkpoint,
  type EventRecord,
  GENESIS_HASH,
  hashEvent,
  Keyring,
  keyIdOf,
  verifyAuditBundle,
  verifyCheckpoints,
} from '../../src/engine';

const incidentId = '00000000-0000-4000-8000-000000000001';
const signedAt = '2026-03-08T12:00:00.000Z';
const newKey = () => generateKeyPairSync('ed25519').privateKey;

function chain(n: number, payloadOf = (seq: number): unknown => ({ text: `event ${seq}` })): EventRecord[] {
  const events: EventRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const facts = {
      incidentId,
      seq,
      type: 'note.added',
      payload: payloadOf(seq),
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

/** One checkpoint per event, as every write makes. */
const sealEach = (keyring: Keyring, events: EventRecord[]): Checkpoint[] =>
  events.map((event) => keyring.sign({ incidentId, seq: event.seq, hash: event.hash, signedAt }));

describe('signed checkpoints', () => {
  it('names a key by the SHA-256 of its public key (SPKI DER)', () => {
    const privateKey = newKey();
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    expect(new Keyring(privateKey).keyId).toBe(createHash('sha256').update(spki).digest('hex'));
  });

  it('accepts a history whose every checkpoint matches and whose latest covers the last event', () => {
    const keyring = new Keyring(newKey());
    const events = chain(5);
    expect(verifyCheckpoints(events, sealEach(keyring, events), keyring.publicKeys())).toEqual({
      ok: true,
      seq: 5,
      keyId: keyring.keyId,
      signedAt,
    });
  });

  it('catches a re-sealed rewrite (seq 3 changed, every later hash recomputed) and names seq 3', () => {
    const keyring = new Keyring(newKey());
    const original = chain(6);
    const checkpoints = sealEach(keyring, original);
    const forged = chain(6, (seq) => (seq === 3 ? { text: 'forged' } : { text: `event ${seq}` }));
    expect(forged[1]!.hash).toBe(original[1]!.hash);
    expect(forged[5]!.hash).not.toBe(original[5]!.hash);
    expect(verifyCheckpoints(forged, checkpoints, keyring.publicKeys())).toMatchObject({
      ok: false,
      seq: 6,
      firstBadSeq: 3,
      reason: 'the history differs from what was signed: rewritten at seq 3',
    });
  });

  it('names the range when checkpoints are sparser than events', () => {
    const keyring = new Keyring(newKey());
    const original = chain(6);
    const checkpoints = sealEach(keyring, original).filter((c) => c.seq % 3 === 0);
    const forged = chain(6, (seq) => (seq === 5 ? { text: 'forged' } : { text: `event ${seq}` }));
    expect(verifyCheckpoints(forged, checkpoints, keyring.publicKeys())).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      reason: 'the history differs from what was signed: rewritten at seqs 4–6',
    });
  });

  it('refuses events appended after the latest checkpoint, and events removed before it', () => {
    const keyring = new Keyring(newKey());
    const events = chain(4);
    const checkpoints = sealEach(keyring, events.slice(0, 3));
    expect(verifyCheckpoints(events, checkpoints, keyring.publicKeys())).toMatchObject({
      ok: false,
      seq: 3,
      firstBadSeq: 4,
      reason: 'events after seq 3 are not covered by a signed checkpoint',
    });
    expect(verifyCheckpoints(events.slice(0, 2), checkpoints, keyring.publicKeys())).toMatchObject({
      ok: false,
      firstBadSeq: 3,
    });
    expect(verifyCheckpoints(events, [], keyring.publicKeys())).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('refuses a checkpoint signed by a key it does not trust, or with a signature that does not hold', () => {
    const trusted = new Keyring(newKey());
    const impostor = new Keyring(newKey());
    const events = chain(2);
    expect(verifyCheckpoints(events, sealEach(impostor, events), trusted.publicKeys())).toMatchObject({
      ok: false,
      keyId: impostor.keyId,
      reason: `the checkpoint at seq 2 is signed by key ${impostor.keyId}, which is not trusted`,
    });
    const checkpoints = sealEach(trusted, events);
    const moved = { ...checkpoints[1]!, signedAt: '2027-01-01T00:00:00.000Z' };
    expect(verifyCheckpoints(events, [checkpoints[0]!, moved], trusted.publicKeys())).toMatchObject({
      ok: false,
      reason: 'the signature of the checkpoint at seq 2 is not valid',
    });
  });

  it('keeps checkpoints of a retired key verifiable after a rotation', () => {
    const old = newKey();
    const before = new Keyring(old);
    const after = new Keyring(newKey(), [createPublicKey(old)]);
    const events = chain(3);
    const checkpoints = [...sealEach(before, events.slice(0, 2)), ...sealEach(after, events.slice(2))];
    expect(verifyCheckpoints(events, checkpoints, after.publicKeys(), { signatures: 'all' }).ok).toBe(true);
    expect(after.published().map((key) => [key.keyId, key.status])).toEqual([
      [after.keyId, 'current'],
      [before.keyId, 'retired'],
    ]);
  });
});

describe('audit bundles', () => {
  const bundleOf = (keyring: Keyring, events: EventRecord[], checkpoints: Checkpoint[]): AuditBundle => ({
    format: 'holdfast.audit-bundle.v1',
    exportedAt: signedAt,
    incident: {
      id: incidentId,
      playbookId: 'drill',
      playbookVersion: 1,
      title: 'Drill',
      mode: 'live',
      status: 'open',
      version: events.length,
      headHash: events.at(-1)!.hash,
      createdAt: events[0]!.occurredAt,
    },
    events,
    checkpoints,
    publicKeys: keyring.published(),
  });

  it('verifies against the trusted key it is given, not the keys the bundle carries', () => {
    const server = new Keyring(newKey());
    const forger = new Keyring(newKey());
    const events = chain(3);
    expect(
      verifyAuditBundle(bundleOf(server, events, sealEach(server, events)), [
        createPublicKey(server.published()[0]!.publicKeyPem),
      ]).ok,
    ).toBe(true);
    const forged = verifyAuditBundle(bundleOf(forger, events, sealEach(forger, events)), [
      createPublicKey(server.published()[0]!.publicKeyPem),
    ]);
    expect(forged).toMatchObject({ ok: false, incidentId, checkpoint: { ok: false, keyId: forger.keyId } });
    expect(forged.reason).toContain('not trusted');
  });

  it('checks every signature, not only the latest', () => {
    const keyring = new Keyring(newKey());
    const events = chain(3);
    const checkpoints = sealEach(keyring, events);
    checkpoints[0] = { ...checkpoints[0]!, signature: checkpoints[1]!.signature };
    const verdict = verifyAuditBundle(bundleOf(keyring, events, checkpoints), [
      createPublicKey(keyring.published()[0]!.publicKeyPem),
    ]);
    expect(verdict).toMatchObject({
      ok: false,
      reason: 'the signature of the checkpoint at seq 1 is not valid',
    });
  });

  it('reports a broken chain before a checkpoint that disagrees later', () => {
    const keyring = new Keyring(newKey());
    const events = chain(4);
    const checkpoints = sealEach(keyring, events);
    events[1] = { ...events[1]!, payload: { text: 'edited without rehashing' } };
    const verdict = verifyAuditBundle(bundleOf(keyring, events, checkpoints), [
      createPublicKey(keyring.published()[0]!.publicKeyPem),
    ]);
    expect(verdict).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      reason: 'hash does not match the event facts',
    });
  });

  it('refuses what is not a bundle', () => {
    expect(() => verifyAuditBundle({ events: [] }, [])).toThrow('not a holdfast audit bundle');
  });

  it('computes key ids the same way for a key read back from its PEM', () => {
    const keyring = new Keyring(newKey());
    expect(keyIdOf(createPublicKey(keyring.published()[0]!.publicKeyPem))).toBe(keyring.keyId);
  });
});
