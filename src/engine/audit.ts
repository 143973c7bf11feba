import type { KeyObject } from 'node:crypto';
import {
  type Checkpoint,
  type CheckpointStore,
  type CheckpointVerdict,
  type Keyring,
  keyIdOf,
  type PublishedKey,
  verifyCheckpoints,
} from './checkpoints';
import { Refusal } from './errors';
import { type ChainVerdict, verifyChain } from './hash-chain';
import type { EventRecord, IncidentRow, IncidentStore } from './types';

/** An incident's history, self-contained: what `holdfast audit verify` checks offline. */
export interface AuditBundle {
  format: typeof BUNDLE_FORMAT;
  exportedAt: string;
  incident: Pick<
    IncidentRow,
    | 'id'
    | 'playbookId'
    | 'playbookVersion'
    | 'title'
    | 'mode'
    | 'status'
    | 'version'
    | 'headHash'
    | 'createdAt'
  >;
  events: EventRecord[];
  checkpoints: Checkpoint[];
  /** The keys the server trusted at export. Informative only: a verifier brings its own trusted key. */
  publicKeys: PublishedKey[];
}

export const BUNDLE_FORMAT = 'holdfast.audit-bundle.v1';

/** The hash chain and the signed checkpoints together: what verify answers. */
export interface SealedVerdict extends ChainVerdict {
  checkpoint: CheckpointVerdict;
}

/** Both checks; the earlier of their first bad seqs is the one reported. */
export function sealedVerdict(
  events: readonly EventRecord[],
  incident: Pick<IncidentRow, 'headHash' | 'version'>,
  checkpoints: readonly Checkpoint[],
  trusted: ReadonlyMap<string, KeyObject>,
  signatures: 'latest' | 'all',
): SealedVerdict {
  const chain = verifyChain(events, incident.headHash, incident.version);
  const checkpoint = verifyCheckpoints(events, checkpoints, trusted, { signatures });
  const { firstBadSeq: _chainSeq, reason: _chainReason, ...rest } = chain;
  const first = [chain, checkpoint]
    .filter((verdict) => !verdict.ok)
    .sort(
      (a, b) => (a.firstBadSeq ?? Number.MAX_SAFE_INTEGER) - (b.firstBadSeq ?? Number.MAX_SAFE_INTEGER),
    )[0];
  return {
    ...rest,
    ok: chain.ok && checkpoint.ok,
    ...(first?.firstBadSeq === undefined ? {} : { firstBadSeq: first.firstBadSeq }),
    ...(first?.reason === undefined ? {} : { reason: first.reason }),
    checkpoint,
  };
}

export interface AuditVerdict extends SealedVerdict {
  incidentId: string;
}

/**
 * Verifies a bundle offline against the keys the verifier trusts (never only the bundle's own keys: whoever
 * could forge the history could put their key in the bundle too). Every checkpoint's signature is checked.
 */
export function verifyAuditBundle(input: unknown, trusted: readonly KeyObject[]): AuditVerdict {
  const bundle = asBundle(input);
  const keys = new Map(trusted.map((key) => [keyIdOf(key), key]));
  return {
    incidentId: bundle.incident.id,
    ...sealedVerdict(bundle.events, bundle.incident, bundle.checkpoints, keys, 'all'),
  };
}

function asBundle(input: unknown): AuditBundle {
  const bundle = input as Partial<AuditBundle> | null;
  if (bundle?.format !== BUNDLE_FORMAT)
    throw new Error(`not a holdfast audit bundle (format ${BUNDLE_FORMAT})`);
  const incident = bundle.incident;
  if (
    typeof incident?.id !== 'string' ||
    typeof incident.headHash !== 'string' ||
    typeof incident.version !== 'number' ||
    !Array.isArray(bundle.events) ||
    !Array.isArray(bundle.checkpoints)
  ) {
    throw new Error('the audit bundle lacks its incident, events or checkpoints');
  }
  const checkpoints = [...bundle.checkpoints].sort((a, b) => a.seq - b.seq);
  return { ...bundle, checkpoints } as AuditBundle;
}

export interface AuditDeps {
  store: Pick<IncidentStore, 'getIncident' | 'listEvents' | 'listCheckpoints'>;
  checkpoints: CheckpointStore;
  keyring: Keyring;
  now: () => Date;
}

export type Audit = ReturnType<typeof createAudit>;

/** Audit use cases: export a bundle, and sign the heads of incidents no write has sealed yet. */
export function createAudit(deps: AuditDeps) {
  async function exportBundle(incidentId: string): Promise<AuditBundle> {
    const row = await deps.store.getIncident(incidentId);
    if (!row) throw new Refusal('not_found', `no incident ${incidentId}`);
    const { id, playbookId, playbookVersion, title, mode, status, version, headHash, createdAt } = row;
    return {
      format: BUNDLE_FORMAT,
      exportedAt: deps.now().toISOString(),
      incident: { id, playbookId, playbookVersion, title, mode, status, version, headHash, createdAt },
      events: await wholeLog(deps.store, incidentId),
      checkpoints: await deps.store.listCheckpoints(incidentId),
      publicKeys: deps.keyring.published(),
    };
  }

  /**
   * Signs the head of every incident without a checkpoint (written before checkpoints existed), if its hash
   * chain verifies: from then on, rewriting it is caught. Whatever was changed before this runs is sealed as
   * it is, so run it once, right after upgrading.
   */
  async function sealUnsealed(): Promise<{
    sealed: string[];
    refused: { incidentId: string; reason: string }[];
  }> {
    const sealed: string[] = [];
    const refused: { incidentId: string; reason: string }[] = [];
    for (const incidentId of await deps.checkpoints.listUnsealedIncidents()) {
      const row = await deps.store.getIncident(incidentId);
      if (!row) continue;
      const chain = verifyChain(await wholeLog(deps.store, incidentId), row.headHash, row.version);
      if (!chain.ok) {
        refused.push({ incidentId, reason: `seq ${chain.firstBadSeq}: ${chain.reason}` });
        continue;
      }
      const checkpoint = deps.keyring.sign({
        incidentId,
        seq: row.version,
        hash: row.headHash,
        signedAt: deps.now().toISOString(),
      });
      // A write that committed meanwhile brought its own checkpoint; this one still holds for its seq.
      await deps.checkpoints.insertCheckpoint(checkpoint);
      sealed.push(incidentId);
    }
    return { sealed, refused };
  }

  return { exportBundle, sealUnsealed };
}

/** Every event of an incident, in seq order. */
export async function wholeLog(
  store: Pick<IncidentStore, 'listEvents'>,
  incidentId: string,
): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  for (let after = 0; ; ) {
    const page = await store.listEvents(incidentId, after, 1000);
    events.push(...page);
    if (page.length < 1000) return events;
    after = page[page.length - 1]!.seq;
  }
}
