import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { ransomDemandV1 } from '../../playbooks/ransom-demand';
import { loadConfig } from '../../src/config';
import { PlaybookRegistry } from '../../src/engine';
import { createLogger, createServices } from '../../src/main';
import { ADMIN_TOKEN, client, tokenFor, useTestApp } from '../support/http';

const ctx = useTestApp();
const jjMeds = ransomDemandV1.example!.input;

const openJjMeds = async (admin = ctx.admin) => {
  const created = await admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'ransom-demand', title: 'JJ Meds demand', input: jjMeds },
  });
  expect(created.status).toBe(201);
  return created.body;
};

describe('the playbook catalogue over HTTP', () => {
  it('lists every registered playbook with its versions', async () => {
    const { status, body } = await ctx.admin.request('GET', '/v1/playbooks');
    expect(status).toBe(200);
    const ids = new Set(playbooks.map((p) => p.id));
    expect(
      body.items
        .map((item: { id: string }) => item.id)
        .filter((id: string) => ids.has(id))
        .sort(),
    ).toEqual([...ids].sort());
    const pb1 = body.items.find((item: { id: string }) => item.id === 'ransom-demand');
    expect(pb1).toMatchObject({ version: 3, versions: [1, 2, 3] });
  });

  it.each(playbooks.filter((p) => p.example).map((p) => [`${p.id}@${p.version}`, p] as const))(
    'opens an incident from the seed example and lists what may be sent: %s',
    async (_name, p) => {
      const created = await ctx.admin.request('POST', '/v1/incidents', {
        body: { playbookId: p.id, title: `${p.title} (example)`, input: p.example!.input },
      });
      expect(created.status).toBe(201);
      const got = await ctx.admin.request('GET', `/v1/incidents/${created.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body.allowedEvents.length).toBeGreaterThan(0);
      expect(got.body.active.length).toBeGreaterThan(0);
    },
  );

  it('serves the latest version, or the one asked for', async () => {
    const latest = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand');
    expect(latest.body).toMatchObject({ version: 3, versions: [1, 2, 3] });
    expect(latest.body.events.map((e: { type: string }) => e.type)).toContain('rehearsal.scheduled');
    const v1 = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand?version=1');
    expect(v1.body.version).toBe(1);
    expect(v1.body.events.map((e: { type: string }) => e.type)).not.toContain('rehearsal.scheduled');
    const missing = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand?version=9');
    expect(missing.status).toBe(404);
  });

  it('exports CACAO 2.0 with the TLP marking asked for, and refuses an unknown format or level', async () => {
    const cacao = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand?format=cacao&tlp=TLP:AMBER');
    expect(cacao.status).toBe(200);
    expect(cacao.body).toMatchObject({ type: 'playbook', spec_version: 'cacao-2.0' });
    expect(Object.values(cacao.body.data_marking_definitions)).toEqual([
      expect.objectContaining({ tlpv2_level: 'TLP:AMBER' }),
    ]);
    expect((await ctx.admin.request('GET', '/v1/playbooks/ransom-demand?format=stix')).status).toBe(400);
    expect(
      (await ctx.admin.request('GET', '/v1/playbooks/ransom-demand?format=cacao&tlp=TLP:WHITE')).status,
    ).toBe(400);
  });

  it("draws the diagram, with an incident's active states marked", async () => {
    const plain = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand/diagram');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(plain.body).toMatch(/stateDiagram-v2/);
    expect(plain.body).not.toMatch(/^\s+class .* active$/m);

    const incident = await openJjMeds();
    const marked = await ctx.admin.request(
      'GET',
      `/v1/playbooks/ransom-demand/diagram?incident=${incident.id}`,
    );
    expect(marked.status).toBe(200);
    const active = incident.active.map((state: { path: string }) =>
      state.path.replaceAll('.', '__').replaceAll('-', '_'),
    );
    const classLine = (marked.body as string).match(/^\s+class (\S+) active$/m)?.[1] ?? '';
    expect(classLine.split(',').sort()).toEqual(active.sort());

    const other = await ctx.admin.request(
      'GET',
      `/v1/playbooks/cross-customer-exposure/diagram?incident=${incident.id}`,
    );
    expect(other.status).toBe(400);
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    const hidden = await facilitator.request(
      'GET',
      `/v1/playbooks/ransom-demand/diagram?incident=${incident.id}`,
    );
    expect(hidden.status).toBe(404);
    const unknown = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand/diagram?incident=nope');
    expect(unknown.status).toBe(404);

    // One track alone, its active step marked; a track the playbook lacks is a 400 naming the tracks.
    const legal = await ctx.admin.request(
      'GET',
      `/v1/playbooks/ransom-demand/diagram?incident=${incident.id}&track=legal`,
    );
    expect(legal.status).toBe(200);
    expect(legal.body).toMatch(/^ {2}state "Legal" as legal \{$/m);
    expect(legal.body).not.toMatch(/ as containment\b/);
    const legalActive = active.filter((id: string) => id.startsWith('legal__'));
    const legalClass = (legal.body as string).match(/^\s+class (\S+) active$/m)?.[1] ?? '';
    expect(legalClass.split(',').sort()).toEqual(legalActive.sort());
    for (const track of ['nowhere', 'x'.repeat(101), 'legal\u0000']) {
      const refused = await ctx.admin.request(
        'GET',
        `/v1/playbooks/ransom-demand/diagram?incident=${incident.id}&track=${encodeURIComponent(track)}`,
      );
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    const named = await ctx.admin.request('GET', '/v1/playbooks/ransom-demand/diagram?track=nowhere');
    expect(named.body.tracks).toContain('legal');
  });

  it('serves the file a bundled playbook was compiled from, and says a playbook written in code has none', async () => {
    for (const [id, version, file] of [
      ['ddos-extortion', 1, '../../playbooks/ddos-extortion/v1.playbook.yaml'],
      ['cross-customer-exposure', 2, '../../playbooks/cross-customer-exposure/v2.playbook.yaml'],
    ] as const) {
      const served = await ctx.admin.request('GET', `/v1/playbooks/${id}/file?version=${version}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
      expect(served.body).toBe(readFileSync(new URL(file, import.meta.url), 'utf8'));
    }
    const latest = await ctx.admin.request('GET', '/v1/playbooks/ddos-extortion/file');
    expect(latest.body).toContain('id: ddos-extortion\n');

    const inCode = await ctx.admin.request('GET', '/v1/playbooks/cross-customer-exposure/file?version=1');
    expect(inCode.status).toBe(404);
    expect(inCode.headers.get('content-type')).toContain('application/problem+json');
    expect(inCode.body).toMatchObject({
      code: 'not_found',
      detail: expect.stringMatching(/^cross-customer-exposure version 1 is written in code, no file/),
      versions: [1, 2],
    });
    const noVersion = await ctx.admin.request('GET', '/v1/playbooks/ddos-extortion/file?version=7');
    expect(noVersion.status).toBe(404);
    expect(noVersion.body.detail).toBe('playbook "ddos-extortion" has no version 7 (versions: 1)');
  });

  it('keeps an open incident on the version it was opened with when a new version is deployed', async () => {
    const config = loadConfig({ HOLDFAST_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent' }, {});
    const before = createServices(
      ctx.test.database,
      config,
      createLogger('silent'),
      new PlaybookRegistry([ransomDemandV1]),
    );
    const old = await openJjMeds(client(before));
    expect(old.playbookVersion).toBe(1);

    // The new releases register v2 and v3 beside v1, over the same database.
    const after = client(ctx.services);
    const still = await after.request('GET', `/v1/incidents/${old.id}`);
    expect(still.body.playbookVersion).toBe(1);
    const advanced = await after.request('POST', `/v1/incidents/${old.id}/events`, {
      body: { type: 'triage.started', payload: {} },
    });
    expect(advanced.status).toBe(200);
    expect(advanced.body.incident.playbookVersion).toBe(1);
    const rehearsal = await after.request('POST', `/v1/incidents/${old.id}/events`, {
      body: { type: 'rehearsal.scheduled', payload: { scheduledFor: '2018-06-01', scenario: 'jj-meds' } },
    });
    expect(rehearsal.status).toBe(400);
    const diagram = await after.request('GET', `/v1/playbooks/ransom-demand/diagram?incident=${old.id}`);
    expect(diagram.body).toContain('(v1)');
    expect(diagram.body).not.toContain('Rehearsal');

    const fresh = await openJjMeds(after);
    expect(fresh.playbookVersion).toBe(3);
  });
});
