import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config';
import {
  activeStates,
  cacaoPlaybook,
  checkPlaybook,
  mermaidDiagram,
  restoreSnapshot,
  type TlpLevel,
  tlpLevels,
} from './engine';
import { createLogger, createRegistry, createServices, openMigratedDatabase, startServer } from './main';
import type { PlaybookDefinition } from './playbook-kit';

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
      const row = await engine.loadIncident(options.incident);
      if (row.playbookId !== id)
        throw new Error(`incident ${row.id} runs playbook ${row.playbookId}, not ${id}`);
      const definition = registry.get(row.playbookId, row.playbookVersion);
      const active =
        row.status === 'open' ? activeStates(definition, restoreSnapshot(definition, row.snapshot)) : [];
      process.stdout.write(mermaidDiagram(definition, { active: active.map((state) => state.path) }));
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

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`holdfast: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
