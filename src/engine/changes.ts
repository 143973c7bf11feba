import { createCipheriv, createDecipheriv } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Refusal } from './errors';
import type {
  ChangeCursor,
  ChangeFeed,
  ChangeNotice,
  ChangeRecord,
  ChangeStore,
  IncidentMode,
} from './types';

export type CursorCodec = ReturnType<typeof createCursorCodec>;

/** Positions are below 2^48 (transaction ids and the change sequence); the zero top bytes check a cursor. */
const POSITION_LIMIT = 2 ** 48;

/**
 * Cursors as the API hands them out. Live ones are the position itself, `<transaction>.<sequence>`. An
 * exercise cursor is the position encrypted with `key` (one AES block: the same position always gives the
 * same cursor), since a facilitator-only token must learn nothing of live work, and the gap between two
 * plain positions would count the writes made in between. Anything else is a 400.
 */
export function createCursorCodec(key: Buffer) {
  const block = (cursor: ChangeCursor): Buffer => {
    const plain = Buffer.alloc(16);
    plain.writeBigUInt64BE(BigInt(cursor.xid), 0);
    plain.writeBigUInt64BE(BigInt(cursor.seq), 8);
    return plain;
  };
  const aes = (decipher: boolean, input: Buffer): Buffer => {
    const cipher = (decipher ? createDecipheriv : createCipheriv)('aes-256-ecb', key, null);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(input), cipher.final()]);
  };
  const refuse = (what: string, example: string): never => {
    throw new Refusal(
      'invalid_request',
      `${what} must be a cursor this server returned, such as "${example}"`,
    );
  };
  return {
    format(cursor: ChangeCursor, mode: IncidentMode): string {
      if (mode === 'live') return `${cursor.xid}.${cursor.seq}`;
      return `x${aes(false, block(cursor)).toString('base64url')}`;
    },
    parse(text: string, mode: IncidentMode, what: string): ChangeCursor {
      if (mode === 'live') {
        const match = /^(\d{1,15})\.(\d{1,15})$/.exec(text.trim());
        if (!match) return refuse(what, '1042.77');
        return { xid: Number(match[1]), seq: Number(match[2]) };
      }
      const match = /^x([\w-]{22})$/.exec(text.trim());
      if (!match) return refuse(what, 'xq3J0c1Hn0VZ2nqRkL4o8Yw');
      const plain = aes(true, Buffer.from(match[1]!, 'base64url'));
      const cursor = { xid: Number(plain.readBigUInt64BE(0)), seq: Number(plain.readBigUInt64BE(8)) };
      // Another key's cursor (or a made-up one) decrypts to noise, which is almost never this small.
      if (cursor.xid >= POSITION_LIMIT || cursor.seq >= POSITION_LIMIT)
        return refuse(what, 'xq3J0c1Hn0VZ2nqRkL4o8Yw');
      return cursor;
    },
  };
}

export const cursorAfter = (a: ChangeCursor, b: ChangeCursor): boolean =>
  a.xid > b.xid || (a.xid === b.xid && a.seq > b.seq);

export interface KnownVersion {
  version: number;
  changeSeq: number;
  mode: IncidentMode;
}

/**
 * The current version of recently seen incidents, kept fresh by the change feed (every instance's writes)
 * and by this instance's own reads and writes, so `If-None-Match` can be answered without a query. A
 * newer change_seq always wins, so a slow read can never put an older version back.
 */
export class VersionCache {
  private readonly known = new LRUCache<string, KnownVersion>({ max: 50_000, ttl: 10 * 60_000 });

  note(id: string, entry: KnownVersion): void {
    const current = this.known.get(id);
    if (!current || entry.changeSeq >= current.changeSeq) this.known.set(id, entry);
  }

  get(id: string): KnownVersion | undefined {
    return this.known.get(id);
  }

  clear(): void {
    this.known.clear();
  }
}

export type ChangeListener = (changes: ChangeRecord[]) => void;

export interface ChangeHubDeps {
  store: ChangeStore;
  feed: ChangeFeed;
  versions: VersionCache;
  /** Encrypts exercise cursors (see `createCursorCodec`); instances behind one load balancer share it. */
  cursorKey: Buffer;
  /** A token was revoked (its hash), or null when notices may have been missed: forget them all. */
  onTokenChange: (tokenHash: string | null) => void;
  onError: (error: unknown) => void;
  /** Reads the change log at least this often even without notices (default 5 s). */
  fallbackPollMs?: number;
}

export type ChangeHub = ReturnType<typeof createChangeHub>;

/**
 * One per instance: listens to the change feed, keeps the version cache fresh, and reads the change log
 * once per wake-up (however many streams are open), handing each batch, in cursor order, to every
 * subscriber. A notice only wakes it: what it delivers always comes from the log.
 */
export function createChangeHub(deps: ChangeHubDeps) {
  const listeners = new Set<ChangeListener>();
  let cursor: ChangeCursor = { xid: 0, seq: 0 };
  /** The newest transaction announced; reading is done once the horizon has passed it. */
  let announced = 0;
  let running: Promise<void> | null = null;
  let wakeAgain = false;
  let stopListening: (() => Promise<void>) | null = null;
  let fallback: NodeJS.Timeout | null = null;
  let stopped = false;

  const onNotice = (notice: ChangeNotice) => {
    deps.versions.note(notice.id, {
      version: notice.version,
      changeSeq: notice.changeSeq,
      mode: notice.mode,
    });
    announced = Math.max(announced, notice.xid);
    wake();
  };

  function wake(): void {
    if (stopped) return;
    if (running) {
      wakeAgain = true;
      return;
    }
    running = drain()
      .catch(deps.onError)
      .finally(() => {
        running = null;
      });
  }

  async function drain(): Promise<void> {
    let backoffMs = 5;
    do {
      wakeAgain = false;
      for (;;) {
        const { changes, horizon } = await deps.store.listChanges(cursor, {}, 500);
        if (changes.length > 0) {
          cursor = changes.at(-1)!.cursor;
          for (const listener of listeners) listener(changes);
        }
        if (changes.length === 500) continue;
        if (horizon > announced || stopped) break;
        // An announced write is readable only once every older transaction has finished.
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 250);
      }
    } while (wakeAgain && !stopped);
  }

  return {
    async start(): Promise<void> {
      cursor = { xid: await deps.store.changeHorizon(), seq: 0 };
      stopListening = await deps.feed.listen({
        incident: onNotice,
        token: (hash) => deps.onTokenChange(hash),
        reconnected: () => {
          deps.versions.clear();
          deps.onTokenChange(null);
          wake();
        },
      });
      fallback = setInterval(wake, deps.fallbackPollMs ?? 5000);
      fallback.unref();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (fallback) clearInterval(fallback);
      await stopListening?.();
      await running;
    },
    /** Receives every batch of committed changes read after this call, in cursor order. */
    subscribe(listener: ChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Reads the log now (used after this instance's own writes are known to be committed). */
    wake,
    /** Committed events after `after` (a stream's replay); see ChangeStore. */
    read: deps.store.listChanges.bind(deps.store),
    /** Incidents changed after `after` (`?since`); see ChangeStore. */
    incidentsSince: deps.store.listIncidentsChangedSince.bind(deps.store),
    /**
     * Where a reader of `mode` starting now begins without missing anything later. For exercises, the latest
     * exercise change, not the horizon, which moves with every write.
     */
    startingPoint: async (mode: IncidentMode): Promise<ChangeCursor> =>
      mode === 'live' ? { xid: await deps.store.changeHorizon(), seq: 0 } : deps.store.lastChangeOf(mode),
    cursors: createCursorCodec(deps.cursorKey),
  };
}
