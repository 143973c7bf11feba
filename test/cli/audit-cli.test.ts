import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jjMedsInput } from '../fixtures/jj-meds';
import type { Body } from '../support/http';
import { cleanEnv, holdfastBin, killAll, startServe } from '../support/processes';

const run = promisify(execFile);
const ADMIN = 'audit-cli-admin-token-0123456';
// The embedded database keeps its signing key in its data folder.
const env = cleanEnv({ HOLDFAST_ADMIN_TOKEN: ADMIN, HOLDFAST_SIGNING_KEY_FILE: '' });

const dirs: string[] = [];
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function holdfast(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [holdfastBin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const send = (base: string, id: string, type: string, rationale: string, payload: object = {}) =>
  api(base, 'POST', `/v1/incidents/${id}/events`, { type, payload: { ...payload, rationale } });

describe('holdfast audit and keys', () => {
  it('creates the signing key in the data folder, exports a bundle that verifies offline against the public key, and keeps verifying across a rotation', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-audit-'));
    dirs.push(dataDir);
    const file = (name: string) => join(dataDir, name);

    const first = await startServe(['--data-dir', dataDir], env);
    const created = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; keyId?: string; publicKey?: string })
      .find((line) => line.msg.startsWith('created a checkpoint signing key'));
    expect(statSync(file('signing-key.pem')).mode & 0o777).toBe(0o600);
    const keys = (await (await fetch(`${first.url}/v1/keys`)).json()) as {
      items: { publicKeyPem: string }[];
    };
    expect(keys.items).toEqual([expect.objectContaining({ keyId: created?.keyId, status: 'current' })]);
    expect(keys.items[0]!.publicKeyPem).toBe(created?.publicKey);

    // Received now: its first deadline is 30 minutes away, so no timer adds events while the test runs.
    const opened = await api(first.url, 'POST', '/v1/incidents', {
      playbookId: 'ransom-demand',
      title: 'JJ Meds',
      input: jjMedsInput(new Date().toISOString()),
    });
    const id = opened.body.id as string;
    expect(
      (await send(first.url, id, 'incident.declared', 'Extortion demand naming customer data')).status,
    ).toBe(200);
    await first.stop();

    const oldKey = await holdfast('keys', 'public', '--data-dir', dataDir);
    expect(oldKey.stdout).toBe(created?.publicKey);
    writeFileSync(file('old.pem'), oldKey.stdout);
    expect(
      await holdfast('audit', 'export', id, '--data-dir', dataDir, '--out', file('bundle-1.json')),
    ).toMatchObject({ code: 0 });
    const verified = await holdfast(
      'audit',
      'verify',
      file('bundle-1.json'),
      '--public-key',
      file('old.pem'),
    );
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toContain(`ok: incident ${id}, 2 events`);

    const stranger = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    writeFileSync(file('stranger.pem'), stranger);
    const untrusted = await holdfast(
      'audit',
      'verify',
      file('bundle-1.json'),
      '--public-key',
      file('stranger.pem'),
    );
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain('which is not trusted');

    const rotated = await holdfast('keys', 'rotate', '--data-dir', dataDir);
    expect(rotated.stdout).toContain(`retired ${created?.keyId}`);
    const second = await startServe(['--data-dir', dataDir], env);
    const offline = await send(second.url, id, 'site.taken_offline', 'Stop further access', {
      scope: 'full',
    });
    expect(offline.status).toBe(200);
    expect((await api(second.url, 'GET', `/v1/incidents/${id}/verify`)).body).toMatchObject({
      ok: true,
      events: 3,
    });
    const published = (await (await fetch(`${second.url}/v1/keys`)).json()) as {
      items: { status: string }[];
    };
    const statuses = published.items.map((key) => key.status);
    expect(statuses).toEqual(['current', 'retired']);
    await second.stop();

    writeFileSync(file('new.pem'), (await holdfast('keys', 'public', '--data-dir', dataDir)).stdout);
    await holdfast('audit', 'export', id, '--data-dir', dataDir, '--out', file('bundle-2.json'));
    const bundle = JSON.parse(readFileSync(file('bundle-2.json'), 'utf8'));
    expect(bundle.checkpoints.map((c: { seq: number }) => c.seq)).toEqual([1, 2, 3]);
    expect(
      await holdfast(
        'audit',
        'verify',
        file('bundle-2.json'),
        '--public-key',
        file('old.pem'),
        file('new.pem'),
      ),
    ).toMatchObject({ code: 0 });
    // Every signature is checked offline: the new key alone does not vouch for what the old one signed.
    const newOnly = await holdfast('audit', 'verify', file('bundle-2.json'), '--public-key', file('new.pem'));
    expect(newOnly.code).toBe(1);
    expect(newOnly.stdout).toContain('the checkpoint at seq 1 is signed by key');
  }, 240_000);
});
