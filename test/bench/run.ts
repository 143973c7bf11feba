import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchAdvance } from './advance';
import { benchFacilitator } from './facilitator';
import { benchPolling } from './polling';
import { benchTabletop } from './tabletop';
import { type BenchTarget, openBenchTarget } from './target';
import { benchTimers } from './timers';
import { benchWebhooks } from './webhooks';

/**
 * `npm run bench`: figures measured against floors taken in the same run, printed and written to
 * bench-results/latest.json. On the Postgres server of DATABASE_URL when it is set (each figure on a
 * scratch database, created and dropped; the floors use postgres.js), else on in-memory PGlite in this
 * process. The tabletop figure always runs on the embedded database, as `holdfast tabletop run` does.
 * BENCH_ONLY=facilitator,polling (say) runs only those figures.
 */
const serverUrl = process.env.DATABASE_URL || undefined;
const timerCount = Number(process.env.BENCH_TIMERS ?? 10_000);
const webhookCount = Number(process.env.BENCH_WEBHOOKS ?? 10_000);
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const wanted = (name: string) => !only || only.includes(name);
const log = (line: string) => console.log(line);
const prefix = `holdfast_bench_${Date.now()}`;

async function on<T>(name: string, run: (target: BenchTarget) => Promise<T>): Promise<T> {
  const target = await openBenchTarget(`${prefix}_${name}`, serverUrl);
  try {
    return await run(target);
  } finally {
    await target.dispose();
  }
}

console.log(`benchmarks on ${serverUrl ? 'Postgres (DATABASE_URL)' : 'in-memory PGlite (no DATABASE_URL)'}`);
const tabletop = wanted('tabletop') ? await benchTabletop(log) : undefined;
const polling = wanted('polling') ? await on('polling', (target) => benchPolling(target, log)) : undefined;
const advance = wanted('advance') ? await on('advance', (target) => benchAdvance(target, log)) : undefined;
const timers = wanted('timers')
  ? await on('timers', (target) => benchTimers(target, timerCount, log))
  : undefined;
const facilitator = wanted('facilitator')
  ? await on('facilitator', (target) => benchFacilitator(target, log))
  : undefined;
const webhooks = wanted('webhooks')
  ? await on('webhooks', (target) => benchWebhooks(target, webhookCount, log))
  : undefined;
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  database: serverUrl ? 'postgres' : 'pglite',
};
const result = {
  measuredAt: new Date().toISOString(),
  machine,
  advance,
  timers,
  tabletop,
  polling,
  facilitator,
  webhooks,
};
if (timers) console.table(timers);
if (tabletop) console.table({ ...tabletop, runs: undefined });
if (polling) console.table(polling);
if (advance) console.table({ ...advance, hotIncidentStatuses: JSON.stringify(advance.hotIncidentStatuses) });
if (facilitator) console.table(facilitator);
if (webhooks) console.table(webhooks);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
console.log('written to bench-results/latest.json');
process.exit(0);
