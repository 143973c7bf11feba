import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config';
import { parseRoleMap } from '../../src/http/oidc';
import { client, testClock, useTestApp } from '../support/http';
import { startTestProvider, type TestProvider } from '../support/oidc-provider';

const clock = testClock('2026-03-02T09:00:00Z');
const clientId = 'holdfast-dashboard';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const settings: Record<string, unknown> = {
  HOLDFAST_OIDC_CLIENT_ID: clientId,
  HOLDFAST_OIDC_ROLE_MAP: 'drill-crew=responder; ir-leads=lead,observer',
};
let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider({
    clientId,
    user: { sub: 'u-1001', name: 'Dana Reyes', email: 'dana@example.com', groups: ['drill-crew'] },
    now: clock.now,
  });
  settings.HOLDFAST_OIDC_ISSUER = provider.issuer;
});
afterAll(() => provider?.close());

describe('JWTs from the OpenID provider', () => {
  const ctx = useTestApp(settings, clock.now);
  const asJwt = (jwt: string) => client(ctx.services, jwt);

  async function openDrill() {
    const opened = await ctx.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 4 } },
    });
    expect(opened.status).toBe(201);
    return opened.body.id as string;
  }

  it('are accepted with the roles their groups map to, and the caller may send its events', async () => {
    const me = await asJwt(await provider.sign()).request('GET', '/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: expect.stringMatching(uuid),
      name: 'Dana Reyes',
      roles: ['responder'],
      authenticatedBy: 'jwt',
    });
    const id = await openDrill();
    const sent = await asJwt(await provider.sign()).request('POST', `/v1/incidents/${id}/events`, {
      body: { type: 'work.started' },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.event.actor).toContain('Dana Reyes');
  });

  it('give no roles for unmapped groups: writes are refused, live incidents unseen', async () => {
    const id = await openDrill();
    const visitor = asJwt(await provider.sign({ groups: ['visitors'] }));
    expect((await visitor.request('GET', '/v1/me')).body.roles).toEqual([]);
    const opened = await visitor.request('POST', '/v1/incidents', {
      body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 4 } },
    });
    expect(opened.status).toBe(403);
    const sent = await visitor.request('POST', `/v1/incidents/${id}/events`, {
      body: { type: 'work.started' },
    });
    expect(sent.status).toBe(404);
  });

  it('are refused when expired (beyond the 30 s tolerance), for another audience or from another issuer', async () => {
    const at = Math.floor(clock.now().getTime() / 1000);
    const cases = {
      expired: await provider.sign({ iat: at - 600, exp: at - 31 }),
      otherAudience: await provider.sign({ aud: 'someone-else' }),
      otherIssuer: await provider.sign({ iss: 'https://id.example.com' }),
      noSubject: await provider.sign({ sub: undefined }),
    };
    for (const [name, jwt] of Object.entries(cases)) {
      const me = await asJwt(jwt).request('GET', '/v1/me');
      expect({ name, status: me.status, code: me.body.code }).toEqual({
        name,
        status: 401,
        code: 'unauthorized',
      });
    }
    const withinTolerance = await provider.sign({ iat: at - 600, exp: at - 20 });
    expect((await asJwt(withinTolerance).request('GET', '/v1/me')).status).toBe(200);
  });

  it('follow the app clock, not the machine date', async () => {
    const jwt = await provider.sign();
    clock.advance(10 * 60 * 1000);
    try {
      expect((await asJwt(jwt).request('GET', '/v1/me')).status).toBe(401);
    } finally {
      clock.advance(-10 * 60 * 1000);
    }
  });

  it('are refused when signed with an unknown key, unsigned, or HS256 with the public key as secret', async () => {
    const stranger = await generateKeyPair('RS256');
    const unknownKid = await provider.sign({}, { kid: 'not-published', key: stranger.privateKey });
    const wrongKey = await provider.sign({}, { key: stranger.privateKey });
    const claims = {
      iss: provider.issuer,
      aud: clientId,
      sub: 'u-1001',
      groups: ['ir-leads'],
      exp: Math.floor(clock.now().getTime() / 1000) + 300,
    };
    const unsigned = new UnsecuredJWT(claims).encode();
    const publicJwk = JSON.stringify(provider.currentKey().publicJwk);
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: provider.currentKey().kid })
      .sign(new TextEncoder().encode(publicJwk));
    for (const [name, jwt] of Object.entries({ unknownKid, wrongKey, unsigned, hs256 })) {
      const me = await asJwt(jwt).request('GET', '/v1/me');
      expect({ name, status: me.status }).toEqual({ name, status: 401 });
    }
  });

  it('signed with a rotated key are accepted once the provider publishes it (after the refetch cooldown)', async () => {
    expect((await asJwt(await provider.sign()).request('GET', '/v1/me')).status).toBe(200);
    await provider.rotateKey();
    const rotated = await provider.sign();
    // The keys were fetched a moment ago: an unknown kid does not refetch them yet, so one can't hammer the provider.
    expect((await asJwt(rotated).request('GET', '/v1/me')).status).toBe(401);
    const realNow = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(realNow + 31_000);
    try {
      expect((await asJwt(rotated).request('GET', '/v1/me')).status).toBe(200);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('leave API tokens as they were', async () => {
    const me = await ctx.admin.request('GET', '/v1/me');
    expect(me.body).toMatchObject({ id: 'admin-token', roles: ['admin'], authenticatedBy: 'token' });
  });

  it('need a session cookie sent with X-Requested-With to stand in for a bearer token', async () => {
    const noCredentials = await client(ctx.services, null).request('GET', '/v1/me');
    expect(noCredentials.status).toBe(401);
    const unknownSession = await client(ctx.services, null).request('GET', '/v1/me', {
      headers: { cookie: 'holdfast_session=made-up', 'x-requested-with': 'fetch' },
    });
    expect(unknownSession.body.detail).toMatch(/session has ended/);
  });
});

describe('without OpenID Connect', () => {
  const ctx = useTestApp({}, clock.now);

  it('has no sign-in and refuses JWTs', async () => {
    const login = await ctx.services.app.request('/auth/login');
    expect(login.status).toBe(404);
    const status = await ctx.services.app.request('/auth/status');
    expect(await status.json()).toEqual({ signIn: false });
    const me = await client(ctx.services, await provider.sign()).request('GET', '/v1/me');
    expect(me.status).toBe(401);
  });

  it('answers /v1/me for a token', async () => {
    const me = await ctx.admin.request('GET', '/v1/me');
    expect(me.body).toEqual({
      id: 'admin-token',
      name: 'admin (HOLDFAST_ADMIN_TOKEN)',
      roles: ['admin'],
      authenticatedBy: 'token',
    });
  });
});

describe('OpenID Connect configuration', () => {
  it('maps groups to known roles only', () => {
    const known = new Set(['admin', 'observer', 'lead']);
    expect([...parseRoleMap('a=lead,observer;cn=x,ou=y=admin; ;a=admin', known)]).toEqual([
      ['a', ['lead', 'observer', 'admin']],
      ['cn=x,ou=y', ['admin']],
    ]);
    expect(() => parseRoleMap('a=lead;b=root;c', known)).toThrow(
      /"b" maps to unknown role\(s\) root; "c" is not/,
    );
  });

  it('needs an audience or a client id with an issuer', () => {
    expect(() => loadConfig({ HOLDFAST_OIDC_ISSUER: 'https://id.example.com' }, {})).toThrow(
      /HOLDFAST_OIDC_AUDIENCE/,
    );
    expect(loadConfig({}, {}).HOLDFAST_OIDC_ROLES_CLAIM).toBe('groups');
  });
});

describe('the dashboard sign-in', () => {
  // openid-client checks ID tokens against the machine's clock, so this provider dates them by it.
  const signInSettings: Record<string, unknown> = { ...settings };
  let wallProvider: TestProvider;
  beforeAll(async () => {
    wallProvider = await startTestProvider({
      clientId,
      user: { sub: 'u-2002', email: 'sam@example.com', groups: ['ir-leads'] },
    });
    signInSettings.HOLDFAST_OIDC_ISSUER = wallProvider.issuer;
  });
  afterAll(() => wallProvider?.close());
  const ctx = useTestApp(signInSettings, clock.now);

  const cookiesOf = (response: globalThis.Response) =>
    response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');

  /** Login → provider (signs the user in at once) → callback; the callback's answer. */
  async function signIn(tamper: (callback: URL) => void = () => {}) {
    const login = await ctx.services.app.request('/auth/login');
    expect(login.status).toBe(302);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);
    const authorize = new URL(login.headers.get('location') ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location') ?? '');
    tamper(callback);
    return ctx.services.app.request(`${callback.pathname}${callback.search}`, {
      headers: { cookie: cookiesOf(login) },
    });
  }

  it('signs in with PKCE and a session cookie that the API accepts with X-Requested-With', async () => {
    const callback = await signIn();
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
    const cookie =
      cookiesOf(callback)
        .split('; ')
        .find((c) => c.startsWith('holdfast_session=')) ?? '';
    expect(cookie).not.toBe('');
    const browser = client(ctx.services, null);
    const me = await browser.request('GET', '/v1/me', { headers: { cookie, 'x-requested-with': 'fetch' } });
    expect(me.body).toEqual({
      id: expect.stringMatching(uuid),
      name: 'sam@example.com',
      roles: ['lead', 'observer'],
      authenticatedBy: 'session',
    });
    const crossSite = await browser.request('GET', '/v1/me', { headers: { cookie } });
    expect(crossSite.status).toBe(401);

    expect((await browser.request('POST', '/auth/logout', { headers: { cookie } })).status).toBe(403);
    const out = await browser.request('POST', '/auth/logout', {
      headers: { cookie, 'x-requested-with': 'fetch' },
    });
    expect(out.status).toBe(204);
    const after = await browser.request('GET', '/v1/me', {
      headers: { cookie, 'x-requested-with': 'fetch' },
    });
    expect(after.status).toBe(401);
  });

  it('ends sessions after eight hours on the app clock', async () => {
    const cookie = cookiesOf(await signIn());
    const headers = { cookie, 'x-requested-with': 'fetch' };
    const browser = client(ctx.services, null);
    clock.advance(8 * 60 * 60 * 1000 - 1000);
    try {
      expect((await browser.request('GET', '/v1/me', { headers })).status).toBe(200);
      clock.advance(1000);
      expect((await browser.request('GET', '/v1/me', { headers })).status).toBe(401);
    } finally {
      clock.set('2026-03-02T09:00:00Z');
    }
  });

  it('refuses a callback whose state or code is not the one it started', async () => {
    const wrongState = await signIn((callback) => callback.searchParams.set('state', 'forged'));
    expect(wrongState.status).toBe(401);
    expect(wrongState.headers.getSetCookie().some((c) => c.startsWith('holdfast_session='))).toBe(false);
    const wrongCode = await signIn((callback) => callback.searchParams.set('code', 'forged'));
    expect(wrongCode.status).toBe(401);
    const noLogin = await ctx.services.app.request('/auth/callback?code=x&state=y');
    expect(noLogin.status).toBe(401);
  });

  it('tells the dashboard that sign-in is offered', async () => {
    expect(await (await ctx.services.app.request('/auth/status')).json()).toEqual({ signIn: true });
  });
});
