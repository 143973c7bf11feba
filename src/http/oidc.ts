import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { type Credential, hashSecret, type Principal, Refusal, type SignedInIdentity } from '../engine';
import type { Actor } from '../playbook-kit';

export interface OidcSettings {
  issuer: string;
  /** The dashboard's client; without it there is no sign-in, only JWTs on the API. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  audience: string;
  /** Dotted path of the claim that lists the caller's groups. */
  rolesClaim: string;
  roleMap: ReadonlyMap<string, readonly string[]>;
  /** Base URL users reach this server at; default: each request's own. */
  publicUrl?: string | undefined;
}

/** Asymmetric only: an HS* token could be signed with the provider's public key, `none` with nothing. */
export const allowedAlgorithms = ['RS256', 'ES256', 'EdDSA'];
const clockToleranceSeconds = 30;
/** A dashboard session lasts this long; the roles are those of sign-in. */
export const sessionLifetimeMs = 8 * 60 * 60 * 1000;
const maxSessions = 10_000;

/** `group=role,role;group2=role`, every role a known one. A group may contain `=` (LDAP DNs): the last one splits. */
export function parseRoleMap(text: string, knownRoles: ReadonlySet<string>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const problems: string[] = [];
  for (const entry of text.split(';').map((part) => part.trim())) {
    if (!entry) continue;
    const split = entry.lastIndexOf('=');
    const group = entry.slice(0, split).trim();
    const roles = entry
      .slice(split + 1)
      .split(',')
      .map((role) => role.trim())
      .filter(Boolean);
    if (split <= 0 || !group || roles.length === 0) {
      problems.push(`"${entry}" is not group=role[,role]`);
      continue;
    }
    const unknown = roles.filter((role) => !knownRoles.has(role));
    if (unknown.length > 0) problems.push(`"${group}" maps to unknown role(s) ${unknown.join(', ')}`);
    map.set(group, [...new Set([...(map.get(group) ?? []), ...roles])]);
  }
  if (problems.length > 0) throw new Error(`invalid HOLDFAST_OIDC_ROLE_MAP: ${problems.join('; ')}`);
  return map;
}

/**
 * Who a verified token or ID token is, and the roles its groups map to. The subject names the provider, as `sub`
 * is only unique within it.
 */
export function signedInFromClaims(
  claims: JWTPayload,
  settings: OidcSettings,
): { identity: SignedInIdentity; roles: string[] } {
  const groups = claimAt(claims, settings.rolesClaim);
  const listed = Array.isArray(groups) ? groups : typeof groups === 'string' ? groups.split(/\s+/) : [];
  const roles = new Set(
    listed.filter((group) => typeof group === 'string').flatMap((group) => settings.roleMap.get(group) ?? []),
  );
  const names = [claims.name, claims.email, claims.preferred_username, claims.sub].filter(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  return { identity: { subject: `${claims.iss}#${claims.sub}`, names, email }, roles: [...roles].sort() };
}

function claimAt(claims: JWTPayload, path: string): unknown {
  if (path in claims) return claims[path];
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
      claims,
    );
}

export type Oidc = ReturnType<typeof createOidc>;

/** Credentials of JWTs and sessions are named apart from API tokens' digests, which the change feed names. */
const jwtPrefix = 'oidc-jwt:';
const sessionPrefix = 'oidc-session:';
const sessionDigest = (id: string) => `${sessionPrefix}${hashSecret(id)}`;

/**
 * The provider as holdfast sees it: its metadata and keys (fetched on first use), JWT verification on the
 * app's clock, and the dashboard's sessions. Sessions live in this process's memory: with several instances
 * behind a balancer, use sticky sessions, or a user signs in again on each instance.
 */
export function createOidc(
  settings: OidcSettings,
  now: () => Date,
  principalOf: (identity: SignedInIdentity) => Promise<Principal>,
) {
  let discovered: Promise<client.Configuration> | undefined;
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  /** By the digest of the session id, which is also the credential a session's streams are checked by. */
  const sessions = new Map<string, { actor: Actor; expiresAt: number }>();

  /** The provider's metadata and the dashboard's client; a failed discovery is tried again next time. */
  function configuration(): Promise<client.Configuration> {
    discovered ??= discover(settings).catch((error: unknown) => {
      discovered = undefined;
      throw new Refusal('unavailable', `the sign-in provider cannot be reached: ${messageOf(error)}`);
    });
    return discovered;
  }

  /** The caller as holdfast records it: the signed-in person's principal, with the roles of these claims. */
  async function actorOf(claims: JWTPayload): Promise<Actor> {
    const { identity, roles } = signedInFromClaims(claims, settings);
    const { id, name } = await principalOf(identity);
    return { id, name, roles };
  }

  /**
   * The actor of a JWT from the provider and the credential its streams hold (ending at its expiry), or null
   * when it is not one (forged, expired, for another audience).
   */
  async function verifyJwt(jwt: string): Promise<{ actor: Actor; credential: Credential } | null> {
    if (!keys) {
      const jwksUri = (await configuration()).serverMetadata().jwks_uri;
      if (!jwksUri) throw new Refusal('unavailable', 'the sign-in provider publishes no jwks_uri');
      keys = createRemoteJWKSet(new URL(jwksUri));
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: allowedAlgorithms,
        clockTolerance: clockToleranceSeconds,
        currentDate: now(),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError))
        throw new Refusal('unavailable', `the sign-in provider's keys cannot be read: ${messageOf(error)}`);
      return null;
    }
    const credential = { digest: `${jwtPrefix}${hashSecret(jwt)}`, validUntil: (payload.exp ?? 0) * 1000 };
    return { actor: await actorOf(payload), credential };
  }

  function startSession(actor: Actor): string {
    const at = now().getTime();
    if (sessions.size >= maxSessions) {
      for (const [id, session] of sessions) if (session.expiresAt <= at) sessions.delete(id);
      // Still full: the oldest go first (a Map keeps insertion order).
      for (const id of sessions.keys()) {
        if (sessions.size < maxSessions) break;
        sessions.delete(id);
      }
    }
    const id = randomBytes(32).toString('base64url');
    sessions.set(sessionDigest(id), { actor, expiresAt: at + sessionLifetimeMs });
    return id;
  }

  /** The actor of a session id and the credential its streams hold, or undefined when it ended. */
  function session(id: string): { actor: Actor; credential: Credential } | undefined {
    const digest = sessionDigest(id);
    const found = sessions.get(digest);
    if (!found) return undefined;
    if (found.expiresAt > now().getTime())
      return { actor: found.actor, credential: { digest, validUntil: found.expiresAt } };
    sessions.delete(digest);
    return undefined;
  }

  return {
    settings,
    configuration,
    actorOf,
    verifyJwt,
    startSession,
    session,
    /** Ends a session; returns the digest its streams are known by. */
    endSession: (id: string) => {
      const digest = sessionDigest(id);
      sessions.delete(digest);
      return digest;
    },
    /**
     * Whether a stream's credential is still good, when it is one of ours: a JWT until its expiry (checked by
     * the streams), a session while it lasts. Undefined for API tokens.
     */
    holds(credential: Credential): boolean | undefined {
      if (credential.digest.startsWith(jwtPrefix)) return true;
      if (credential.digest.startsWith(sessionPrefix)) return sessions.has(credential.digest);
      return undefined;
    },
  };
}

function discover(settings: OidcSettings): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer);
  // Plain HTTP only to this machine (a provider run next to holdfast, or the tests'); elsewhere TLS is required.
  const loopback =
    issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return client.discovery(
    issuer,
    settings.clientId ?? settings.audience,
    settings.clientSecret,
    settings.clientSecret ? undefined : client.None(),
    { execute: loopback ? [client.allowInsecureRequests] : [], timeout: 10 },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
