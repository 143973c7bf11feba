import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jjMedsInput } from '../fixtures/jj-meds';
import type { Body } from '../support/http';
import { startTestProvider, type TestProvider } from '../support/oidc-provider';
import { cleanEnv, killAll, type ServeProcess, startServe } from '../support/processes';

/** Signing in to the dashboard through an OpenID provider, in Debian's Chromium (skipped without it). */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[e2e] skipping the sign-in browser test: ${CHROMIUM} not found`);

const ADMIN = 'sign-in-e2e-admin-token-0123456';

describe.skipIf(!hasChromium)('dashboard sign-in with OpenID Connect, in Chromium', () => {
  let dataDir: string;
  let provider: TestProvider;
  let server: ServeProcess;
  let browser: Browser;
  let incidentId: string;

  beforeAll(async () => {
    provider = await startTestProvider({
      clientId: 'holdfast-dashboard',
      user: { sub: 'u-77', name: 'Alex Morgan', groups: ['ir-leads'] },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'holdfast-sign-in-'));
    server = await startServe(
      ['--data-dir', dataDir],
      cleanEnv({
        HOLDFAST_ADMIN_TOKEN: ADMIN,
        HOLDFAST_OIDC_ISSUER: provider.issuer,
        HOLDFAST_OIDC_CLIENT_ID: provider.clientId,
        HOLDFAST_OIDC_ROLE_MAP: 'ir-leads=incident_commander,technical_lead,communications',
      }),
    );
    const opened = await fetch(`${server.url}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        playbookId: 'ransom-demand',
        title: 'JJ Meds: signed-in responders',
        input: jjMedsInput(new Date().toISOString()),
      }),
    });
    expect(opened.status).toBe(201);
    incidentId = ((await opened.json()) as Body).id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    killAll();
    await provider?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in at the provider, shows who is signed in, records an event, and signs out', async () => {
    const page = await (await browser.newContext()).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/#/incidents/${incidentId}`);
    await page.click('#sso-sign-in');
    await page.waitForSelector('#app-header:not([hidden])');
    expect(await page.textContent('#whoami')).toBe('Alex Morgan');
    expect(await page.getAttribute('#whoami', 'title')).toContain('signed in by session');

    await page.goto(`${server.url}/#/incidents/${incidentId}`);
    await page.click('button.event-button[data-event-type="site.taken_offline"]');
    const form = '#event-form[data-event-type="site.taken_offline"]';
    await page.waitForSelector(form);
    await page.selectOption(`${form} select[name="scope"]`, { label: 'full' });
    await page.fill(`${form} textarea[name="rationale"]`, 'Signed in through the provider');
    await page.click(`${form} button[type=submit]`);
    const entry = await page.waitForSelector('#timeline li[data-type="site.taken_offline"]');
    expect(await entry.textContent()).toContain('by Alex Morgan');

    await page.click('#sign-out');
    await page.waitForSelector('#sso-sign-in');
    const me = await page.evaluate(async () => {
      const response = await fetch('/v1/me', { headers: { 'x-requested-with': 'test' } });
      return response.status;
    });
    expect(me).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
