import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ransomDemandV3 } from '../../playbooks/ransom-demand';
import { createHttpServer, createLogger } from '../../src/main';
import { jjMedsInput } from '../fixtures/jj-meds';
import { openTestPglite, type TestDatabase } from '../support/databases';
import {
  ADMIN_TOKEN,
  type Body,
  type Client,
  client,
  type Services,
  testClock,
  testServices,
} from '../support/http';

/**
 * The responder's screen in real Chromium, against the real app on PGlite served over a socket. The server's
 * clock and the browser's are the same test clock, so what is overdue and what is due next hold on any day.
 */
const CHROMIUM = '/usr/bin/chromium';
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');
const T0 = '2026-11-24T09:00:00.000Z';
const HOUR = 3_600_000;
const clock = testClock(T0);

const example = (type: string) => ransomDemandV3.events.find((e) => e.type === type)!.examples[0];

describe('the responder’s screen in Chromium', () => {
  let db: TestDatabase;
  let services: Services;
  let server: Server;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let admin: Client;
  let teamLeader: string;
  let facilitator: string;
  let lateId: string;
  const pageErrors: string[] = [];

  async function signedInPage(secret: string, hash: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(`${page.url()}: console: ${message.text()}`);
    });
    await page.goto(`${url}/?poll=0${hash}`);
    await page.fill('#token-input', secret);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#app-header:not([hidden])');
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, name), fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    db = await openTestPglite();
    services = testServices(db, {}, clock.now);
    await services.changes.start();
    server = createHttpServer(services, createLogger('silent'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = client(services, ADMIN_TOKEN);
    const token = async (name: string, roles: string[]) => {
      const made = await admin.request('POST', '/v1/tokens', { body: { name, roles } });
      expect(made.status).toBe(201);
      return made.body.token as string;
    };
    teamLeader = await token('team-leader', ['incident_commander', 'technical_lead', 'communications']);
    facilitator = await token('facilitator', ['facilitator']);

    // Opened three days after the demand came in: its deadlines passed before anyone looked.
    const late = await admin.request('POST', '/v1/incidents', {
      body: {
        playbookId: 'ransom-demand',
        title: 'JJ Meds: demand found three days late',
        input: jjMedsInput(new Date(Date.parse(T0) - 72 * HOUR).toISOString()),
      },
    });
    expect(late.status).toBe(201);
    lateId = late.body.id;
    const fresh = await admin.request('POST', '/v1/incidents', {
      body: { playbookId: 'ransom-demand', title: 'JJ Meds: demand this morning', input: jjMedsInput(T0) },
    });
    expect(fresh.status).toBe(201);
    expect(await services.engine.fireDueTimers()).toBe(1);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    await context.clock.setFixedTime(new Date(T0));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server?.closeAllConnections();
    await services?.changes.stop();
    await db?.dispose();
  });

  it('shows an incident opened three days late with its overdue items first, on the board and atop its page', async () => {
    const board = await signedInPage(teamLeader, '#/');
    const card = `article.card[data-incident-id="${lateId}"]`;
    await board.waitForSelector(`${card} .overdue-items`);
    // Sorted by urgency: the incident with missed deadlines comes first.
    expect(await board.getAttribute('#board article.card:first-child', 'data-incident-id')).toBe(lateId);
    const overdue = await board.textContent(`${card} .overdue-items`);
    expect(overdue).toMatch(/Police report due[^—]*— overdue by 2d 00:00:00/);
    expect(overdue).toMatch(/Ransom deadline/);
    // The routine 4-hourly situation report never stands as a deadline.
    expect(await board.textContent('#board')).not.toContain('Situation report due');
    await shot(board, 'responder-board.png');

    // Filters: "Overdue only" leaves the late incident alone; "Severity: low" leaves none.
    await board.check('#filter-overdue');
    await board.waitForFunction("document.querySelectorAll('#board article.card').length === 1");
    await board.selectOption('#filter-severity', 'low');
    await board.waitForSelector('#board .empty');
    await board.selectOption('#filter-severity', '');
    await board.uncheck('#filter-overdue');
    await board.waitForFunction("document.querySelectorAll('#board article.card').length === 2");

    await board.click(`${card} .card-title`);
    await board.waitForSelector('#now-overdue li');
    const now = await board.textContent('#now-overdue');
    expect(now).toMatch(/Police report due[^—]*— overdue by 2d 00:00:00; was due/);
    // Times are named by zone.
    expect(await board.textContent('#now-overdue .dual-time')).toMatch(/[A-Z]{2,5}|GMT|UTC/);
    // The action that settles the overdue police report comes first, marked as such.
    const first = board.locator('#first-actions button[data-event-type="police.reported"]');
    expect(await first.getAttribute('data-rank')).toBe('0');
    expect(await first.textContent()).toContain('settles: Police report due');
    // Each track has its own diagram; the whole one is on demand.
    await board.waitForSelector('#diagram svg');
    expect(await board.getAttribute('#diagram', 'data-track')).not.toBe('all');
    const diagramWidth = "document.querySelector('#diagram svg').viewBox.baseVal.width";
    const trackWidth = await board.evaluate<number>(diagramWidth);
    await board.click('#diagram-tabs button[data-track="all"]');
    await board.waitForSelector('#diagram[data-track="all"] svg');
    const fullWidth = await board.evaluate<number>(diagramWidth);
    expect(trackWidth).toBeLessThan(fullWidth);
    await shot(board, 'responder-incident.png');
    await board.close();
    expect(pageErrors).toEqual([]);
  });

  it('keeps a form valid across an unrelated timer fire, and refuses it once its own track moved', async () => {
    const opened = await admin.request('POST', '/v1/incidents', {
      body: {
        playbookId: 'ransom-demand',
        title: 'JJ Meds: forms',
        input: jjMedsInput(clock.now().toISOString()),
      },
    });
    const id = opened.body.id;
    const page = await signedInPage(teamLeader, `#/incidents/${id}`);
    await page.waitForSelector('#conn[data-state="live"]');
    await page.click('button.event-button[data-event-type="site.taken_offline"]');
    const form = '#event-form[data-event-type="site.taken_offline"]';
    await page.selectOption(`${form} select[name="scope"]`, { label: 'full' });
    await page.fill(`${form} textarea[name="rationale"]`, 'Stop further access to the image files');

    // The declaration deadline (command track) fires meanwhile: the incident moves to another version.
    clock.advance(31 * 60_000);
    expect(await services.engine.fireDueTimers()).toBeGreaterThanOrEqual(1);
    const after = (await admin.request('GET', `/v1/incidents/${id}`)).body as Body;
    expect(after.version).toBeGreaterThan(opened.body.version);
    await page.waitForSelector('#form-stale:has-text("still current")');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('#flash .ok');
    await page.waitForSelector('#timeline li[data-type="site.taken_offline"]');

    // Now someone else moves the containment track while a containment form is open: refused, nothing sent.
    await page.click('button.event-button[data-event-type="vendor.engaged"]');
    const vendorForm = '#event-form[data-event-type="vendor.engaged"]';
    await page.waitForSelector(vendorForm);
    const vendorExample = example('vendor.engaged') as Record<string, unknown>;
    const moved = await admin.request('POST', `/v1/incidents/${id}/events`, {
      body: { type: 'evidence.baseline_captured', payload: example('evidence.baseline_captured') },
    });
    expect(moved.status).toBe(200);
    await page.waitForSelector('#form-stale:has-text("containment track moved")');
    for (const [name, value] of Object.entries(vendorExample)) {
      const field = page.locator(`${vendorForm} [name="${name}"]`);
      if ((await field.count()) === 0 || typeof value !== 'string') continue;
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption({ label: value });
      else await field.fill(value);
    }
    await page.click(`${vendorForm} button[type=submit]`);
    await page.waitForSelector(`${vendorForm}[data-problem="version_mismatch"]`);
    expect(await page.textContent('#form-status')).toContain('containment track moved');
    const events = (await admin.request('GET', `/v1/incidents/${id}/events`)).body.items as Body[];
    expect(events.map((e) => e.type)).not.toContain('vendor.engaged');
    await shot(page, 'responder-form-refused.png');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('lands a facilitator on its exercises; starts, advances and reports an exercise in exercise time alone', async () => {
    const page = await signedInPage(facilitator, '#/');
    await page.waitForSelector('#start-exercise');
    expect(await page.inputValue('#mode')).toBe('exercise');
    expect(await page.textContent('main')).not.toContain('403');
    await page.selectOption('#scenario', 'jj-meds');
    await page.click('#start-exercise button[type=submit]');
    await page.waitForSelector('#exercise-title');
    const before = await page.getAttribute('#exercise-clock', 'data-clock');
    const injectsBefore = await page.locator('#injects li[data-inject-id]').count();
    await page.click('button.advance[data-advance="PT4H"]');
    await page.waitForSelector(`#exercise-clock:not([data-clock="${before}"])`);
    const movedTo = await page.getAttribute('#exercise-clock', 'data-clock');
    expect(Date.parse(movedTo!) - Date.parse(before!)).toBe(4 * HOUR);
    expect(await page.locator('#injects li[data-inject-id]').count()).toBeGreaterThan(injectsBefore);
    expect(await page.textContent('#exercise-head')).toContain('(exercise time)');

    // The report: read in the page, downloaded as JSON.
    await page.click('#exercise-report .report-read');
    await page.waitForSelector('#exercise-report .report-text:not([hidden])');
    expect(await page.textContent('#exercise-report .report-text')).toContain('JJ Meds');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#exercise-report .report-download[data-format="json"]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^exercise-.+\.json$/);
    await shot(page, 'responder-exercise.png');

    // Its incident runs on the exercise clock: no wall-clock countdown anywhere, times labelled exercise time.
    await page.click('#exercise-incident');
    await page.waitForSelector('#exercise-clock');
    await page.waitForSelector('#timeline li');
    expect(await page.locator('.countdown').count()).toBe(0);
    expect(await page.locator('.exercise-time').count()).toBeGreaterThan(0);
    expect(await page.textContent('#incident-meta')).toContain('times are exercise time');
    expect(await page.textContent('#timeline')).toContain('exercise time');
    // Opened in March on the exercise clock, not today.
    expect(await page.textContent('#incident-meta')).toMatch(/opened Mar/);
    expect(await page.inputValue('#mode')).toBe('exercise');
    await shot(page, 'responder-exercise-incident.png');

    // It is listed among past and running exercises.
    await page.goto(`${url}/?poll=0#/exercises`);
    await page.waitForSelector('#exercises tr[data-exercise-id]');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('opens a new incident from a playbook form, records on it and asks for its report, from the dashboard alone', async () => {
    const page = await signedInPage(ADMIN_TOKEN, '#/');
    await page.click('#new-incident');
    await page.selectOption('#new-playbook', 'drill');
    await page.waitForSelector('#open-incident');
    // Labels are words: the schema's key "deadlineHours" reads "Deadline hours".
    expect(await page.textContent('#open-incident')).toContain('Deadline hours');
    await page.fill('#new-title', 'Drill from the dashboard');
    await page.fill('#open-incident input[name="deadlineHours"]', '12');
    await page.click('#open-incident button[type=submit]');
    await page.waitForSelector('#incident-title:has-text("Drill from the dashboard")');
    await page.click('button.event-button[data-event-type="work.started"]');
    await page.click('#event-form button[type=submit]');
    await page.waitForSelector('#timeline li[data-type="work.started"]');
    expect(await page.textContent('#timeline li[data-type="work.started"]')).toContain('Start work');

    // The incident report: shown when the server has it, or a clear word that it has none.
    await page.click('#incident-head .report-read');
    await page.waitForSelector(
      '#incident-head .report-text:not([hidden]), #incident-head .report-status:not(:empty)',
    );
    const said = await page.textContent('#incident-head');
    expect(said).toMatch(/No report here: this server does not offer it|Drill from the dashboard/);
    await shot(page, 'responder-new-incident.png');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
