import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { createLogger, createServices, openMigratedDatabase } from '../../src/main';
import { buildReport, bundledScenarios, reportHtml, reportMarkdown, runScripted } from '../../src/tabletop';

/**
 * Every bundled scenario, every script, run headless on the embedded database as `holdfast tabletop run`
 * does (one in-memory PGlite for all), with its report rendered. Goal: all runs under 10 s in total (opening
 * the database, a few seconds for PGlite, is reported apart).
 */
export async function benchTabletop(log: (line: string) => void) {
  const opening = performance.now();
  const config = loadConfig({ HOLDFAST_DATA_DIR: 'memory://bench-tabletop', LOG_LEVEL: 'silent' }, {});
  const database = await openMigratedDatabase(config);
  const openMs = performance.now() - opening;
  try {
    const { engine, registry } = createServices(database, config, createLogger('silent'));
    const runs: { scenario: string; script: string; ms: number }[] = [];
    const started = performance.now();
    for (const { id, scenario } of bundledScenarios()) {
      for (const script of [undefined, ...Object.keys(scenario.alternativeScripts)]) {
        const t0 = performance.now();
        const run = await runScripted(engine, scenario, { script });
        const report = buildReport(run, registry.get(run.incident.playbookId, run.incident.playbookVersion));
        reportMarkdown(report, 'bench');
        reportHtml(report, 'bench');
        runs.push({ scenario: id, script: script ?? 'main', ms: Math.round(performance.now() - t0) });
        log(`tabletop ${id} (${script ?? 'main'}): ${runs.at(-1)!.ms} ms`);
      }
    }
    const totalMs = Math.round(performance.now() - started);
    return {
      scenarios: runs.length,
      databaseOpenMs: Math.round(openMs),
      allScenariosMs: totalMs,
      withDatabaseOpenMs: Math.round(totalMs + openMs),
      goalMs: 10_000,
      goalMet: totalMs < 10_000,
      runs,
    };
  } finally {
    await database.close();
  }
}
