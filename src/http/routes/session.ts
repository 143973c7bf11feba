import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as client from 'openid-client';
import { type Credential, Refusal, type Sessions } from '../../engine';
import type { Actor } from '../../playbook-kit';
import type { App, AppEnv } from '../context';
import { type Oidc, sessionLifetimeMs } from '../oidc';
import { router } from '../router';

const sessionCookie = 'holdfast_session';
/** The sign-in in progress: state, PKCE verifier and nonce, kept by the browser that started it. */
const loginCookie = 'holdfast_login';
const loginLifetimeSeconds = 600;

/**
 * The actor of the dashboard's session cookie. Only with `X-Requested-With`: a page on another origin cannot
 * send that header without a CORS preflight this server never grants, so a cookie alone does nothing.
 */
export function sessionOf(c: Context<AppEnv>, oidc: Oidc): { actor: Actor; credential: Credential } {
  const id = getCookie(c, sessionCookie);
  if (!id) throw new Refusal('unauthorized', 'send Authorization: Bearer <token>, or sign in');
  if (!c.req.header('x-requested-with'))
    throw new Refusal('unauthorized', 'the session cookie is accepted only with an X-Requested-With header');
  const session = oidc.session(id);
  if (!session) throw new Refusal('unauthorized', 'the session has ended; sign in again');
  return session;
}

/**
 * The dashboard's sign-in: the authorization code flow with PKCE, state and nonce. `GET /auth/status` tells the
 * page whether to offer it; without OpenID Connect (or without a client id) the other routes do not exist.
 */
export function sessionRoutes(oidc: Oidc | undefined, streams: Sessions): App {
  const app = router();
  const signIn = oidc?.settings.clientId ? oidc : undefined;
  app.get('/auth/status', (c) => c.json({ signIn: signIn !== undefined }));
  if (!signIn) return app;

  const baseOf = (c: Context) => new URL(signIn.settings.publicUrl ?? new URL(c.req.url).origin);
  const cookieOptions = (c: Context) =>
    ({ httpOnly: true, sameSite: 'Lax', secure: baseOf(c).protocol === 'https:' }) as const;
  const redirectUri = (c: Context) => new URL('/auth/callback', baseOf(c)).href;

  app.get('/auth/login', async (c) => {
    const config = await signIn.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(c),
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    setCookie(c, loginCookie, [state, verifier, nonce].join('.'), {
      ...cookieOptions(c),
      path: '/auth/',
      maxAge: loginLifetimeSeconds,
    });
    return c.redirect(url.href, 302);
  });

  app.get('/auth/callback', async (c) => {
    const [state, verifier, nonce] = (getCookie(c, loginCookie) ?? '').split('.');
    deleteCookie(c, loginCookie, { ...cookieOptions(c), path: '/auth/' });
    if (!state || !verifier || !nonce)
      throw new Refusal('unauthorized', 'this sign-in was not started here or took too long; sign in again');
    const config = await signIn.configuration();
    const url = new URL(c.req.url);
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(
        config,
        new URL(`${url.pathname}${url.search}`, baseOf(c)),
        { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
      );
      claims = tokens.claims();
    } catch (error) {
      throw new Refusal('unauthorized', `sign-in failed: ${error instanceof Error ? error.message : error}`);
    }
    if (!claims) throw new Refusal('unauthorized', 'sign-in failed: the provider sent no ID token');
    const id = signIn.startSession(await signIn.actorOf(claims));
    setCookie(c, sessionCookie, id, { ...cookieOptions(c), path: '/', maxAge: sessionLifetimeMs / 1000 });
    return c.redirect('/', 302);
  });

  /** Ends the session here; the provider's own session is left alone. */
  app.post('/auth/logout', (c) => {
    if (!c.req.header('x-requested-with'))
      throw new Refusal('forbidden', 'sign out from the dashboard (X-Requested-With is required)');
    const id = getCookie(c, sessionCookie);
    if (id) streams.changed(signIn.endSession(id));
    deleteCookie(c, sessionCookie, { ...cookieOptions(c), path: '/' });
    return c.body(null, 204);
  });
  return app;
}
