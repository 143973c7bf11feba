import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../bin/holdfast.mjs');
const run = promisify(execFile);
const cleanEnv = {
  ...process.env,
  DATABASE_URL: '',
  HOLDFAST_ADMIN_TOKEN: '',
  PORT: '',
  HOST: '',
  LOG_LEVEL: 'warn',
};

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-cli-'));
  dirs.push(dir);
  return dir;
}

/** Starts `holdfast serve` and resolves with its URL and everything it printed up to listening. */
function serve(dataDir: string): Promise<{ url: string; output: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: cleanEnv,
  });
  children.push(child);
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/holdfast listening on (http:\/\/\S+)/);
      if (match) resolvePromise({ url: match[1]!, output, child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

describe('the holdfast command', () => {
  it('lists playbooks', async () => {
    const { stdout } = await run(process.execPath, [bin, 'playbooks', 'list'], { env: cleanEnv });
    expect(stdout).toMatch(/^ransom-demand\tv1\t/m);
  });

  it('serves on the embedded database, prints a first-start admin token once, and refuses a second process on the same folder', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    const token = first.output.match(/^\s+(hf_\S+)$/m)?.[1];
    expect(token).toBeDefined();
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    const playbooks = await fetch(`${first.url}/v1/playbooks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await playbooks.json()) as { items: { id: string }[] }).items.map((p) => p.id)).toContain(
      'ransom-demand',
    );

    const second = await run(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
      env: cleanEnv,
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(second?.code).toBe(1);
    expect(second?.stderr).toContain('in use by another holdfast process');

    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    const again = await serve(dataDir);
    expect(again.output).not.toMatch(/First start/);
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
  });

  it('migrates and creates a token whose secret it prints once', async () => {
    const dataDir = tempDir();
    const migrated = await run(process.execPath, [bin, 'migrate', '--data-dir', dataDir], { env: cleanEnv });
    expect(migrated.stdout).toContain('migrated (pglite)');
    const created = await run(
      process.execPath,
      [
        bin,
        'token',
        'create',
        '--name',
        'alice-ic',
        '--role',
        'incident_commander',
        'technical_lead',
        '--data-dir',
        dataDir,
      ],
      { env: cleanEnv },
    );
    expect(created.stdout.trim()).toMatch(/^hf_[A-Za-z0-9_-]{20,}$/);
    expect(created.stderr).toContain('roles: incident_commander, technical_lead');
    const bad = await run(
      process.execPath,
      [bin, 'token', 'create', '--name', 'x', '--role', 'wizard', '--data-dir', dataDir],
      {
        env: cleanEnv,
      },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain('unknown role(s): wizard');
  });

  it('fails fast on bad configuration', async () => {
    const result = await run(process.execPath, [bin, 'serve'], { env: { ...cleanEnv, PORT: 'eighty' } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toContain('PORT');
  });
});
