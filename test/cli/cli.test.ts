import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, holdfastBin, killAll, startServe } from '../support/processes';

const bin = holdfastBin;
const run = promisify(execFile);
const env = cleanEnv();

const dirs: string[] = [];
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-cli-'));
  dirs.push(dir);
  return dir;
}

const serve = (dataDir: string) => startServe(['--data-dir', dataDir], env);

describe('the holdfast command', () => {
  it('prints its version, the one package.json gives', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const { stdout } = await run(process.execPath, [bin, flag], { env });
      expect(stdout).toBe(`${version}\n`);
    }
  });

  it('lists playbooks', async () => {
    const { stdout } = await run(process.execPath, [bin, 'playbooks', 'list'], { env });
    expect(stdout).toMatch(/^ransom-demand\tv1,v2,v3\t/m);
    expect(stdout).toMatch(/^ddos-extortion\tv1\tExtortion by DDoS threat$/m);
    expect(stdout.trim().split('\n')).toHaveLength(9);
  });

  it('serves on the embedded database, prints a first-start admin token once, and refuses a second process on the same folder', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    const token = await first.firstAdminToken();
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    const playbooks = await fetch(`${first.url}/v1/playbooks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await playbooks.json()) as { items: { id: string }[] }).items.map((p) => p.id)).toContain(
      'ransom-demand',
    );

    const second = await run(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
      env,
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(second?.code).toBe(1);
    expect(second?.stderr).toContain('in use by another holdfast process');

    await first.stop();
    const again = await serve(dataDir);
    await again.stop();
    expect(again.output()).not.toMatch(/First start/);
  });

  it('prints the first-start admin secret on stderr, never into the JSON log on stdout', async () => {
    const server = await startServe(['--data-dir', tempDir()], cleanEnv({ LOG_LEVEL: 'info' }));
    const token = await server.firstAdminToken();
    expect(server.stderr()).toMatch(/^First start: created an admin token, shown only this once/m);
    await server.stop();
    expect(server.stdout()).not.toContain(token);
    const logLines = server
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string });
    expect(logLines.map((line) => line.msg)).toContain(
      'first start: created an admin token; its secret was written once to stderr, not to this log',
    );
  });

  it('migrates and creates a token whose secret it prints once', async () => {
    const dataDir = tempDir();
    const migrated = await run(process.execPath, [bin, 'migrate', '--data-dir', dataDir], { env });
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
      { env },
    );
    expect(created.stdout.trim()).toMatch(/^hf_[A-Za-z0-9_-]{20,}$/);
    expect(created.stderr).toContain('roles: incident_commander, technical_lead');
    const bad = await run(
      process.execPath,
      [bin, 'token', 'create', '--name', 'x', '--role', 'wizard', '--data-dir', dataDir],
      {
        env,
      },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain('unknown role(s): wizard (roles: admin, ');
    expect(bad?.stderr).toMatch(/\(roles: .*\bfacilitator\b.*\bincident_commander\b.*\bobserver\b/);
  });

  it("lists and revokes tokens and lists principals; a token under an existing name is its principal's", async () => {
    const dataDir = tempDir();
    const holdfast = (...args: string[]) =>
      run(process.execPath, [bin, ...args, '--data-dir', dataDir], { env });
    await holdfast('token', 'create', '--name', 'alice', '--role', 'executive');
    await holdfast('token', 'create', '--name', 'alice', '--role', 'executive', 'legal');
    await holdfast('token', 'create', '--name', 'ci', '--role', 'observer', '--kind', 'service');
    const reserved = await holdfast('token', 'create', '--name', 'holdfast:timer', '--role', 'observer').then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(reserved?.code).toBe(1);
    expect(reserved?.stderr).toContain('reserved');

    const principals = (await holdfast('principal', 'list')).stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(principals.map(([, name, kind]) => [name, kind])).toEqual([
      ['alice', 'person'],
      ['ci', 'service'],
    ]);
    const aliceId = principals[0]![0];
    const listed = () =>
      holdfast('token', 'list').then(({ stdout }) =>
        stdout
          .trim()
          .split('\n')
          .map((line) => line.split('\t')),
      );
    const tokens = await listed();
    expect(tokens.map(([, name, principalId, roles, , state]) => [name, principalId, roles, state])).toEqual([
      ['alice', aliceId, 'executive', 'active'],
      ['alice', aliceId, 'executive,legal', 'active'],
      ['ci', principals[1]![0], 'observer', 'active'],
    ]);

    const revoked = await holdfast('token', 'revoke', tokens[0]![0]!);
    expect(revoked.stdout).toMatch(/\trevoked \d{4}-/);
    expect((await listed()).map((row) => row[5]!.split(' ')[0])).toEqual(['revoked', 'active', 'active']);
    const unknown = await holdfast('token', 'revoke', '00000000-0000-4000-8000-000000000000').then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown?.code).toBe(1);
    expect(unknown?.stderr).toContain('no token');
    const malformed = await holdfast('token', 'revoke', "x' or 1=1").then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(malformed?.code).toBe(1);
    expect(malformed?.stderr).toContain("no token x' or 1=1");
    expect(malformed?.stderr).not.toMatch(/invalid input syntax|uuid|select /i);
  });

  it('links a principal to an OpenID Connect subject, once, and lists the subject', async () => {
    const dataDir = tempDir();
    const holdfast = (...args: string[]) =>
      run(process.execPath, [bin, ...args, '--data-dir', dataDir], { env });
    const subject = 'https://id.example.com/realms/acme#248289761001';
    await holdfast('token', 'create', '--name', 'alice', '--role', 'executive');
    await holdfast('token', 'create', '--name', 'bob', '--role', 'executive');
    const linked = await holdfast('principal', 'link', 'alice', '--oidc-subject', subject);
    expect(linked.stdout.trim().split('\t').slice(1)).toEqual([
      'alice',
      'person',
      expect.any(String),
      subject,
    ]);
    const taken = await holdfast('principal', 'link', 'bob', '--oidc-subject', subject).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(taken?.code).toBe(1);
    expect(taken?.stderr).toContain(`${subject} is already linked to "alice"`);
    const listed = (await holdfast('principal', 'list')).stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(listed.map(([, name, , , linkedTo]) => [name, linkedTo])).toEqual([
      ['alice', subject],
      ['bob', undefined],
    ]);
  });

  it('fails fast on bad configuration', async () => {
    const result = await run(process.execPath, [bin, 'serve'], { env: { ...env, PORT: 'eighty' } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toContain('PORT');
  });
});
