import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/client';
import { openTestPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/databases';
import { type Client, client, type Services, testServices, tokenFor } from '../support/http';

const v1 = readFileSync(
  resolve(import.meta.dirname, '../fixtures/playbook-files/small.playbook.yaml'),
  'utf8',
);
/** Version 2: the same playbook with a notice that must also name who was told. */
const v2 = v1
  .replace('version: 1', 'version: 2')
  .replace('title: Small outage', 'title: Small outage (with the audience of the notice)');

const publish = (admin: Client, text: string) =>
  admin.request('POST', '/v1/playbooks', { rawBody: text, headers: { 'content-type': 'application/yaml' } });

const openOutage = (admin: Client, title: string) =>
  admin.request('POST', '/v1/incidents', {
    body: { playbookId: 'small-outage', title, input: { organisation: { name: 'Example Ltd' } } },
  });

describe.skipIf(!TEST_DATABASE_URL)(
  'playbook files published on one Postgres database, two instances',
  () => {
    let test: TestDatabase;
    let second: Database;
    let a: Services;
    let b: Services;
    let adminA: Client;
    let adminB: Client;

    beforeAll(async () => {
      test = await openTestPostgres(10);
      // Instance B has its own pool and registry: it shares nothing with A but the database.
      second = await openDatabase({ databaseUrl: test.url!, dataDir: '', maxConnections: 10 });
      a = testServices(test);
      b = testServices({ ...test, database: second });
      adminA = client(a);
      adminB = client(b);
    });
    afterAll(async () => {
      await second?.close();
      await test?.dispose();
    });

    const send = async (admin: Client, id: string, type: string, payload: unknown = {}) => {
      const response = await admin.request('POST', `/v1/incidents/${id}/events`, { body: { type, payload } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };

    it('refuses a broken file with its line, and publishes nothing', async () => {
      const broken = v1
        .replace('id: small-outage', 'id: broken-outage')
        .replace('{ optionIs: skip }', '{ optionWas: skip }');
      const response = await publish(adminA, broken);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.problems[0]).toMatchObject({
        line: 53,
        column: 31,
        message: 'unknown guard "optionWas"',
      });
      expect((await adminB.request('GET', '/v1/playbooks/broken-outage')).status).toBe(404);
      expect((await adminA.request('GET', '/v1/playbooks/broken-outage')).status).toBe(404);
    });

    it('lets only an admin publish, and only YAML', async () => {
      const observer = await tokenFor(a, adminA, 'publisher-observer', 'observer');
      expect((await publish(client(a, observer.token), v1)).status).toBe(403);
      const asJson = await adminA.request('POST', '/v1/playbooks', { body: { source: v1 } });
      expect(asJson.status).toBe(400);
    });

    it('serves a version published on A from B: opened there and walked to closure over HTTP', async () => {
      const published = await publish(adminA, v1);
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({ id: 'small-outage', version: 1, status: 'published' });
      expect(published.body.contentHash).toMatch(/^[a-f0-9]{64}$/);

      const listed = await adminB.request('GET', '/v1/playbooks');
      expect(listed.body.items.find((p: { id: string }) => p.id === 'small-outage')).toMatchObject({
        versions: [1],
      });
      const opened = await openOutage(adminB, 'API down');
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      expect(opened.body.playbookVersion).toBe(1);
      const id = opened.body.id;
      await send(adminB, id, 'incident.declared', { rationale: 'It is down.' });
      await send(adminB, id, 'service.restored', { how: 'Rolled back.' });
      await send(adminB, id, 'notice.decided', { option: 'skip', rationale: 'Nobody noticed.' });
      const closed = await send(adminB, id, 'incident.closed', { rationale: 'Back, and no notice needed.' });
      expect(closed.incident).toMatchObject({ status: 'closed', playbookVersion: 1 });
    });

    it('makes republishing the same content a no-op, and refuses other content under that version with its line', async () => {
      const again = await publish(adminB, v1);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('unchanged');
      const changed = await publish(
        adminB,
        v1.replace('title: Small outage', 'title: Small outage, changed'),
      );
      expect(changed.status).toBe(409);
      expect(changed.body.problems[0]).toMatchObject({ line: 4, column: 10 });
      expect(changed.body.problems[0].hint).toContain('version 2');
      const pulled = await adminB.request('GET', '/v1/playbooks/small-outage/file?version=1');
      expect(pulled.status).toBe(200);
      expect(
        await (
          await b.app.request('/v1/playbooks/small-outage/file?version=1', {
            headers: { authorization: `Bearer ${adminB.token}` },
          })
        ).text(),
      ).toBe(v1);
    });

    it('refuses to publish over a bundled version', async () => {
      const bundled = readFileSync(
        resolve(import.meta.dirname, '../../playbooks/cross-customer-exposure/v2.playbook.yaml'),
        'utf8',
      );
      const response = await publish(
        adminA,
        bundled.replace('title: Cross-customer', 'title: Our cross-customer'),
      );
      expect(response.status).toBe(409);
      expect(response.body.detail).toContain('bundled');
    });

    it('leaves an incident open on v1 on v1 when v2 is published later; new incidents get v2', async () => {
      const opened = await openOutage(adminA, 'DB down');
      expect(opened.body.playbookVersion).toBe(1);
      const id = opened.body.id;
      await send(adminA, id, 'incident.declared', { rationale: 'It is down.' });

      expect((await publish(adminA, v2)).status).toBe(201);
      const later = await openOutage(adminB, 'Queue down');
      expect(later.body.playbookVersion).toBe(2);

      // The v1 incident goes on, on either instance, on v1.
      await send(adminB, id, 'service.restored', { how: 'Failover.' });
      const view = await adminB.request('GET', `/v1/incidents/${id}`);
      expect(view.body.playbookVersion).toBe(1);
      const definition = await adminB.request('GET', '/v1/playbooks/small-outage?version=1');
      expect(definition.body.title).toBe('Small outage');
      expect((await adminB.request('GET', '/v1/playbooks/small-outage')).body.versions).toEqual([1, 2]);
    });
  },
);
