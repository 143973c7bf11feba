/**
 * What a long-lived request (a stream) was authenticated with. A stream outlives the check made when it
 * opened, so it ends when its credential stops being valid: revoked on any instance (the change feed names
 * the digest), or past `validUntil` when the credential carries one (a signed token's expiry).
 */
export interface Credential {
  /** The SHA-256 digest of the bearer secret, as the change feed names a revoked token. */
  digest: string;
  /** When the credential stops being valid by itself (ms since the epoch); absent for stored tokens. */
  validUntil?: number;
}

export interface SessionsDeps {
  /** Whether a credential is still valid now, asked of the database (never a cache that may lag). */
  isValid: (credential: Credential) => Promise<boolean>;
  now: () => number;
  onError: (error: unknown) => void;
}

export type Sessions = ReturnType<typeof createSessions>;

interface Session {
  credential: Credential;
  end: () => void;
  expiry?: NodeJS.Timeout;
}

/** The open streams of this instance by credential, ended when their credential is revoked or expires. */
export function createSessions(deps: SessionsDeps) {
  const open = new Set<Session>();

  const close = (session: Session) => {
    clearTimeout(session.expiry);
    open.delete(session);
  };
  const end = (session: Session) => {
    close(session);
    session.end();
  };

  /** Ends the sessions whose credential is no longer valid. */
  async function recheck(sessions: Session[]): Promise<void> {
    const verdicts = new Map<string, Promise<boolean>>();
    await Promise.all(
      sessions.map(async (session) => {
        const { digest } = session.credential;
        if (!verdicts.has(digest)) verdicts.set(digest, deps.isValid(session.credential));
        if (!(await verdicts.get(digest))) end(session);
      }),
    );
  }

  return {
    /** Registers a session; `end` is called once its credential is no longer valid. Returns its unregister. */
    open(credential: Credential, onEnd: () => void): () => void {
      const session: Session = { credential, end: onEnd };
      if (credential.validUntil !== undefined) {
        const left = credential.validUntil - deps.now();
        if (left <= 0) {
          onEnd();
          return () => {};
        }
        // setTimeout holds at most ~24.8 days; a longer-lived credential is caught by `stillValid` meanwhile.
        session.expiry = setTimeout(() => end(session), Math.min(left, 2 ** 31 - 1));
        session.expiry.unref();
      }
      open.add(session);
      return () => close(session);
    },
    /**
     * A credential changed on some instance (its digest), or null when notices may have been missed: the
     * sessions it concerns are checked again.
     */
    changed(digest: string | null): void {
      const concerned = [...open].filter(
        (session) => digest === null || session.credential.digest === digest,
      );
      if (concerned.length > 0) recheck(concerned).catch(deps.onError);
    },
    /** The periodic check of one credential (each stream's heartbeat), in case a notice was missed. */
    async stillValid(credential: Credential): Promise<boolean> {
      if (credential.validUntil !== undefined && credential.validUntil <= deps.now()) return false;
      return deps.isValid(credential);
    },
    /** How many sessions are open (tests). */
    get size() {
      return open.size;
    },
  };
}
