import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Actor } from '../playbook-kit';
import { isUuid, Refusal } from './errors';
import {
  canonicalName,
  keyOfName,
  type Principal,
  type PrincipalKind,
  parseOidcSubject,
  type SignedInIdentity,
  signedInNames,
  systemAdminPrincipal,
} from './principals';
import type { PrincipalRecord, TokenRecord, TokenStore } from './types';

export const builtInRoles = ['admin', 'observer', 'facilitator'] as const;

/** One-shot `hash` (Node ≥ 20.12): every authenticated request pays for it, and it is several times cheaper than createHash. */
export const hashSecret = (secret: string): string => hash('sha256', secret, 'hex');

export interface TokenServiceDeps {
  store: TokenStore;
  /** `HOLDFAST_ADMIN_TOKEN`: accepted as an admin token when set. */
  adminToken?: string | undefined;
  /** Every role a token may hold: the built-in ones and every playbook's. */
  knownRoles: ReadonlySet<string>;
}

export type TokenService = ReturnType<typeof createTokenService>;

const adminActor: Actor = { id: systemAdminPrincipal.id, name: systemAdminPrincipal.name, roles: ['admin'] };

/** A token's actor: its principal, with the token's roles. */
interface Holder {
  tokenId: string;
  actor: Actor;
}

export function createTokenService(deps: TokenServiceDeps) {
  const adminHash = deps.adminToken ? Buffer.from(hashSecret(deps.adminToken), 'hex') : null;
  /**
   * Active tokens by digest, so most requests authenticate without a query. A revocation on any instance
   * reaches `forget` through the change feed at once; the TTL bounds the damage of a missed notice.
   */
  const active = new LRUCache<string, Holder>({ max: 10_000, ttl: 60_000 });
  /**
   * Bumped by every revocation and forget: a lookup that was in flight meanwhile may have read a token
   * revoked since, so its answer is not cached (it would otherwise outlive the revocation for the TTL).
   */
  let revocations = 0;
  /**
   * Signed-in people's principals by subject, so a JWT costs no query after its person's first. Nothing here
   * goes stale: a subject, once some principal's, stays that principal's, and principals are never renamed.
   */
  const signedIn = new LRUCache<string, Promise<Principal>>({ max: 10_000 });

  /** The actor behind a bearer secret, or null. Secrets are compared as SHA-256 digests, in constant time. */
  async function authenticate(secret: string): Promise<Actor | null> {
    const digest = hashSecret(secret);
    const known = knownActor(digest);
    if (known) return known;
    const seen = revocations;
    const token = await deps.store.findActiveTokenByHash(digest);
    if (!token) return null;
    const actor = { id: token.principalId, name: token.name, roles: token.roles };
    if (revocations === seen) active.set(digest, { tokenId: token.id, actor });
    return actor;
  }

  /** The admin token's or a cached token's actor, without a query; undefined when only the database knows. */
  function knownActor(digest: string): Actor | undefined {
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(digest, 'hex'))) return adminActor;
    return active.get(digest)?.actor;
  }

  /** Whether a digest is the admin token's or an active token's, asked of the store (open streams re-check). */
  async function isActive(digest: string): Promise<boolean> {
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(digest, 'hex'))) return true;
    return (await deps.store.findActiveTokenByHash(digest)) !== null;
  }

  /**
   * Creates a token for the principal `name` (created unless it exists: re-issuing under the same name keeps
   * the principal); the secret is returned here and never again.
   */
  async function createToken(
    rawName: string,
    roles: string[],
    kind?: PrincipalKind,
  ): Promise<TokenRecord & { token: string; principal: PrincipalRecord }> {
    const { name, key } = canonicalName(rawName);
    const unknown = roles.filter((role) => !deps.knownRoles.has(role));
    if (unknown.length > 0) {
      const knownRoles = [...deps.knownRoles].sort();
      throw new Refusal(
        'invalid_request',
        `unknown role(s): ${unknown.join(', ')} (roles: ${knownRoles.join(', ')})`,
        { knownRoles },
      );
    }
    const secret = `hf_${randomBytes(24).toString('base64url')}`;
    const { principal, token } = await deps.store.issueToken({
      principal: { id: randomUUID(), name, nameKey: key, kind },
      token: { id: randomUUID(), roles: [...new Set(roles)], tokenHash: hashSecret(secret) },
    });
    if (!token) {
      const sameName = principal.name === name;
      throw new Refusal(
        'invalid_request',
        sameName
          ? `"${name}" is a ${principal.kind}, not a ${kind}`
          : `"${name}" is too like the name of "${principal.name}"; names are compared ignoring case`,
        { principal },
      );
    }
    return { ...token, token: secret, principal };
  }

  /** The principal of a signed-in person: the one linked to their subject, else a person made on first use. */
  function signedInPrincipal(identity: SignedInIdentity): Promise<Principal> {
    const cached = signedIn.get(identity.subject);
    if (cached) return cached;
    const found = findOrMakeSignedIn(identity);
    signedIn.set(identity.subject, found);
    found.catch(() => {
      if (signedIn.get(identity.subject) === found) signedIn.delete(identity.subject);
    });
    return found;
  }

  async function findOrMakeSignedIn(identity: SignedInIdentity): Promise<Principal> {
    const names = signedInNames(identity).map(({ name, key }) => ({ name, nameKey: key }));
    const principal = await deps.store.signedInPrincipal(identity.subject, randomUUID(), names);
    if (!principal) {
      throw new Refusal(
        'unauthorized',
        `every name for ${identity.subject} is another principal's; an admin may link one to it`,
      );
    }
    return { id: principal.id, name: principal.name, kind: principal.kind };
  }

  /**
   * Makes the principal `name` the OpenID Connect user `rawSubject` (`<iss>#<sub>`): signing in is then the same
   * person as its tokens. A subject is linked once: one already another principal's, or a principal already
   * linked to another subject, is refused.
   */
  async function linkOidcSubject(name: string, rawSubject: string): Promise<PrincipalRecord> {
    const subject = parseOidcSubject(rawSubject);
    const { principal, holder } = await deps.store.linkOidcSubject(keyOfName(name), subject);
    if (!principal) throw new Refusal('not_found', `no principal "${name}"`);
    if (holder && holder.id !== principal.id) {
      throw new Refusal('invalid_request', `${subject} is already linked to "${holder.name}" (${holder.id})`);
    }
    if (principal.oidcSubject !== subject) {
      throw new Refusal(
        'invalid_request',
        `"${principal.name}" is already linked to ${principal.oidcSubject}`,
      );
    }
    return principal;
  }

  async function revokeToken(id: string): Promise<TokenRecord> {
    const record = isUuid(id) ? await deps.store.revokeToken(id) : null;
    if (!record) throw new Refusal('not_found', `no token ${id}`);
    revocations++;
    const digests = [...active.entries()]
      .filter(([, holder]) => holder.tokenId === id)
      .map(([digest]) => digest);
    for (const digest of digests) active.delete(digest);
    return record;
  }

  return {
    authenticate,
    /** `authenticate` for the secrets it can answer without a query (the admin token, cached tokens). */
    authenticateKnown: (secret: string): Actor | undefined => knownActor(hashSecret(secret)),
    isActive,
    createToken,
    revokeToken,
    listTokens: () => deps.store.listTokens(),
    listPrincipals: () => deps.store.listPrincipals(),
    signedInPrincipal,
    linkOidcSubject,
    countTokens: () => deps.store.countTokens(),
    /** Drops a token (by digest) from the cache, or every token with null. */
    forget: (digest: string | null) => {
      revocations++;
      return digest === null ? active.clear() : active.delete(digest);
    },
  };
}
