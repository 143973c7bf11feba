import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data folder ${dataDir} is in use by another holdfast process (pid ${pid}). ` +
        'The embedded database serves one process only; stop that process, use another HOLDFAST_DATA_DIR, ' +
        'or run several instances on Postgres with DATABASE_URL.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** The process a lock file names. `startTime` tells a pid's later owner from the process that wrote it. */
interface Holder {
  pid: number;
  startTime?: string | undefined;
}

/**
 * When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined without /proc
 * (not Linux) or when the process is gone.
 */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields from after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function parseHolder(text: string): Holder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Older versions wrote the bare pid.
  const fields = typeof value === 'number' ? { pid: value } : value;
  const { pid, startTime } = (fields ?? {}) as { pid?: unknown; startTime?: unknown };
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, startTime: typeof startTime === 'string' ? startTime : undefined };
}

/** Whether the process that wrote the lock still runs: its pid is alive and started when the lock says. */
function stillRuns({ pid, startTime }: Holder): boolean {
  // Without a start time our own pid can only be a predecessor's: a container restarts as the same pid.
  if (startTime === undefined) return pid !== process.pid && isAlive(pid);
  return isAlive(pid) && (startTimeOf(pid) ?? startTime) === startTime;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates `path` holding `content`, or returns false when it exists. The content is written to a file of
 * our own first and linked into place, so nobody ever reads a lock file without its owner.
 */
function createFile(path: string, content: string): boolean {
  const temp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Creates the lock file `path` with `content` unless a running process holds it; returns that process,
 * or null once the file is ours.
 */
function take(path: string, content: string): Holder | null {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (createFile(path, content)) return null;
    const found = readIfExists(path);
    if (found === undefined) continue; // released meanwhile
    const holder = parseHolder(found);
    if (holder && stillRuns(holder)) return holder;
    // Several processes may find the same stale file. Only the one holding `<path>.takeover` removes it,
    // and only if it still is that file, so none removes a lock another has just created in its place.
    const takeover = `${path}.takeover`;
    if (take(takeover, content) !== null) {
      pause(1); // another process is removing it now
      continue;
    }
    try {
      if (readIfExists(path) === found) rmSync(path, { force: true });
    } finally {
      rmSync(takeover, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}

/**
 * Takes `<dataDir>/holdfast.lock` holding this process's pid and start time. A lock left by a process that
 * no longer runs (killed, crashed, or its pid now another process's) is taken over; a live one is
 * refused. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'holdfast.lock');
  const content = JSON.stringify({ pid: process.pid, startTime: startTimeOf(process.pid) });
  const holder = take(path, content);
  if (holder) throw new DataDirLockedError(dataDir, holder.pid);
  return () => {
    if (readIfExists(path) === content) rmSync(path, { force: true });
  };
}
