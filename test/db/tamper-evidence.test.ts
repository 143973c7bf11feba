import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client';
import { PgIncidentStore } from '../../db/store';
import { type EventRecord, hashEvent, verifyChain } from '../../src/engine';
import { openTestPglite, openTestPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/databases';
import { type Client, client, type Services, testClock, testServices } from '../support/http';
import { cleanEnv, holdfastBin } from '../support/processes';

/**
 * The forgery of the finding, exactly: with the owner's role, take the append-only trigger off, change seq 10's
 * payload, recompute hashes 10..55 with the project's own hashing, set head_hash, put the trigger back. The hash
 * chain then recomputes; the signed checkpoints, made with a key the database never held, do not.
 */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'holdfast-tamper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backends = [
  { name: 'pglite', enabled: true, open: openTestPglite },
  { name: 'postgres', enabled: Boolean(TEST_DATABASE_URL), open: () => openTestPostgres() },
];

/** `holdfast audit verify <bundle> --public-key <key>`: its exit code and output. */
async function auditVerify(bundle: unknown, publicKeyPem: string, name: string) {
  const bundleFile = join(dir, `${name}.json`);
  const keyFile = join(dir, `${name}.pem`);
  writeFileSync(bundleFile, JSON.stringify(bundle));
  writeFileSync(keyFile, publicKeyPem);
  try {
    const { stdout } = await run(
      process.execPath,
      [holdfastBin, 'audit', 'verify', bundleFile, '--public-key', keyFile],
      { env: cleanEnv() },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`tamper evidence on ${backend.name}`, () => {
    const clock = testClock('2026-03-08T10:00:00.000Z');
    let test: TestDatabase;
    let services: Services;
    let admin: Client;
    beforeAll(async () => {
      test = await backend.open();
    });
    afterAll(async () => {
      await test?.dispose();
    });
    beforeEach(async () => {
      await test.reset();
      clock.set('2026-03-08T10:00:00.000Z');
      services = testServices(test, {}, clock.now);
      admin = client(services);
    });

    const exec = (query: ReturnType<typeof sql>) => test.database.db.execute(query);

    /** An incident with `events` events (the opening and notes), one per second. */
    async function incidentWith(events: number): Promise<string> {
      const opened = await admin.request('POST', '/v1/incidents', {
        body: { playbookId: 'drill', title: 'Drill', input: { deadlineHours: 48 } },
      });
      expect(opened.status).toBe(201);
      for (let seq = 2; seq <= events; seq++) {
        clock.advance(1000);
        const sent = await admin.request('POST', `/v1/incidents/${opened.body.id}/events`, {
          body: { type: 'note.added', payload: { text: `note ${seq}` } },
        });
        expect(sent.status).toBe(200);
      }
      return opened.body.id;
    }

    const allEvents = (id: string) => new PgIncidentStore(test.database.db).listEvents(id, 0, 1000);

    /** The finding's forgery, through SQL only, hashed with `hashEvent` like the engine does. */
    async function resealWithChangedPayload(id: string, seq: number, payload: unknown): Promise<void> {
      const events = await allEvents(id);
      await exec(sql`alter table incident_events disable trigger incident_events_append_only`);
      let prevHash = events[seq - 2]!.hash;
      for (const event of events.slice(seq - 1)) {
        const { hash: _old, ...facts } = {
          ...event,
          prevHash,
          payload: event.seq === seq ? payload : event.payload,
        };
        const hash = hashEvent(facts);
        await exec(sql`
          update incident_events set payload = ${JSON.stringify(facts.payload)}::jsonb, prev_hash = ${prevHash},
            hash = ${hash}
          where incident_id = ${id} and seq = ${event.seq}`);
        prevHash = hash;
      }
      await exec(sql`update incidents set head_hash = ${prevHash} where id = ${id}`);
      await exec(sql`alter table incident_events enable trigger incident_events_append_only`);
    }

    it('catches a re-sealed rewrite (seq 10 changed, hashes 10..55 recomputed, head_hash updated): verify and audit verify name seq 10', async () => {
      const id = await incidentWith(55);
      const keyPem = services.keyring.published()[0]!.publicKeyPem;
      expect((await admin.request('GET', `/v1/incidents/${id}/verify`)).body).toMatchObject({
        ok: true,
        events: 55,
        checkpoint: { ok: true, seq: 55, keyId: services.keyring.keyId },
      });
      const honest = await auditVerify(
        await services.audit.exportBundle(id),
        keyPem,
        `${backend.name}-honest`,
      );
      expect(honest).toMatchObject({ code: 0 });
      expect(honest.stdout).toContain(`ok: incident ${id}, 55 events`);

      await resealWithChangedPayload(id, 10, { text: 'the demand was paid' });

      // The forgery is a real re-seal: the hash chain alone recomputes (what verify answered before).
      const [row] = rowsOf<{ head_hash: string; version: number }>(
        await exec(sql`select head_hash, version from incidents where id = ${id}`),
      );
      const forged: EventRecord[] = await allEvents(id);
      expect(forged[9]!.payload).toEqual({ text: 'the demand was paid' });
      expect(verifyChain(forged, row!.head_hash, row!.version).ok).toBe(true);

      const verdict = (await admin.request('GET', `/v1/incidents/${id}/verify`)).body;
      expect(verdict).toMatchObject({
        ok: false,
        events: 55,
        firstBadSeq: 10,
        reason: 'the history differs from what was signed: rewritten at seq 10',
        checkpoint: { ok: false, seq: 55, keyId: services.keyring.keyId, firstBadSeq: 10 },
      });

      const audited = await auditVerify(
        await services.audit.exportBundle(id),
        keyPem,
        `${backend.name}-forged`,
      );
      expect(audited.code).toBe(1);
      expect(audited.stdout).toContain(`FAILED: incident ${id}: first bad seq 10:`);
    });

    it('seals incidents written before checkpoints existed, only when their chain verifies', async () => {
      const legacy = await incidentWith(3);
      const broken = await incidentWith(2);
      // As before the upgrade: no checkpoints (removed by a superuser, as replica, past the triggers).
      await test.database.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql`delete from incident_checkpoints where incident_id in (${legacy}, ${broken})`);
        await tx.execute(
          sql`update incident_events set payload = '{"text":"edited"}' where incident_id = ${broken} and seq = 2`,
        );
      });
      expect((await admin.request('GET', `/v1/incidents/${legacy}/verify`)).body).toMatchObject({
        ok: false,
        firstBadSeq: 1,
        checkpoint: { ok: false, reason: 'no signed checkpoint: nothing vouches for this history' },
      });

      clock.advance(60_000);
      const { sealed, refused } = await services.audit.sealUnsealed();
      expect(sealed).toEqual([legacy]);
      expect(refused).toEqual([{ incidentId: broken, reason: 'seq 2: hash does not match the event facts' }]);
      expect((await admin.request('GET', `/v1/incidents/${legacy}/verify`)).body).toMatchObject({
        ok: true,
        checkpoint: { ok: true, seq: 3, signedAt: '2026-03-08T10:01:03.000Z' },
      });
      expect(await services.audit.sealUnsealed()).toEqual({ sealed: [], refused: refused });
    });

    it('refuses TRUNCATE of the history, even to the owner, and any change to checkpoints', async () => {
      const id = await incidentWith(3);
      for (const statement of [
        sql`truncate incident_events`,
        sql`truncate incident_checkpoints`,
        sql`truncate incidents cascade`,
        sql`update incident_checkpoints set hash = 'forged' where incident_id = ${id}`,
        sql`delete from incident_checkpoints where incident_id = ${id}`,
      ]) {
        await expect(exec(statement)).rejects.toMatchObject({
          cause: { message: expect.stringContaining('is append-only') },
        });
      }
      expect(await allEvents(id)).toHaveLength(3);
      expect(await new PgIncidentStore(test.database.db).listCheckpoints(id)).toHaveLength(3);
      expect((await admin.request('GET', `/v1/incidents/${id}/verify`)).body.ok).toBe(true);
    });
  });
}
