import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const holdfastBin = resolve(import.meta.dirname, '../../bin/holdfast.mjs');

const keyDir = mkdtempSync(join(tmpdir(), 'holdfast-process-keys-'));
process.once('exit', () => rmSync(keyDir, { recursive: true, force: true }));
/** The signing key file of the processes a test file starts (created by the first of them). */
export const PROCESS_SIGNING_KEY_FILE = join(keyDir, 'signing-key.pem');

/**
 * An environment without the caller's holdfast settings. The processes a test file starts share one signing
 * key file, as every instance of a deployment must (on the embedded database, pass
 * `HOLDFAST_SIGNING_KEY_FILE: ''` to keep the key in the data folder).
 */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: '',
  HOLDFAST_ADMIN_TOKEN: '',
  HOLDFAST_DATA_DIR: '',
  HOLDFAST_SIGNING_KEY_FILE: PROCESS_SIGNING_KEY_FILE,
  HOLDFAST_RETIRED_KEYS_DIR: '',
  PORT: '',
  HOST: '',
  LOG_LEVEL: 'warn',
  ...extra,
});

export interface ServeProcess {
  url: string;
  /** stdout and stderr as they arrived. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  /** The secret of the admin token a first start prints on stderr (it may come after the listening line). */
  firstAdminToken(): Promise<string>;
  child: ChildProcess;
  /** SIGKILL, no chance to clean up. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
/** Kills every process a test file started (call in afterAll). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

const FIRST_ADMIN_TOKEN = /^First start: .*shown only this once.*: (hf_\S+)$/m;

/** Starts `holdfast serve --port 0 …args` and resolves once it listens. */
export function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [holdfastBin, 'serve', '--port', '0', ...args], { env });
  running.add(child);
  // After 'close' every byte the process wrote has been read.
  const closed = new Promise<void>((resolveClose) => child.once('close', () => resolveClose()));
  let output = '';
  let stdout = '';
  let stderr = '';
  const firstAdminToken = () =>
    new Promise<string>((resolveToken, reject) => {
      const check = () => {
        const token = stderr.match(FIRST_ADMIN_TOKEN)?.[1];
        if (!token) return;
        child.stderr?.off('data', check);
        resolveToken(token);
      };
      child.stderr?.on('data', check);
      check();
      void closed.then(() => reject(new Error(`serve printed no first admin token: ${output}`)));
    });
  return new Promise((resolveStart, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
      const match = stdout.match(/holdfast listening on (http:\/\/\S+)/);
      if (match) {
        resolveStart({
          url: match[1]!,
          output: () => output,
          stdout: () => stdout,
          stderr: () => stderr,
          firstAdminToken,
          child,
          kill9: async () => {
            child.kill('SIGKILL');
            await closed;
            running.delete(child);
          },
          stop: async () => {
            child.kill('SIGTERM');
            await closed;
            running.delete(child);
          },
        });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stderr += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
