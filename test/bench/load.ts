import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  baseUrl: string;
  method: 'GET' | 'POST';
  /** Connection k sends to paths k, k + connections, …: as many paths as connections keeps them apart. */
  paths: string[];
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  /** Answers by status code. */
  statuses: Record<string, number>;
  errors: number;
  /** 2xx answers per second. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** A closed-loop load from a worker thread, so the server under test keeps this thread to itself. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: options });
  const raw = await new Promise<{ statuses: Record<string, number>; errors: number; latencies: number[] }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  await worker.terminate();
  const ok = Object.entries(raw.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  const sorted = raw.latencies.sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
  return {
    statuses: raw.statuses,
    errors: raw.errors,
    okPerSecond: Math.round(ok / options.seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

export const round = (value: number) => Math.round(value * 1000) / 1000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
