import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export interface ProviderUser {
  sub: string;
  name?: string;
  email?: string;
  groups?: string[];
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * A small OpenID provider on 127.0.0.1 for the tests: discovery, JWKS, an authorization endpoint that
 * signs in `user` without asking, and a token endpoint that checks the PKCE verifier. `now` is the clock
 * its tokens are dated by: the one that verifies them.
 */
export async function startTestProvider(options: { clientId: string; user: ProviderUser; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  let user = options.user;
  let key = await newKey();
  const codes = new Map<string, { challenge: string; nonce?: string; redirectUri: string }>();
  const seconds = () => Math.floor(now().getTime() / 1000);

  const server: Server = createServer((request, response) => {
    void handle(request.method ?? 'GET', new URL(request.url ?? '/', issuer), request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  async function newKey(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(6).toString('hex');
    return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }

  /** A JWT signed with the current key: issuer, audience `clientId`, `user`, five minutes from `now`. */
  function sign(claims: JWTPayload = {}, signWith: { kid?: string; key?: CryptoKey } = {}) {
    const defaults = {
      iss: issuer,
      aud: options.clientId,
      sub: user.sub,
      iat: seconds(),
      exp: seconds() + 300,
    };
    return new SignJWT({ ...defaults, ...user, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: signWith.kid ?? key.kid })
      .sign(signWith.key ?? key.privateKey);
  }

  async function handle(
    method: string,
    url: URL,
    request: NodeJS.ReadableStream,
    response: import('node:http').ServerResponse,
  ) {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (url.pathname === '/jwks') return send(200, { keys: [key.publicJwk] });
    if (url.pathname === '/authorize' && method === 'GET') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== options.clientId || q.get('response_type') !== 'code')
        return send(400, { error: 'invalid_request' });
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
        return send(400, { error: 'invalid_request', error_description: 'PKCE S256 is required' });
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        nonce: q.get('nonce') ?? undefined,
        redirectUri,
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      back.searchParams.set('iss', issuer);
      response.writeHead(302, { location: back.href });
      return response.end();
    }
    if (url.pathname === '/token' && method === 'POST') {
      let text = '';
      for await (const chunk of request) text += chunk;
      const form = new URLSearchParams(text);
      const pending = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !pending ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== options.clientId ||
        form.get('redirect_uri') !== pending.redirectUri ||
        challenge !== pending.challenge
      )
        return send(400, { error: 'invalid_grant' });
      const idToken = await sign(pending.nonce ? { nonce: pending.nonce } : {});
      return send(200, {
        access_token: await sign(),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    return send(404, { error: 'not_found' });
  }

  return {
    issuer,
    clientId: options.clientId,
    sign,
    /** The key tokens are signed with, for forging tests. */
    currentKey: () => key,
    /** A new signing key replaces the old one in the JWKS. */
    rotateKey: async () => {
      key = await newKey();
    },
    setUser: (next: ProviderUser) => {
      user = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestProvider = Awaited<ReturnType<typeof startTestProvider>>;
