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
  output: () => string;
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

const exited = (child: ChildProcess) =>
  new Promise<void>((resolveExit) =>
    child.exitCode !== null ? resolveExit() : child.once('exit', () => resolveExit()),
  );

/** Starts `holdfast serve --port 0 …args` and resolves once it listens. */
export function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [holdfastBin, 'serve', '--port', '0', ...args], { env });
  running.add(child);
  let output = '';
  return new Promise((resolveStart, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/holdfast listening on (http:\/\/\S+)/);
      if (match) {
        resolveStart({
          url: match[1]!,
          output: () => output,
          child,
          kill9: async () => {
            child.kill('SIGKILL');
            await exited(child);
            running.delete(child);
          },
          stop: async () => {
            child.kill('SIGTERM');
            await exited(child);
            running.delete(child);
          },
        });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
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
