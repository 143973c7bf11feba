import { describe, expect, it } from 'vitest';
import { jjMedsInput } from '../fixtures/jj-meds';
import { type Client, client, testClock, tokenFor, useTestApp } from '../support/http';

const clock = testClock('2026-11-24T09:00:00.000Z');
const app = useTestApp({}, clock.now);

/** A demand received three days before now, in Toronto: its first deadlines have passed. */
const input = { ...jjMedsInput('2026-11-21T15:00:00Z'), timeZone: 'America/Toronto' };

const sha = 'a'.repeat(64);

async function openAndWork() {
  const commander = await tokenFor(app.services, app.admin, 'Alice Moreau', 'incident_commander');
  const tech = await tokenFor(app.services, app.admin, 'Ravi Shah', 'technical_lead');
  const counsel = await tokenFor(app.services, app.admin, 'Lena Park', 'legal');
  const opened = await app.admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'ransom-demand', title: 'Extortion email', input },
  });
  expect(opened.status).toBe(201);
  const id: string = opened.body.id;
  expect(await app.services.engine.fireDueTimers()).toBeGreaterThan(0);
  const send = async (who: Client, type: string, payload: unknown, note?: string) => {
    const sent = await who.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload, note } });
    expect(sent.status, `${type}: ${JSON.stringify(sent.body)}`).toBe(200);
  };
  await send(commander, 'incident.declared', { rationale: 'Demand references customer images.' });
  await send(
    tech,
    'evidence.demand_preserved',
    { sha256: sha, location: 'evidence://locker/demand.eml', headersCaptured: true },
    '<script>alert(1)</script><img src="https://tracker.example/x.png"> [home](/v1/tokens)',
  );
  await send(counsel, 'breach.determined', { finding: 'confirmed', rationale: 'The sample matches.' });
  await send(counsel, 'police.reported', {
    agency: 'Toronto Police Service',
    caseNumber: 'TPS-2026-001',
    summary: 'Extortion demand with a leak threat.',
  });
  await send(counsel, 'insurer.notified', { insurer: 'Northbridge', policyRef: 'CY-778' });
  return { id, commander };
}

describe('GET /v1/incidents/:id/report', () => {
  it('tells a live incident: decisions with rationale, evidence, clocks and filings, escalations, by name and in words', async () => {
    const { id, commander } = await openAndWork();
    const response = await commander.request('GET', `/v1/incidents/${id}/report`);
    expect(response.status).toBe(200);
    const { report } = response.body;
    expect(report.overview).toMatchObject({
      title: 'Extortion email',
      playbook: 'ransom-demand',
      mode: 'live',
      timeZone: 'America/Toronto',
      // Opened three days after the demand arrived.
      openedAt: '2026-11-24T09:00:00.000Z',
    });
    expect(report.now.active).toContainEqual(
      expect.objectContaining({ track: 'Containment', owner: 'Technical lead' }),
    );
    expect(report.decisions).toContainEqual(
      expect.objectContaining({
        event: 'incident.declared',
        rationale: 'Demand references customer images.',
        by: 'Alice Moreau',
      }),
    );
    expect(report.decisions).toContainEqual(
      expect.objectContaining({ event: 'breach.determined', choice: 'confirmed', by: 'Lena Park' }),
    );
    expect(report.evidence).toEqual([
      expect.objectContaining({ sha256: sha, location: 'evidence://locker/demand.eml', by: 'Ravi Shah' }),
    ]);
    // The breach determination started the PIPEDA clock; nothing is filed with the regulator yet.
    const pipeda = report.clocks.find((c: { regime: string }) => c.regime === 'PIPEDA');
    expect(pipeda).toMatchObject({ anchorAt: '2026-11-24T09:00:00.000Z', filedAt: null, status: 'running' });
    expect(report.filings).toEqual([
      expect.objectContaining({
        event: 'police.reported',
        what: 'Police reported',
        by: 'Lena Park',
        details: expect.stringContaining('caseNumber: TPS-2026-001'),
      }),
      expect.objectContaining({ event: 'insurer.notified', what: 'Insurer notified', by: 'Lena Park' }),
    ]);
    // The incident opened three days late: its first deadlines passed, each one named in words.
    expect(report.escalations.length).toBeGreaterThan(0);
    for (const escalation of report.escalations) expect(escalation.label).not.toMatch(/^[a-z_.:-]+$/);
    // Words, not keys: every client event in the timeline is titled, and nobody is a UUID.
    const declared = report.timeline.find((t: { event: string }) => t.event === 'incident.declared');
    expect(declared.what).not.toBe('incident.declared');
    expect(declared.local).toBe('2026-11-24 04:00 EST');
    for (const row of report.timeline) expect(row.by).not.toMatch(/^[0-9a-f-]{36}$/);

    const markdown = await commander.request('GET', `/v1/incidents/${id}/report`, {
      headers: { accept: 'text/markdown' },
    });
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.headers.get('x-content-type-options')).toBe('nosniff');
    expect(markdown.body).toContain('# Incident report: Extortion email');
    expect(markdown.body).toContain('## 3. Decisions and their rationale');
    expect(markdown.body).toMatch(
      /\| 2026-11-24 04:00 EST \(2026-11-24T09:00:00\.000Z\) \| .+ \| confirmed \| The sample matches\. \| Lena Park \|/,
    );
  });

  it('serves the HTML page under the report CSP, with payloads and notes as text', async () => {
    const { id } = await openAndWork();
    const html = await app.admin.request('GET', `/v1/incidents/${id}/report`, {
      headers: { accept: 'text/html' },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.body).toContain('<h1>Incident report: Extortion email</h1>');
    expect(html.body).not.toMatch(/<script|<img|href="\/v1/);
    expect(html.body).toContain('&lt;script&gt;');
  });

  it('is visible as the incident is: 404 for a hidden, unknown or malformed id, 401 without a token', async () => {
    const { id } = await openAndWork();
    const facilitator = await tokenFor(app.services, app.admin, 'Fay', 'facilitator');
    const hidden = await facilitator.request('GET', `/v1/incidents/${id}/report`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('not_found');
    expect(
      (await app.admin.request('GET', '/v1/incidents/00000000-0000-4000-8000-000000000000/report')).status,
    ).toBe(404);
    expect((await app.admin.request('GET', '/v1/incidents/not-a-uuid/report')).status).toBe(404);
    const anonymous = await client(app.services, null).request('GET', `/v1/incidents/${id}/report`);
    expect(anonymous.status).toBe(401);
  });

  it('reports an exercise incident to its facilitator, marked as an exercise', async () => {
    const facilitator = await tokenFor(app.services, app.admin, 'Fay', 'facilitator');
    const started = await facilitator.request('POST', '/v1/exercises', { body: { scenarioId: 'jj-meds' } });
    const report = await facilitator.request('GET', `/v1/incidents/${started.body.incidentId}/report`, {
      headers: { accept: 'text/markdown' },
    });
    expect(report.status).toBe(200);
    expect(report.body).toContain('**EXERCISE**');
  });
});
