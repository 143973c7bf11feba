import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { playbooks } from '../../playbooks';
import { loadConfig } from '../../src/config';
import { type Clock, createLogger, createRegistry, createServices, type Services } from '../../src/main';
import { drillPlaybook } from '../fixtures/drill-playbook';
import { openTestPglite, type TestDatabase } from './databases';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

const keyDir = mkdtempSync(join(tmpdir(), 'holdfast-test-keys-'));
process.once('exit', () => rmSync(keyDir, { recursive: true, force: true }));
/** One signing key for every app a test file builds, as instances of one deployment share theirs. */
export const TEST_SIGNING_KEY_FILE = join(keyDir, 'signing-key.pem');

export type { Services };

/**
 * A clock a test sets: the app reads its time from here, never from the wall, so what a test asserts about
 * deadlines holds on any day it runs.
 */
export function testClock(start: string) {
  let current = Date.parse(start);
  return {
    now: (): Date => new Date(current),
    set: (at: string) => {
      current = Date.parse(at);
    },
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** The real app on a test database, with the bundled playbooks plus the drill fixture. */
export function testServices(
  test: TestDatabase,
  overrides: Record<string, unknown> = {},
  now?: Clock,
): Services {
  const config = loadConfig(
    {
      HOLDFAST_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      HOLDFAST_SIGNING_KEY_FILE: TEST_SIGNING_KEY_FILE,
      ...overrides,
    },
    {},
  );
  return createServices(
    test.database,
    config,
    createLogger('silent'),
    createRegistry(test.database, undefined, [...playbooks, drillPlaybook]),
    now,
  );
}

export { createRegistry };

// biome-ignore lint/suspicious/noExplicitAny: response bodies are whatever JSON the API sent; tests assert their shape.
export type Body = any;
export interface Response {
  status: number;
  headers: Headers;
  body: Body;
}

export interface Client {
  /** The bearer secret this client sends by default. */
  token: string | null;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
}

/** Calls the app in-process (app.request): real routing, middleware and database, no socket. */
export function client(services: Services, defaultToken: string | null = ADMIN_TOKEN): Client {
  return {
    token: defaultToken,
    async request(method, path, options = {}) {
      const token = options.token === undefined ? defaultToken : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await services.app.request(path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: response.status, headers: response.headers, body: parsed };
    },
  };
}

/** Creates a token with `roles` through the API and returns a client that uses it. */
export async function tokenFor(
  services: Services,
  admin: Client,
  name: string,
  ...roles: string[]
): Promise<Client> {
  const created = await admin.request('POST', '/v1/tokens', { body: { name, roles } });
  if (created.status !== 201) throw new Error(`token ${name}: ${JSON.stringify(created.body)}`);
  return client(services, created.body.token);
}

/**
 * One PGlite database per test file (slow to start), emptied before each test, with the app and an
 * admin client rebuilt on it. Read the fields inside tests, after the hooks ran.
 */
export function useTestApp(overrides: Record<string, unknown> = {}, now?: Clock) {
  const ctx = {} as { test: TestDatabase; services: Services; admin: Client };
  beforeAll(async () => {
    ctx.test = await openTestPglite();
  });
  afterAll(async () => {
    await ctx.test?.dispose();
  });
  beforeEach(async () => {
    await ctx.test.reset();
    ctx.services = testServices(ctx.test, overrides, now);
    await ctx.services.changes.start();
    ctx.admin = client(ctx.services);
  });
  afterEach(async () => {
    await ctx.services?.changes.stop();
  });
  return ctx;
}
