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

/** The secret of an `Authorization: Bearer <token>` header, or undefined when the header is not one. */
export function bearerSecret(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S{1,512})\s*$/i)?.[1];
}

/** `Authorization: Bearer <token>` on everything it guards; the caller becomes `c.var.actor`. */
export function bearerAuth(tokens: TokenService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = bearerSecret(c.req.header('authorization'));
    if (!secret) throw new Refusal('unauthorized', 'send Authorization: Bearer <token>');
    const actor = await tokens.authenticate(secret);
    if (!actor) throw new Refusal('unauthorized', 'the bearer token is unknown or revoked');
    c.set('actor', actor);
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
  return { digest: hashSecret(bearerSecret(c.req.header('authorization')) ?? '') };
}
