import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../db/data-dir-lock';

const contenderScript = resolve(import.meta.dirname, '../support/lock-contender.ts');
const CONTENDERS = 8;

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-lock-'));
  dirs.push(dir);
  return dir;
}

const lockFile = (dataDir: string) => join(dataDir, 'holdfast.lock');
const lockedBy = (dataDir: string) => JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as { pid: number };

/** A pid no process has any more (the start time written with it is wrong in any case). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

/** Start times come from /proc (Linux); elsewhere the lock checks the pid only. */
const hasProcStartTimes = existsSync(`/proc/${process.pid}/stat`);

const nextMessage = (child: ChildProcess) =>
  new Promise<string>((resolveMessage, reject) => {
    const exited = (code: number | null) => reject(new Error(`a contender exited with ${code}`));
    child.once('exit', exited);
    child.once('message', (message) => {
      child.off('exit', exited);
      resolveMessage(String(message));
    });
  });

let contenders: ChildProcess[] = [];

beforeAll(async () => {
  contenders = Array.from({ length: CONTENDERS }, () =>
    fork(contenderScript, { execArgv: ['--import', 'tsx'], stdio: ['pipe', 'inherit', 'inherit', 'ipc'] }),
  );
  const ready = await Promise.all(contenders.map(nextMessage));
  expect(ready).toEqual(contenders.map(() => 'ready'));
});

afterAll(() => {
  for (const child of contenders) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Has `children` try to lock `dataDir` at once; each keeps what it won until the end of the file. */
async function tryLock(children: ChildProcess[], dataDir: string): Promise<string[]> {
  const armed = children.map(nextMessage);
  for (const child of children) child.send(dataDir);
  await Promise.all(armed);
  const answers = children.map(nextMessage);
  for (const child of children) child.stdin!.write('.');
  return Promise.all(answers);
}

async function contend(dataDir: string): Promise<void> {
  const results = await tryLock(contenders, dataDir);
  expect([...results].sort()).toEqual(['won', ...Array(CONTENDERS - 1).fill('refused')].sort());
  expect(lockedBy(dataDir).pid).toBe(contenders[results.indexOf('won')]!.pid);
  expect(readdirSync(dataDir)).toEqual(['holdfast.lock']);
}

describe('the data folder lock across processes', () => {
  it('is won by exactly one of eight processes trying an empty folder at once, fifty times over', async () => {
    for (let round = 0; round < 50; round++) await contend(tempDir());
  });

  it('is taken over by exactly one of eight processes when its holder is gone', async () => {
    for (let round = 0; round < 10; round++) {
      const dataDir = tempDir();
      writeFileSync(lockFile(dataDir), JSON.stringify({ pid: deadPid(), startTime: '1' }));
      await contend(dataDir);
    }
  });

  it.runIf(hasProcStartTimes)(
    'is taken over by exactly one of eight processes when its pid now belongs to another process',
    async () => {
      for (let round = 0; round < 10; round++) {
        const dataDir = tempDir();
        writeFileSync(lockFile(dataDir), JSON.stringify({ pid: process.pid, startTime: '1' }));
        await contend(dataDir);
      }
    },
  );
});

describe('the data folder lock in one process', () => {
  it('refuses a folder a running process holds, naming it', async () => {
    const dataDir = tempDir();
    const holder = contenders[0]!;
    expect(await tryLock([holder], dataDir)).toEqual(['won']);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dataDir)).toThrow(`in use by another holdfast process (pid ${holder.pid})`);
  });

  it('takes over a lock whose process is gone, and removes it on release', () => {
    const dataDir = tempDir();
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: deadPid() }));
    const release = lockDataDir(dataDir);
    expect(lockedBy(dataDir).pid).toBe(process.pid);
    release();
    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it.runIf(hasProcStartTimes)('takes over a lock whose pid is alive but started at another time', () => {
    const dataDir = tempDir();
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: contenders[0]!.pid, startTime: '1' }));
    lockDataDir(dataDir)();
  });

  it.runIf(hasProcStartTimes)('refuses a second lock on a folder this process holds', () => {
    const dataDir = tempDir();
    const release = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    release();
    lockDataDir(dataDir)();
  });

  it('takes over a lock naming only its own pid: a container restarts with the pid its predecessor had', () => {
    const dataDir = tempDir();
    writeFileSync(lockFile(dataDir), String(process.pid));
    lockDataDir(dataDir)();
    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it('leaves a lock that is no longer its own on release', () => {
    const dataDir = tempDir();
    const release = lockDataDir(dataDir);
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: contenders[0]!.pid }));
    release();
    expect(lockedBy(dataDir).pid).toBe(contenders[0]!.pid);
  });
});
