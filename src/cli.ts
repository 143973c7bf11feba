import { Command, Option } from 'commander';
import { loadConfig } from './config';
import { createLogger, createRegistry, createServices, openMigratedDatabase, startServer } from './main';

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

program
  .command('playbooks')
  .description('playbook catalogue')
  .command('list')
  .description('list registered playbooks and versions')
  .action(() => {
    const registry = createRegistry();
    for (const p of registry.latest()) {
      process.stdout.write(`${p.id}\tv${registry.versions(p.id).join(',v')}\t${p.title}\n`);
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`holdfast: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
