import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../context';
import { json } from '../schemas';

const PublishedKeySchema = z
  .object({
    keyId: z.string().openapi({ description: 'SHA-256 (hex) of the public key in SPKI DER form' }),
    algorithm: z.literal('Ed25519'),
    status: z.enum(['current', 'retired']).openapi({
      description:
        '`current` signs new checkpoints; `retired` keys only verify checkpoints they signed before',
    }),
    publicKeyPem: z.string(),
    jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string() }),
  })
  .openapi('PublicKey');

const keysRoute = createRoute({
  method: 'get',
  path: '/v1/keys',
  tags: ['audit'],
  summary: 'The public keys that verify checkpoint signatures (no token needed)',
  description:
    'For convenience: an auditor should obtain the trusted public key out of band, not from the server whose ' +
    'history it checks.',
  security: [],
  responses: { 200: json(z.object({ items: z.array(PublishedKeySchema) }), 'Current key first') },
});

/** Public: registered before the bearer check, which then never runs for it. */
export function keyRoutes(app: App, deps: Pick<AppDeps, 'keyring'>): void {
  const items = deps.keyring.published();
  app.openapi(keysRoute, (c) => c.json({ items }, 200));
}
