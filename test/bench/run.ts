import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import postgres from 'postgres';
import { benchAdvance } from './advance';
import { benchPolling } from './polling';
import { benchTabletop } from './tabletop';
import { benchTimers } from './timers';

/**
 * `npm run bench`: figures measured against floors taken in the same run, printed and written to
 * bench-results/latest.json. Needs a Postgres server (the floors use postgres.js): DATABASE_URL, else
 * BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres. Scratch
 * databases are created and dropped. The tabletop figure runs on the embedded database, as the CLI does.
 */
const serverUrl =
  process.env.DATABASE_URL ||
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres';
const timerCount = Number(process.env.BENCH_TIMERS ?? 10_000);

const name = `holdfast_bench_${Date.now()}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
try {
  const tabletop = await benchTabletop((line) => console.log(line));
  const pollingUrl = new URL(url);
  pollingUrl.pathname = `/${name}_polling`;
  await admin.unsafe(`create database ${name}_polling`);
  const polling = await benchPolling(pollingUrl.toString(), (line) => console.log(line));
  const advanceUrl = new URL(url);
  advanceUrl.pathname = `/${name}_advance`;
  await admin.unsafe(`create database ${name}_advance`);
  const advance = await benchAdvance(advanceUrl.toString(), (line) => console.log(line));
  const timers = await benchTimers(url.toString(), timerCount, (line) => console.log(line));
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const result = { measuredAt: new Date().toISOString(), machine, advance, timers, tabletop, polling };
  console.table(timers);
  console.table({ ...tabletop, runs: undefined });
  console.table(polling);
  console.table({ ...advance, hotIncidentStatuses: JSON.stringify(advance.hotIncidentStatuses) });
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('written to bench-results/latest.json');
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`drop database if exists ${name}_polling with (force)`);
  await admin.unsafe(`drop database if exists ${name}_advance with (force)`);
  await admin.end();
}
