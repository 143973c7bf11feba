import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { countPgliteQueries } from '../support/databases';
import {
  type Client,
  client,
  tokenFor as newToken,
  testClock,
  testServices,
  useTestApp,
} from '../support/http';
import { startTestProvider, type TestProvider } from '../support/oidc-provider';
import { sseReader } from '../support/sse';

const start = '2026-11-21T09:01:00Z';
const clock = testClock(start);
const clientId = 'holdfast-dashboard';
const settings: Record<string, unknown> = {
  HOLDFAST_OIDC_CLIENT_ID: clientId,
  HOLDFAST_OIDC_ROLE_MAP: 'execs=executive; staff=observer',
  HOLDFAST_STREAM_HEARTBEAT_MS: 200,
};
let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider({
    clientId,
    user: { sub: 'u-1001', name: 'Dana Reyes', email: 'dana@example.com', groups: ['staff'] },
    now: clock.now,
  });
  settings.HOLDFAST_OIDC_ISSUER = provider.issuer;
});
afterAll(() => provider?.close());

const ransomDemand = playbooks.find((p) => p.id === 'ransom-demand' && p.version === 3)!;
const pay = { option: 'pay', rationale: 'Restore is impossible without the key' };

describe('signed-in people as principals', () => {
  const app = useTestApp(settings, clock.now);
  const tokenFor = (name: string, ...roles: string[]) => newToken(app.services, app.admin, name, ...roles);
  const asJwt = async (claims: Record<string, unknown>) => client(app.services, await provider.sign(claims));
  const subjectOf = (sub: string) => `${provider.issuer}#${sub}`;
  const post = (as: Client, id: string, type: string, payload: object) =>
    as.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });

  /** A ransom demand (version 3) with the inputs for paying recorded and legal's sign-off to come. */
  async function demandReadyToPay() {
    const input = structuredClone(ransomDemand.example!.input) as { demand: { receivedAt: string } };
    input.demand.receivedAt = '2026-11-21T09:00:00Z';
    const opened = await app.admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'Demand', input },
    });
    expect(opened.status).toBe(201);
    expect(opened.body.playbookVersion).toBe(3);
    const id = opened.body.id as string;
    const ic = await tokenFor('ic', 'incident_commander');
    const recorded = await post(ic, id, 'payment.inputs_recorded', {
      claimVerified: true,
      canRecoverWithoutPaying: false,
      sanctionsScreen: 'clear',
      lawEnforcementConsulted: true,
      insurerConsulted: true,
    });
    expect(recorded.status).toBe(200);
    return id;
  }

  const signOff = async (id: string) => {
    const legal = await tokenFor('counsel', 'legal');
    const signed = await post(legal, id, 'payment.legal_signed_off', { rationale: 'Counsel agrees' });
    expect(signed.status).toBe(200);
  };

  it('will not let a linked person request a payment with their token and decide it signed in', async () => {
    const id = await demandReadyToPay();
    const aliceToken = await tokenFor('alice', 'executive');
    const linked = await app.services.tokens.linkOidcSubject('alice', subjectOf('u-alice'));
    const aliceSso = await asJwt({ sub: 'u-alice', name: 'Alice Moreau', groups: ['execs'] });
    expect((await aliceSso.request('GET', '/v1/me')).body).toEqual({
      id: linked.id,
      name: 'alice',
      roles: ['executive'],
      authenticatedBy: 'jwt',
    });

    const requested = await post(aliceToken, id, 'payment.pay_requested', { rationale: 'We cannot run' });
    expect(requested.status).toBe(200);
    await signOff(id);
    const refused = await post(aliceSso, id, 'payment.decided', pay);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('"payment.decided" needs a second person: alice');

    const bobSso = await asJwt({ sub: 'u-bob', name: 'Bob Okafor', groups: ['execs'] });
    expect((await post(bobSso, id, 'payment.decided', pay)).status).toBe(200);
    const log = (await app.admin.request('GET', `/v1/incidents/${id}/events`)).body.items;
    expect(
      log
        .filter((e: { type: string }) => e.type.startsWith('payment.'))
        .map((e: { actor: string }) => e.actor),
    ).toEqual(['ic', 'alice', 'counsel', 'Bob Okafor']);
  });

  it('counts a request sent signed in and a decision sent with the linked token as one person', async () => {
    const id = await demandReadyToPay();
    const aliceToken = await tokenFor('alice', 'executive');
    await app.services.tokens.linkOidcSubject('alice', subjectOf('u-alice'));
    const aliceSso = await asJwt({ sub: 'u-alice', groups: ['execs'] });
    expect((await post(aliceSso, id, 'payment.pay_requested', { rationale: 'We cannot run' })).status).toBe(
      200,
    );
    await signOff(id);
    const refused = await post(aliceToken, id, 'payment.decided', pay);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('needs a second person: alice');
  });

  it('makes an unlinked person a principal of their own on first use, never under another principal’s name', async () => {
    const namesake = await tokenFor('Dana Reyes', 'observer');
    const tokenDana = (await namesake.request('GET', '/v1/me')).body.id;
    const me = (await (await asJwt({ sub: 'u-dana' })).request('GET', '/v1/me')).body;
    expect(me.id).not.toBe(tokenDana);
    expect(me.name).toBe('Dana Reyes (dana@example.com)');
    expect(await app.services.tokens.listPrincipals()).toEqual([
      expect.objectContaining({ id: tokenDana, name: 'Dana Reyes', oidcSubject: null }),
      expect.objectContaining({
        id: me.id,
        name: 'Dana Reyes (dana@example.com)',
        kind: 'person',
        oidcSubject: subjectOf('u-dana'),
      }),
    ]);

    // A later name in the claims is still the same person, under the name first given.
    const renamed = await asJwt({ sub: 'u-dana', name: 'Dana R.', email: 'dana.r@example.com' });
    expect((await renamed.request('GET', '/v1/me')).body).toMatchObject({ id: me.id, name: me.name });
    // Another person claiming the same name and e-mail is another principal.
    const other = (await (await asJwt({ sub: 'u-impostor' })).request('GET', '/v1/me')).body;
    expect(other.name).toBe('Dana Reyes (sso)');
    expect(new Set([tokenDana, me.id, other.id]).size).toBe(3);
  });

  it('looks a person up once per instance, and finds them on another instance', async () => {
    const jwt = await provider.sign({ sub: 'u-sam', name: 'Sam Ito' });
    const first = await Promise.all([1, 2, 3].map(() => client(app.services, jwt).request('GET', '/v1/me')));
    expect(new Set(first.map((me) => me.body.id)).size).toBe(1);
    const queries = countPgliteQueries(app.test.database);
    expect(
      (await client(app.services, await provider.sign({ sub: 'u-sam' })).request('GET', '/v1/me')).status,
    ).toBe(200);
    expect(queries.stop()).toBe(0);

    const other = testServices(app.test, settings, clock.now);
    const there = await client(other, jwt).request('GET', '/v1/me');
    expect(there.body).toMatchObject({ id: first[0]!.body.id, name: 'Sam Ito' });
    const sams = (await app.services.tokens.listPrincipals()).filter(
      (p) => p.oidcSubject === subjectOf('u-sam'),
    );
    expect(sams).toHaveLength(1);
  });

  it("ends a JWT's streams at its expiry on the app clock", async () => {
    const response = await app.services.app.request('/v1/stream', {
      headers: { authorization: `Bearer ${await provider.sign({ sub: 'u-wall' })}` },
    });
    expect(response.status).toBe(200);
    const stream = sseReader(response);
    await stream.comment('connected');
    try {
      clock.advance(299_000);
      await stream.moreComments('heartbeat', 1, 2000);
      clock.advance(1000);
      await stream.ended(2000);
      expect(app.services.sessions.size).toBe(0);
    } finally {
      clock.set(start);
    }
  });

  it('links a subject to one principal only, and a principal to one subject', async () => {
    await tokenFor('alice', 'executive');
    await tokenFor('bob', 'executive');
    const link = (name: string, subject: string) =>
      app.services.tokens.linkOidcSubject(name, subject).then(
        (principal) => principal,
        (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
      );
    expect(await link('alice', `oidc:${subjectOf('u-alice')}`)).toMatchObject({
      name: 'alice',
      oidcSubject: subjectOf('u-alice'),
    });
    expect(await link('ALICE', subjectOf('u-alice'))).toMatchObject({ name: 'alice' });
    expect(await link('bob', subjectOf('u-alice'))).toEqual({
      code: 'invalid_request',
      message: expect.stringContaining(`${subjectOf('u-alice')} is already linked to "alice"`),
    });
    expect(await link('alice', subjectOf('u-other'))).toEqual({
      code: 'invalid_request',
      message: `"alice" is already linked to ${subjectOf('u-alice')}`,
    });
    expect(await link('nobody', subjectOf('u-x'))).toMatchObject({ code: 'not_found' });
    for (const malformed of ['u-x', '#u-x', `${provider.issuer}#`, `${provider.issuer}#a b`]) {
      expect(await link('bob', malformed)).toMatchObject({ code: 'invalid_request' });
    }

    // Someone who signed in before being linked already is a principal: their subject is not moved.
    const sso = (await (await asJwt({ sub: 'u-bob' })).request('GET', '/v1/me')).body;
    expect(await link('bob', subjectOf('u-bob'))).toEqual({
      code: 'invalid_request',
      message: expect.stringContaining(`is already linked to "${sso.name}"`),
    });
  });
});

describe('streams of signed-in people', () => {
  // openid-client checks ID tokens against the machine's clock, so this provider dates them by it.
  const signInSettings: Record<string, unknown> = { ...settings };
  let wallProvider: TestProvider;
  beforeAll(async () => {
    wallProvider = await startTestProvider({
      clientId,
      user: { sub: 'u-2002', email: 'sam@example.com', groups: ['staff'] },
    });
    signInSettings.HOLDFAST_OIDC_ISSUER = wallProvider.issuer;
  });
  afterAll(() => wallProvider?.close());
  const app = useTestApp(signInSettings, clock.now);

  const cookiesOf = (response: globalThis.Response) =>
    response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');

  /** The session cookie of a sign-in through the provider. */
  async function signIn(): Promise<string> {
    const login = await app.services.app.request('/auth/login');
    const atProvider = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location') ?? '');
    const signedIn = await app.services.app.request(`${callback.pathname}${callback.search}`, {
      headers: { cookie: cookiesOf(login) },
    });
    expect(signedIn.status).toBe(302);
    return cookiesOf(signedIn);
  }

  async function openStream(headers: Record<string, string>) {
    const response = await app.services.app.request('/v1/stream', { headers });
    expect(response.status).toBe(200);
    const stream = sseReader(response);
    await stream.comment('connected');
    return stream;
  }

  it('end when the session signs out', async () => {
    const headers = { cookie: await signIn(), 'x-requested-with': 'fetch' };
    const stream = await openStream(headers);
    await stream.moreComments('heartbeat', 1, 2000);
    const out = await app.services.app.request('/auth/logout', { method: 'POST', headers });
    expect(out.status).toBe(204);
    await stream.ended(2000);
    expect(app.services.sessions.size).toBe(0);
  });

  it('end when the session ends, eight hours on, on the app clock', async () => {
    const stream = await openStream({ cookie: await signIn(), 'x-requested-with': 'fetch' });
    try {
      clock.advance(8 * 60 * 60 * 1000 - 1000);
      await stream.moreComments('heartbeat', 1, 2000);
      clock.advance(1000);
      await stream.ended(2000);
    } finally {
      clock.set(start);
    }
  });
});
