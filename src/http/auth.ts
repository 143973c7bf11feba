import type { Context, MiddlewareHandler } from 'hono';
import {
  type Credential,
  hashSecret,
  Refusal,
  requireAdmin as requireAdminRole,
  type TokenService,
} from '../engine';
import type { Actor } from '../playbook-kit';
import type { AppEnv } from './context';
import type { Oidc } from './oidc';
import { sessionOf } from './routes/session';

/** The secret of an `Authorization: Bearer <token>` header, or undefined when the header is not one. */
export function bearerSecret(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S{1,512})\s*$/i)?.[1];
}

/** Providers' JWTs run to a few kilobytes (Entra ID's carry groups); API tokens stay under 512 characters. */
const jwtSecret = (header: string | undefined): string | undefined =>
  header?.match(/^Bearer\s+([\w-]+\.[\w-]+\.[\w-]*)\s*$/i)?.[1];

/**
 * `Authorization: Bearer <token>` on everything it guards: an API token, else (with OpenID Connect) a JWT from
 * the provider; without the header, the dashboard's session cookie. The caller becomes `c.var.actor`.
 */
export function bearerAuth(tokens: TokenService, oidc?: Oidc): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header && oidc) {
      const { actor, credential } = sessionOf(c, oidc);
      c.set('actor', actor);
      c.set('authenticatedBy', 'session');
      c.set('credential', credential);
      return next();
    }
    const secret = bearerSecret(header);
    const jwt = oidc ? jwtSecret(header) : undefined;
    if (!secret && !jwt) throw new Refusal('unauthorized', 'send Authorization: Bearer <token>');
    const byToken = secret ? await tokens.authenticate(secret) : null;
    const byJwt = !byToken && jwt ? await oidc?.verifyJwt(jwt) : null;
    const actor = byToken ?? byJwt?.actor;
    if (!actor) throw new Refusal('unauthorized', 'the bearer token is unknown, revoked or expired');
    c.set('actor', actor);
    c.set('authenticatedBy', byToken ? 'token' : 'jwt');
    if (byJwt) c.set('credential', byJwt.credential);
    await next();
  };
}

export function requireAdmin(c: Context<AppEnv>): Actor {
  requireAdminRole(c.var.actor);
  return c.var.actor;
}

/**
 * The credential of an authenticated request, for what outlives the request's own check (a stream). Computed
 * on demand: most requests never need it.
 */
export function credentialOf(c: Context<AppEnv>): Credential {
  return c.var.credential ?? { digest: hashSecret(bearerSecret(c.req.header('authorization')) ?? '') };
}
