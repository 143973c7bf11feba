import { describe, expect, it } from 'vitest';
import { ransomDemandV3 } from '../../playbooks/ransom-demand';
import { jjMedsInput } from '../fixtures/jj-meds';
import { testClock, tokenFor, useTestApp } from '../support/http';

const received = '2026-11-21T09:00:00.000Z';
const clock = testClock('2026-11-21T09:05:00.000Z');
const app = useTestApp({}, clock.now);

const example = (type: string) => ransomDemandV3.events.find((e) => e.type === type)!.examples[0];

/** JJ Meds with members in the EU, in Japan and under HIPAA: aware, then a confirmed determination. */
async function jjMedsAbroad() {
  const created = await app.admin.request('POST', '/v1/incidents', {
    body: {
      playbookId: 'ransom-demand',
      title: 'JJ Meds: extortion email',
      input: { ...jjMedsInput(received), jurisdictions: ['CA', 'EU', 'JP', 'US-HIPAA'] },
    },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const send = async (type: string, payload: unknown = example(type)) => {
    const sent = await app.admin.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  };
  await send('incident.declared');
  await send('breach.aware', {
    rationale: 'The vendor confirms <script>alert(1)</script> image files were read.',
  });
  await send('breach.determined', {
    finding: 'confirmed',
    affectedCount: 3000,
    rationale: 'The posted sample matches customer ID images.',
  });
  return id;
}

const draft = (id: string, clockId: string, headers: Record<string, string> = {}, query = '') =>
  app.admin.request('GET', `/v1/incidents/${id}/notifications/${clockId}${query}`, { headers });

describe('notification drafts', () => {
  it("fills GDPR Art. 33(3)(a)-(d) from the incident's facts and names what is missing", async () => {
    const id = await jjMedsAbroad();
    const { status, body } = await draft(id, 'gdpr-art33');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      clockId: 'gdpr-art33',
      regime: 'GDPR',
      template: 'GDPR Art. 33(3)',
      clock: { state: 'running', anchor: 'aware' },
    });
    const byId = Object.fromEntries(body.fields.map((f: { id: string }) => [f.id, f]));
    expect(byId.controller).toMatchObject({ value: 'JJ Meds', from: 'input.organisation.name' });
    expect(byId.dataSubjects).toMatchObject({ value: '3000', from: 'breach.determined.affectedCount' });
    expect(byId.dataCategories).toMatchObject({ value: 'health, id_images', cite: 'GDPR Art. 33(3)(a)' });
    expect(byId.awareAt.value).toBe(body.clock.anchorAt);
    expect(byId.delayReason.value).toMatch(/^Not late/);
    expect(byId.measures).toMatchObject({
      from: 'decisions',
      value: expect.stringContaining('incident.declared'),
    });
    // No DPO and no harm assessment are on record yet.
    expect(body.missing).toEqual(['contactPoint', 'consequences']);
  });

  it("drafts APPI's report items (PPC Rules Art. 8(1)) as Markdown, by Accept or ?format", async () => {
    const id = await jjMedsAbroad();
    const byAccept = await draft(id, 'appi-preliminary', { accept: 'text/markdown' });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = byAccept.body as string;
    expect(text).toContain('# Draft notification: APPI (appi-preliminary)');
    expect(text).toContain('**Number of persons concerned** (PPC Rules Art. 8(1)(iii)): 3000');
    expect(text).toMatch(/## Still missing\n\n- Cause \(PPC Rules Art\. 8\(1\)\(iv\)\)/);
    const byQuery = await draft(id, 'appi-confirmed', {}, '?format=markdown');
    expect(byQuery.body).toContain('# Draft notification: APPI (appi-confirmed)');
  });

  it('drafts the HHS breach report as sanitized HTML under a strict CSP', async () => {
    const id = await jjMedsAbroad();
    const { status, headers, body } = await draft(id, 'hipaa-individuals', { accept: 'text/html' });
    expect(status).toBe(200);
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(body).toContain('Approximate number of individuals affected');
    expect(body).toContain('Safeguards in place before the breach');
    expect(body).not.toContain('<script>');
    const json = await draft(id, 'hipaa-individuals');
    expect(json.body.template).toBe('HHS breach report');
    expect(json.body.missing).toContain('safeguards');
    expect(json.body.missing).not.toContain('individuals');
  });

  it('uses the generic form for other clocks', async () => {
    const id = await jjMedsAbroad();
    const { body } = await draft(id, 'pipeda-opc');
    expect(body).toMatchObject({
      template: 'generic',
      recipient: 'Office of the Privacy Commissioner of Canada',
    });
    expect(body.fields.find((f: { id: string }) => f.id === 'affected').value).toBe('3000');
  });

  it('answers an unknown clock 404 and a clock the incident never started 409, as problems', async () => {
    const id = await jjMedsAbroad();
    const unknown = await draft(id, 'no-such-clock');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(unknown.body.detail).toContain('no-such-clock');
    const notStarted = await draft(id, 'sec-8k-105');
    expect(notStarted.status).toBe(409);
    expect(notStarted.body.detail).toMatch(/has not started/);
    const badFormat = await draft(id, 'gdpr-art33', {}, '?format=pdf');
    expect(badFormat.status).toBe(400);
  });

  it('is seen by whoever sees the incident: a facilitator token finds no live incident', async () => {
    const id = await jjMedsAbroad();
    const facilitator = await tokenFor(app.services, app.admin, 'facilitator', 'facilitator');
    const hidden = await facilitator.request('GET', `/v1/incidents/${id}/notifications/gdpr-art33`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).not.toMatch(/gdpr/i);
  });
});
