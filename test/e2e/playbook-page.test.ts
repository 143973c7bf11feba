import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossCustomerExposureV1 } from '../../playbooks/cross-customer-exposure';
import { humanise } from '../../src/engine';
import { createHttpServer, createLogger } from '../../src/main';
import { openTestPglite, type TestDatabase } from '../support/databases';
import { ADMIN_TOKEN, type Client, client, type Services, testClock, testServices } from '../support/http';

/**
 * The playbook page in real Chromium, against the real app on PGlite served over a socket: a published YAML
 * playbook's diagram and file, a file that tries to inject markup, and a playbook written in code.
 */
const CHROMIUM = '/usr/bin/chromium';
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `[e2e] skipping the playbook page browser test: ${CHROMIUM} not found (apt-get install chromium; .ci/run does this)`,
  );
}

const small = readFileSync(
  resolve(import.meta.dirname, '../fixtures/playbook-files/small.playbook.yaml'),
  'utf8',
);
/** The same playbook under another id, with markup in its title, summary and an event description. */
const hostile = small
  .replace('id: small-outage', 'id: hostile-outage')
  .replace('title: Small outage', 'title: Outage <img src=x onerror=alert(3)>')
  .replace(
    'summary: A service is down; find out why and bring it back.',
    'summary: Down <script>alert(1)</script><img src=x onerror=alert(2)> for now.',
  )
  .replace(
    'description: The service answers again.',
    'description: The service answers again. <script>window.markupRan = true; alert(4)</script>',
  );

describe.skipIf(!hasChromium)('the playbook page in Chromium', () => {
  let db: TestDatabase;
  let services: Services;
  let server: Server;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let admin: Client;
  let observer: string;
  let facilitator: string;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  async function signedInPage(hash: string, secret = observer): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      // A playbook written in code answers 404 for its file: Chromium logs that as "Failed to load resource".
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${url}/?poll=0${hash}`);
    await page.fill('#token-input', secret);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#app-header:not([hidden])');
    return page;
  }

  const publish = async (text: string) => {
    const published = await admin.request('POST', '/v1/playbooks', {
      rawBody: text,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  };

  const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, name), fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    db = await openTestPglite();
    services = testServices(db, {}, testClock('2026-12-06T09:00:00.000Z').now);
    await services.changes.start();
    server = createHttpServer(services, createLogger('silent'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = client(services, ADMIN_TOKEN);
    // Whoever may read playbooks may see the page: an observer, a facilitator-only token.
    const made = await admin.request('POST', '/v1/tokens', { body: { name: 'reader', roles: ['observer'] } });
    expect(made.status).toBe(201);
    observer = made.body.token;
    const exercises = await admin.request('POST', '/v1/tokens', {
      body: { name: 'exercise-runner', roles: ['facilitator'] },
    });
    expect(exercises.status).toBe(201);
    facilitator = exercises.body.token;
    await publish(small);
    await publish(hostile);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server?.closeAllConnections();
    await services?.changes.stop();
    await db?.dispose();
  });

  it('lists the playbooks from the navigation and shows a published one: summary, diagram, the file exactly', async () => {
    const page = await signedInPage('#/');
    await page.click('#nav-playbooks');
    const row = 'tr[data-playbook-id="small-outage"]';
    await page.waitForSelector(row);
    expect(await page.textContent(`${row} td:last-child`)).toBe(
      'A service is down; find out why and bring it back.',
    );
    expect(await page.locator('#playbooks tr[data-playbook-id="ddos-extortion"]').count()).toBe(1);
    await page.click(`${row} a:has-text("Small outage")`);

    await page.waitForSelector('#playbook-title');
    expect(await page.textContent('#playbook-title')).toBe('Small outage');
    // The page follows no stream: the connection badge does not claim to be connecting.
    expect(await page.textContent('#conn')).toBe('· as loaded');
    expect(await page.textContent('#playbook-summary')).toBe(
      'A service is down; find out why and bring it back.',
    );
    expect(await page.inputValue('#playbook-version')).toBe('1');

    await page.waitForSelector('#playbook-diagram svg');
    const diagram = await page.locator('#playbook-diagram').innerText();
    for (const label of ['Recovery', 'Restore', 'Decide', 'Restored', 'service.restored', 'notice.decided'])
      expect(diagram).toContain(label);

    await page.waitForSelector('#playbook-file');
    expect(await page.textContent('#playbook-file')).toBe(small);
    expect(
      await page.evaluate("getComputedStyle(document.getElementById('playbook-file')).fontFamily"),
    ).toContain('monospace');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#playbook-download')]);
    expect(download.suggestedFilename()).toBe('small-outage-v1.playbook.yaml');
    expect(readFileSync(await download.path(), 'utf8')).toBe(small);
    await shot(page, 'playbook-page.png');
    expect(pageErrors).toEqual([]);
  });

  it('shows markup in a playbook file as text, and runs none of it', async () => {
    const page = await signedInPage('#/playbooks/hostile-outage');
    await page.waitForSelector('#playbook-file');
    await page.waitForSelector('#playbook-diagram svg');
    expect(await page.textContent('#playbook-file')).toBe(hostile);
    expect(await page.textContent('#playbook-title')).toBe('Outage <img src=x onerror=alert(3)>');
    expect(await page.textContent('#playbook-summary')).toBe(
      'Down <script>alert(1)</script><img src=x onerror=alert(2)> for now.',
    );
    // Nothing the file holds became an element: the page's scripts are its own two, and there is no image.
    expect(await page.$$eval('script', (scripts) => scripts.map((s) => s.getAttribute('src')))).toEqual([
      '/dashboard/app.js',
      '/vendor/mermaid.js',
    ]);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('#playbook-file *').count()).toBe(0);
    expect(await page.evaluate('window.markupRan')).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('says a playbook written in code has no file, and still draws its diagram (to a facilitator-only token too)', async () => {
    const page = await signedInPage('#/playbooks/cross-customer-exposure', facilitator);
    // Version 2 is the bundled file.
    await page.waitForSelector('#playbook-file');
    expect(await page.textContent('#playbook-file')).toBe(
      readFileSync(
        resolve(import.meta.dirname, '../../playbooks/cross-customer-exposure/v2.playbook.yaml'),
        'utf8',
      ),
    );
    await page.selectOption('#playbook-version', '1');
    await page.waitForSelector('#playbook-in-code');
    expect(page.url()).toMatch(/#\/playbooks\/cross-customer-exposure\/1$/);
    expect(await page.textContent('#playbook-in-code')).toBe(
      `${crossCustomerExposureV1.title} version 1 is written in code (TypeScript): it has no playbook file.`,
    );
    expect(await page.locator('#playbook-file, #playbook-download').count()).toBe(0);
    await page.waitForSelector('#playbook-diagram[data-version="1"] svg');
    const diagram = await page.locator('#playbook-diagram').innerText();
    for (const key of Object.keys(crossCustomerExposureV1.machine.root.states))
      expect(diagram).toContain(humanise(key));
    await shot(page, 'playbook-page-in-code.png');
    expect(pageErrors).toEqual([]);
  });
});
