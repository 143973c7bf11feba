import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventRecord } from './types';

/**
 * A signed statement that an incident's history, up to `seq`, ends in `hash`: made with a key the database
 * never sees, so whoever can rewrite the rows (and recompute the hash chain) still cannot re-sign it.
 */
export interface Checkpoint {
  incidentId: string;
  seq: number;
  hash: string;
  signedAt: string;
  /** SHA-256 (hex) of the signing key's public key in SPKI DER form. */
  keyId: string;
  /** Ed25519 signature of `checkpointMessage(...)`, base64. */
  signature: string;
}

export type CheckpointHead = Pick<Checkpoint, 'incidentId' | 'seq' | 'hash' | 'signedAt'>;

/** The bytes a checkpoint signs: canonical JSON, with a format tag so the signature means nothing else. */
export function checkpointMessage(head: CheckpointHead): Buffer {
  const { incidentId, seq, hash, signedAt } = head;
  return Buffer.from(
    canonicalize({ format: 'holdfast.checkpoint.v1', incidentId, seq, hash, signedAt }) as string,
    'utf8',
  );
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** A public key as `GET /v1/keys` and audit bundles publish it. */
export interface PublishedKey {
  keyId: string;
  algorithm: 'Ed25519';
  /** `current` signs new checkpoints; `retired` ones only verify older checkpoints. */
  status: 'current' | 'retired';
  publicKeyPem: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string };
}

/**
 * The server's signing key and every public key it trusts: the current one and the retired ones, so
 * checkpoints signed before a rotation still verify.
 */
export class Keyring {
  readonly keyId: string;
  private readonly trusted = new Map<string, { publicKey: KeyObject; status: PublishedKey['status'] }>();

  constructor(
    private readonly privateKey: KeyObject,
    retired: readonly KeyObject[] = [],
  ) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the signing key must be an Ed25519 key');
    const publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(publicKey);
    for (const key of retired) this.trusted.set(keyIdOf(key), { publicKey: key, status: 'retired' });
    this.trusted.set(this.keyId, { publicKey, status: 'current' });
  }

  sign(head: CheckpointHead): Checkpoint {
    const signature = sign(null, checkpointMessage(head), this.privateKey).toString('base64');
    return { ...head, keyId: this.keyId, signature };
  }

  /**
   * A 32-byte secret for `purpose`, the same wherever this signing key is (Ed25519 signatures are
   * deterministic): instances sharing the key file share it, and nothing else need be kept.
   */
  derivedKey(purpose: string): Buffer {
    return createHash('sha256')
      .update(sign(null, Buffer.from(`holdfast.derived-key.v1:${purpose}`), this.privateKey))
      .digest();
  }

  /** The trusted public keys by key id. */
  publicKeys(): ReadonlyMap<string, KeyObject> {
    return new Map([...this.trusted].map(([id, { publicKey }]) => [id, publicKey]));
  }

  published(): PublishedKey[] {
    return [...this.trusted]
      .map(([keyId, { publicKey, status }]) => publishKey(keyId, publicKey, status))
      .sort((a, b) =>
        a.status === b.status ? a.keyId.localeCompare(b.keyId) : a.status === 'current' ? -1 : 1,
      );
  }
}

export function publishKey(
  keyId: string,
  publicKey: KeyObject,
  status: PublishedKey['status'],
): PublishedKey {
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  return {
    keyId,
    algorithm: 'Ed25519',
    status,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: keyId },
  };
}

/** Why the checkpoint's signature does not hold under `trusted` keys, or null when it does. */
export function signatureProblem(
  checkpoint: Checkpoint,
  trusted: ReadonlyMap<string, KeyObject>,
): string | null {
  const publicKey = trusted.get(checkpoint.keyId);
  if (!publicKey)
    return `the checkpoint at seq ${checkpoint.seq} is signed by key ${checkpoint.keyId}, which is not trusted`;
  let valid = false;
  try {
    valid = verify(
      null,
      checkpointMessage(checkpoint),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {}
  return valid ? null : `the signature of the checkpoint at seq ${checkpoint.seq} is not valid`;
}

export interface CheckpointVerdict {
  ok: boolean;
  /** The latest checkpoint: the seq its signature covers, by which key, when. */
  seq?: number;
  keyId?: string;
  signedAt?: string;
  firstBadSeq?: number;
  reason?: string;
}

/**
 * Checks an incident's whole log (in seq order, its hash chain already verified) against its checkpoints (in
 * seq order): the latest must be validly signed by a trusted key and cover the last event, and every
 * checkpoint's hash must be the hash of the event at its seq. `signatures: 'all'` checks every signature, not
 * only the latest's (offline audits; the server checks the latest on each verify).
 *
 * A rewrite that re-seals the chain (an event changed and every later hash recomputed) keeps the chain
 * consistent but changes the hash at every later seq: the first checkpoint that disagrees names the first
 * rewritten event (exactly, when every write has its checkpoint).
 */
export function verifyCheckpoints(
  events: readonly EventRecord[],
  checkpoints: readonly Checkpoint[],
  trusted: ReadonlyMap<string, KeyObject>,
  options: { signatures: 'latest' | 'all' } = { signatures: 'latest' },
): CheckpointVerdict {
  const latest = checkpoints.at(-1);
  if (!latest) {
    return {
      ok: false,
      firstBadSeq: events.length > 0 ? 1 : undefined,
      reason: 'no signed checkpoint: nothing vouches for this history',
    };
  }
  const covered = { seq: latest.seq, keyId: latest.keyId, signedAt: latest.signedAt };
  const toCheck = options.signatures === 'all' ? checkpoints : [latest];
  for (const checkpoint of toCheck) {
    const problem = signatureProblem(checkpoint, trusted);
    if (problem) return { ok: false, ...covered, reason: problem };
  }
  let lastGood = 0;
  for (const checkpoint of checkpoints) {
    const event = events[checkpoint.seq - 1];
    if (!event) {
      return {
        ok: false,
        ...covered,
        firstBadSeq: events.length + 1,
        reason: `a checkpoint signed seq ${checkpoint.seq} but the log ends at seq ${events.length}: events were removed`,
      };
    }
    if (event.hash !== checkpoint.hash || event.incidentId !== checkpoint.incidentId) {
      const where =
        checkpoint.seq === lastGood + 1 ? `seq ${checkpoint.seq}` : `seqs ${lastGood + 1}–${checkpoint.seq}`;
      return {
        ok: false,
        ...covered,
        firstBadSeq: checkpoint.seq,
        reason: `the history differs from what was signed: rewritten at ${where}`,
      };
    }
    lastGood = checkpoint.seq;
  }
  if (latest.seq < events.length) {
    return {
      ok: false,
      ...covered,
      firstBadSeq: latest.seq + 1,
      reason: `events after seq ${latest.seq} are not covered by a signed checkpoint`,
    };
  }
  return { ok: true, ...covered };
}

/**
 * Checkpoints outside the write path (implemented in db/): every write stores its own with its events
 * (`IncidentStore`); these seal incidents written before checkpoints existed.
 */
export interface CheckpointStore {
  /** Incidents that have no checkpoint at all (not written since checkpoints were signed). */
  listUnsealedIncidents(): Promise<string[]>;
  /** Adds a checkpoint; false when the incident already has one at that seq. */
  insertCheckpoint(checkpoint: Checkpoint): Promise<boolean>;
}
