import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config';
import {
  cacaoPlaybook,
  checkPlaybook,
  mermaidDiagram,
  releaseSnapshot,
  releaseSnapshotPath,
  type TlpLevel,
  tlpLevels,
} from './engine';
import {
  createLogger,
  createRegistry,
  createServices,
  exerciseLimits,
  openMigratedDatabase,
  startServer,
} from './main';
import type { PlaybookDefinition } from './playbook-kit';
import {
  buildReport,
  bundledScenarios,
  checkScenarioClock,
  checkScenarioLimits,
  loadScenario,
  reportHtml,
  reportMarkdown,
  runScripted,
} from './tabletop';

const dbOptions = (command: Command) =>
  command
    .addOption(
      new Option('--database-url <url>', 'Postgres URL (default: embedded PGlite)').env('DATABASE_URL'),
    )
    .addOption(new Option('--data-dir <dir>', 'PGlite data folder').env('HOLDFAST_DATA_DIR'));

const configFrom = (options: { databaseUrl?: string; dataDir?: string; port?: string; host?: string }) =>
  loadConfig({
    DATABASE_URL: options.databaseUrl,
    HOLDFAST_DATA_DIR: options.dataDir,
    PORT: options.port,
    HOST: options.host,
  });

const program = new Command()
  .name('holdfast')
  .description('Extortion-response playbook engine')
  .showHelpAfterError();

dbOptions(
  program
    .command('serve')
    .description('serve the API (migrates the database first)')
    .addOption(new Option('-p, --port <port>', 'port to listen on').env('PORT'))
    .addOption(new Option('--host <host>', 'address to bind').env('HOST')),
).action(async (options) => {
  const server = await startServer(configFrom(options));
  process.stdout.write(`holdfast listening on ${server.url}\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

dbOptions(program.command('migrate').description('apply database migrations and exit')).action(
  async (options) => {
    const database = await openMigratedDatabase(configFrom(options));
    await database.close();
    process.stdout.write(`migrated (${database.kind})\n`);
  },
);

const token = program.command('token').description('manage API tokens');
dbOptions(
  token
    .command('create')
    .description('create a token and print its secret (shown only once)')
    .requiredOption('--name <name>', 'who or what holds the token')
    .requiredOption('--role <role...>', 'one or more roles (admin, observer, facilitator, playbook roles)'),
).action(async (options) => {
  const config = configFrom(options);
  const database = await openMigratedDatabase(config);
  try {
    const { tokens } = createServices(database, config, createLogger('silent'));
    const created = await tokens.createToken(options.name, options.role);
    process.stdout.write(`${created.token}\n`);
    process.stderr.write(`token ${created.id} "${created.name}" roles: ${created.roles.join(', ')}\n`);
  } finally {
    await database.close();
  }
});

const playbooksCommand = program.command('playbooks').description('playbook catalogue');

playbooksCommand
  .command('list')
  .description('list registered playbooks and versions')
  .action(() => {
    const registry = createRegistry();
    for (const p of registry.latest()) {
      process.stdout.write(`${p.id}\tv${registry.versions(p.id).join(',v')}\t${p.title}\n`);
    }
  });

playbooksCommand
  .command('check')
  .description('statically verify every registered playbook version (and those of --module files)')
  .option(
    '--module <file...>',
    'also check the playbooks a module exports (e.g. a playbook under development)',
  )
  .action(async (options: { module?: string[] }) => {
    const definitions = [...createRegistry().all()];
    for (const file of options.module ?? []) definitions.push(...(await playbooksIn(file)));
    let failed = 0;
    for (const definition of definitions) {
      const problems = checkPlaybook(definition);
      const name = `${definition.id}@${definition.version}`;
      if (problems.length === 0) {
        process.stdout.write(`ok    ${name}\n`);
        continue;
      }
      failed++;
      process.stdout.write(`FAIL  ${name}\n${problems.map((problem) => `      - ${problem}\n`).join('')}`);
    }
    process.stdout.write(`${definitions.length - failed} of ${definitions.length} playbook versions pass\n`);
    if (failed > 0) process.exitCode = 1;
  });

playbooksCommand
  .command('freeze')
  .description(
    'record the release snapshot of every registered playbook version that has none (playbooks/<id>/released/v<N>.json); ' +
      'a recorded one is never rewritten: a changed version needs a new version number',
  )
  .action(() => {
    for (const definition of createRegistry().all()) {
      const file = resolve(import.meta.dirname, '..', releaseSnapshotPath(definition));
      if (existsSync(file)) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(releaseSnapshot(definition), null, 2)}\n`);
      process.stdout.write(`recorded ${file}\n`);
    }
  });

const versionOption = () =>
  new Option('--version <n>', 'playbook version (default: latest)').argParser((value) => {
    const version = Number(value);
    if (!Number.isInteger(version) || version < 1)
      throw new InvalidArgumentError('a version is a whole number ≥ 1');
    return version;
  });

dbOptions(
  playbooksCommand
    .command('diagram')
    .description(
      "print a playbook as a Mermaid stateDiagram-v2; --incident marks an incident's active states",
    )
    .argument('<id>', 'playbook id')
    .addOption(versionOption())
    .option('--incident <id>', 'mark the active states of this incident (reads the database)'),
).action(
  async (
    id: string,
    options: { version?: number; incident?: string; databaseUrl?: string; dataDir?: string },
  ) => {
    const registry = createRegistry();
    if (!options.incident) {
      process.stdout.write(mermaidDiagram(registry.get(id, options.version)));
      return;
    }
    const config = configFrom(options);
    const database = await openMigratedDatabase(config);
    try {
      const { engine } = createServices(database, config, createLogger('silent'));
      process.stdout.write(await engine.incidentDiagram(id, options.incident));
    } finally {
      await database.close();
    }
  },
);

playbooksCommand
  .command('export')
  .description('export a playbook in an exchange format')
  .argument('<id>', 'playbook id')
  .addOption(new Option('--format <format>', 'export format').choices(['cacao']).makeOptionMandatory())
  .addOption(versionOption())
  .addOption(new Option('--tlp <level>', 'TLP 2.0 marking').choices([...tlpLevels]).default('TLP:CLEAR'))
  .action((id: string, options: { version?: number; tlp: TlpLevel }) => {
    const definition = createRegistry().get(id, options.version);
    process.stdout.write(`${JSON.stringify(cacaoPlaybook(definition, { tlp: options.tlp }), null, 2)}\n`);
  });

/** The playbook definitions a module exports (any export with an id, version and machine). */
async function playbooksIn(file: string): Promise<PlaybookDefinition[]> {
  const module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const found = Object.values(module).filter(
    (value): value is PlaybookDefinition =>
      typeof value === 'object' &&
      value !== null &&
      'id' in value &&
      'version' in value &&
      'machine' in value,
  );
  if (found.length === 0) throw new Error(`${file} exports no playbook definition`);
  return found;
}

const tabletop = program.command('tabletop').description('tabletop exercises on a virtual clock');

tabletop
  .command('list')
  .description('list the bundled scenarios')
  .action(() => {
    for (const { id, scenario } of bundledScenarios()) {
      const scripts = ['main', ...Object.keys(scenario.alternativeScripts)].join(',');
      process.stdout.write(
        `${id}\t${scenario.metadata.playbook}\tscripts: ${scripts}\t${scenario.metadata.title}\n`,
      );
    }
  });

dbOptions(
  tabletop
    .command('run')
    .description('run a scripted exercise headless and write its after-action report')
    .argument('<scenario>', 'a bundled scenario id or a scenario YAML file')
    .option('--script <name>', 'an alternative script of the scenario (default: its main script)')
    .option('--out <dir>', 'write report.md and report.html (and report.json) there')
    .option('--json', 'print the report as JSON instead of Markdown'),
).action(
  async (
    fileOrId: string,
    options: { script?: string; out?: string; json?: boolean; databaseUrl?: string; dataDir?: string },
  ) => {
    const scenario = loadScenario(fileOrId);
    // The embedded database is a throwaway in-memory one unless a folder or a server is named.
    const config = loadConfig({
      DATABASE_URL: options.databaseUrl,
      HOLDFAST_DATA_DIR: options.dataDir ?? (options.databaseUrl ? undefined : 'memory://tabletop'),
    });
    checkScenarioLimits(scenario, exerciseLimits(config));
    checkScenarioClock(scenario, new Date());
    const database = await openMigratedDatabase(config);
    const bar = new SingleBar(
      {
        format: 'virtual time {bar} {value}/{total} h | {scenario}',
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 1000,
      },
      Presets.shades_classic,
    );
    try {
      const { engine, registry } = createServices(database, config, createLogger('silent'));
      bar.start(0, 0, { scenario: scenario.metadata.id });
      const run = await runScripted(engine, scenario, {
        script: options.script,
        onProgress: (done, total) => {
          bar.setTotal(Math.round(total / 3_600_000));
          bar.update(Math.round(done / 3_600_000));
        },
      });
      bar.stop();
      const report = buildReport(run, registry.get(run.incident.playbookId, run.incident.playbookVersion));
      const generatedAt = new Date().toISOString();
      if (options.out) {
        mkdirSync(options.out, { recursive: true });
        writeFileSync(join(options.out, 'report.md'), reportMarkdown(report, generatedAt));
        writeFileSync(join(options.out, 'report.html'), reportHtml(report, generatedAt));
        writeFileSync(
          join(options.out, 'report.json'),
          `${JSON.stringify({ generatedAt, report }, null, 2)}\n`,
        );
        process.stderr.write(`report written to ${options.out}/report.{md,html,json}\n`);
      }
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ generatedAt, report }, null, 2)}\n`
          : reportMarkdown(report, generatedAt),
      );
    } finally {
      bar.stop();
      await database.close();
    }
  },
);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`holdfast: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
