import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, holdfastBin } from '../support/processes';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-webhooks-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = cleanEnv({ HOLDFAST_DATA_DIR: dataDir, HOLDFAST_SIGNING_KEY_FILE: '' });
const holdfast = (...args: string[]) => run(process.execPath, [holdfastBin, 'webhooks', ...args], { env });

describe('holdfast webhooks', () => {
  it('subscribes, lists, rotates, disables and replays; a bad URL is refused', async () => {
    const created = await holdfast(
      'create',
      'https://hooks.example.com/holdfast',
      '--type',
      'deadline.passed',
      'clock.changed',
      '--format',
      'slack',
      '--exercises',
      '--audience',
      'legal',
      '--description',
      'Legal channel',
    );
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const id = created.stderr.split('\t')[0]!;
    const listed = (await holdfast('list')).stdout.trim().split('\n');
    expect(listed).toEqual([
      `${id}\thttps://hooks.example.com/holdfast\tslack\tlegal\tactive\t{"modes":["live","exercise"],"types":["deadline.passed","clock.changed"]}`,
    ]);
    expect(listed.join('\n')).not.toContain(secret);
    const rotated = (await holdfast('rotate-secret', id, '--overlap-hours', '2')).stdout.trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    expect((await holdfast('disable', id)).stdout).toContain('\tdisabled\t');
    expect((await holdfast('replay', id)).stdout).toBe('0 queued\n');
    const refused = await holdfast('create', 'ftp://example.com/').catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('must be http or https');
    await holdfast('delete', id);
    expect((await holdfast('list')).stdout).toBe('');
  }, 300_000);
});
