import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jjMedsInput } from '../fixtures/jj-meds';
import type { Body } from '../support/http';
import { cleanEnv, killAll, type ServeProcess, startServe } from '../support/processes';

/**
 * The web dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser download).
 * `.ci/run` installs Chromium when it is missing; elsewhere this suite skips and says why.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `[e2e] skipping the dashboard browser test: ${CHROMIUM} not found (apt-get install chromium; .ci/run does this)`,
  );
}

const ADMIN = 'dashboard-e2e-admin-token-0123';
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');

describe.skipIf(!hasChromium)('web dashboard in Chromium', () => {
  let dataDir: string;
  let server: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let teamLeader: string;
  let incidentId: string;
  const pageErrors: string[] = [];

  async function api(path: string, init: RequestInit = {}, secret = ADMIN) {
    const response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as Body };
  }

  /** A page signed in through the token form, at `hash`. `?poll=0`: updates can only come over SSE. */
  async function signedInPage(hash: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      // Refused requests (the 412 below) are logged by Chromium as "Failed to load resource": expected.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(`${page.url()}: console: ${message.text()}`);
    });
    await page.goto(`${server.url}/?poll=0${hash}`);
    await page.fill('#token-input', teamLeader);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#app-header:not([hidden])');
    return page;
  }

  const liveOnStream = (page: Page) => page.waitForSelector('#conn[data-state="live"]', { timeout: 10_000 });
  const stepsOf = (page: Page, track: string) =>
    page.textContent(`article.card[data-incident-id="${incidentId}"] dd[data-track="${track}"]`);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'holdfast-dashboard-'));
    mkdirSync(artifacts, { recursive: true });
    server = await startServe(['--data-dir', dataDir], cleanEnv({ HOLDFAST_ADMIN_TOKEN: ADMIN }));
    const token = await api('/v1/tokens', {
      method: 'POST',
      body: JSON.stringify({
        name: 'team-leader',
        roles: ['incident_commander', 'technical_lead', 'communications'],
      }),
    });
    expect(token.status).toBe(201);
    teamLeader = token.body.token;
    const incident = await api('/v1/incidents', {
      method: 'POST',
      body: JSON.stringify({
        playbookId: 'ransom-demand',
        title: 'JJ Meds: bitcoin demand for customer image files',
        input: jjMedsInput(new Date().toISOString()),
      }),
    });
    expect(incident.status).toBe(201);
    incidentId = incident.body.id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    killAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, records site.taken_offline from the incident page, and the board follows over SSE', async () => {
    const board = await signedInPage('#/');
    const card = `article.card[data-incident-id="${incidentId}"]`;
    await board.waitForSelector(card);
    expect(await board.textContent(`${card} .card-title`)).toBe(
      'JJ Meds: bitcoin demand for customer image files',
    );
    expect(await board.textContent(`${card} .severity`)).toBe('critical');
    expect(await board.textContent(`${card} .deadlines`)).toMatch(/Declaration due.* in \d\d:\d\d:\d\d/);
    expect(await stepsOf(board, 'containment')).toContain('Online');
    await liveOnStream(board);
    // Any reload or navigation of the board would lose this.
    await board.evaluate("window.boardMarker = 'not reloaded'");
    const messagesBefore = Number(await board.getAttribute('#conn', 'data-messages'));

    const incident = await signedInPage(`#/incidents/${incidentId}`);
    await incident.waitForSelector('#incident-title');
    expect(await incident.textContent('#incident-title')).toBe(
      'JJ Meds: bitcoin demand for customer image files',
    );
    await incident.click('button.event-button[data-event-type="site.taken_offline"]');
    const form = '#event-form[data-event-type="site.taken_offline"]';
    await incident.waitForSelector(form);
    // Generated from the payload's JSON Schema: an enum as a select, the rationale as a required field.
    expect(await incident.getAttribute(`${form} textarea[name="rationale"]`, 'required')).not.toBeNull();
    await incident.selectOption(`${form} select[name="scope"]`, { label: 'full' });
    await incident.fill(`${form} textarea[name="rationale"]`, 'Stop further access to the image files');
    await incident.click(`${form} button[type=submit]`);
    await incident.waitForSelector('#flash .ok');
    expect(await incident.textContent('#flash')).toContain('Site taken offline');
    const entry = await incident.waitForSelector('#timeline li[data-type="site.taken_offline"]');
    expect(await entry.textContent()).toContain('Rationale: Stop further access to the image files');
    expect(await entry.textContent()).toContain('by team-leader');

    // The board, never reloaded and not polling (?poll=0), shows the new step: only the stream can tell it.
    await board.waitForSelector(`${card} dd[data-track="containment"]:has-text("Offline")`, {
      timeout: 10_000,
    });
    expect(await board.evaluate('window.boardMarker')).toBe('not reloaded');
    expect(await board.getAttribute('#conn', 'data-state')).toBe('live');
    expect(Number(await board.getAttribute('#conn', 'data-messages'))).toBeGreaterThan(messagesBefore);
    await board.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });

    // The incident page's diagram marks the active states (Mermaid, from the diagram endpoint).
    await incident.waitForSelector('#diagram svg', { timeout: 15_000 });
    expect(await incident.locator('#diagram svg .active').count()).toBeGreaterThan(0);
    await incident.screenshot({ path: join(artifacts, 'dashboard-incident.png'), fullPage: true });
    await incident.close();
    await board.close();
    expect(pageErrors).toEqual([]);
  });

  it('sends an open form with the current version when a change elsewhere landed meanwhile', async () => {
    const page = await signedInPage(`#/incidents/${incidentId}`);
    await page.waitForSelector('button.event-button[data-event-type="claim.assessed"]');
    await liveOnStream(page);
    await page.click('button.event-button[data-event-type="claim.assessed"]');
    const form = '#event-form[data-event-type="claim.assessed"]';
    await page.waitForSelector(form);
    await page.selectOption(`${form} select[name="assessment"]`, { label: 'plausible' });
    await page.fill(`${form} textarea[name="rationale"]`, 'Threat names real files; no proof yet');

    // Someone else records a step of another track meanwhile; the open form says it is still current.
    const other = await api(`/v1/incidents/${incidentId}/events`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'incident.declared',
        payload: { rationale: 'Extortion demand naming customer data: declare at once' },
      }),
    });
    expect(other.status).toBe(200);
    await page.waitForSelector('#form-stale:has-text("still current")', { timeout: 10_000 });
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('#timeline li[data-type="claim.assessed"]');
    expect(await page.textContent('#flash')).toContain('Claim assessed');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
