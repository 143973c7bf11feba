import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { grantAppRole } from '../db/roles';
import { loadConfig } from './config';
import {
  cacaoPlaybook,
  checkInstant,
  checkPlaybook,
  mermaidDiagram,
  type PrincipalRecord,
  principalKinds,
  Refusal,
  releaseSnapshot,
  releaseSnapshotPath,
  type TlpLevel,
  type TokenRecord,
  tlpLevels,
  verifyAuditBundle,
  type WebhookEndpointView,
  webhookFormats,
} from './engine';
import {
  createLogger,
  createRegistry,
  createServices,
  exerciseLimits,
  openMigratedDatabase,
  startServer,
} from './main';
import {
  type CacaoImport,
  CacaoImportError,
  checkPlaybookFile,
  compilePlaybook,
  formatProblem,
  importCacao,
  playbookDiff,
  playbookJsonSchema,
  scaffold,
  vocabularyReference,
} from './playbook-format';
import {
  type ClockDeadline,
  clockById,
  clockDue,
  instant,
  notificationClocks,
  type PlaybookDefinition,
  timeZone,
} from './playbook-kit';
import { existingKeyring, keyLocation, readPublicKey, rotateSigningKey } from './signing-keys';
import {
  buildReport,
  bundledScenarios,
  checkScenarioClock,
  checkScenarioLimits,
  durationMs,
  loadScenario,
  reportHtml,
  reportMarkdown,
  runScripted,
  type Scenario,
  scriptNames,
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

const keyOptions = (command: Command) =>
  command
    .addOption(
      new Option(
        '--key-file <file>',
        'checkpoint signing key (default: signing-key.pem in the data folder)',
      ).env('HOLDFAST_SIGNING_KEY_FILE'),
    )
    .addOption(new Option('--data-dir <dir>', 'data folder').env('HOLDFAST_DATA_DIR'));

const keyLocationFrom = (options: { keyFile?: string; dataDir?: string }) => {
  const config = loadConfig({
    HOLDFAST_SIGNING_KEY_FILE: options.keyFile,
    HOLDFAST_DATA_DIR: options.dataDir,
  });
  return keyLocation({
    keyFile: config.HOLDFAST_SIGNING_KEY_FILE,
    retiredDir: config.HOLDFAST_RETIRED_KEYS_DIR,
    dataDir: config.HOLDFAST_DATA_DIR,
  });
};

/** The version of this checkout, as package.json says. */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('holdfast')
  .description('Extortion-response playbook engine')
  .version(version, '-V, --version', 'print the version')
  // A subcommand's own options come after its name: `playbooks export --version 2` is not this one.
  .enablePositionalOptions()
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

const dbCommand = program.command('db').description('database administration (Postgres)');
dbCommand
  .command('grant-app-role')
  .description(
    'grant <role> what `holdfast serve` needs and no more (db/roles.sql): INSERT and SELECT only on the ' +
      'history; run as the owner of the tables, after every migration',
  )
  .argument('<role>', 'an existing Postgres role')
  .addOption(
    new Option('--database-url <url>', "the owner role's Postgres URL")
      .env('DATABASE_URL')
      .makeOptionMandatory(),
  )
  .action(async (role: string, options: { databaseUrl: string }) => {
    const database = await openMigratedDatabase(configFrom(options));
    try {
      await grantAppRole(database, role);
      process.stdout.write(`granted ${role} the app role's privileges\n`);
    } finally {
      await database.close();
    }
  });

const keys = program.command('keys').description('the checkpoint signing key');
keyOptions(keys.command('public').description('print the public key (PEM) that verifies checkpoints')).action(
  (options: { keyFile?: string; dataDir?: string }) => {
    const [current] = existingKeyring(keyLocationFrom(options)).published();
    process.stdout.write(current!.publicKeyPem);
    process.stderr.write(`key id ${current!.keyId}\n`);
  },
);
keyOptions(
  keys
    .command('rotate')
    .description(
      'retire the current signing key (its public key stays trusted for what it signed) and create a new one; ' +
        'restart every instance with the new key file and the retired-keys folder',
    ),
).action((options: { keyFile?: string; dataDir?: string }) => {
  const { retiredKeyId, keyId } = rotateSigningKey(keyLocationFrom(options));
  process.stdout.write(`retired ${retiredKeyId}\nnew key ${keyId}\n`);
});

const audit = program.command('audit').description('tamper evidence: signed checkpoints and audit bundles');
dbOptions(
  audit
    .command('export')
    .description("write an incident's self-contained audit bundle: events, signed checkpoints, public keys")
    .argument('<incident>', 'incident id')
    .option('--out <file>', 'write the bundle there (default: standard output)'),
).action(async (incidentId: string, options: { out?: string; databaseUrl?: string; dataDir?: string }) => {
  const config = configFrom(options);
  const database = await openMigratedDatabase(config);
  try {
    const services = createServices(database, config, createLogger('silent'));
    const bundle = `${JSON.stringify(await services.audit.exportBundle(incidentId), null, 2)}\n`;
    if (options.out) {
      writeFileSync(options.out, bundle);
      process.stderr.write(`audit bundle written to ${options.out}\n`);
    } else process.stdout.write(bundle);
  } finally {
    await database.close();
  }
});

audit
  .command('verify')
  .description(
    'check an audit bundle offline: the hash chain, and every checkpoint signature against the trusted ' +
      'public key(s) given (never only the keys inside the bundle); exits 1 naming the first bad seq',
  )
  .argument('<bundle>', 'a file written by `holdfast audit export`')
  .requiredOption('--public-key <file...>', 'trusted public key PEM (several for rotated keys)')
  .option('--json', 'print the verdict as JSON')
  .action((file: string, options: { publicKey: string[]; json?: boolean }) => {
    const verdict = verifyAuditBundle(
      JSON.parse(readFileSync(file, 'utf8')),
      options.publicKey.map(readPublicKey),
    );
    const { checkpoint } = verdict;
    if (options.json) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    else {
      process.stdout.write(
        verdict.ok
          ? `ok: incident ${verdict.incidentId}, ${verdict.events} events, head ${verdict.head}\n`
          : `FAILED: incident ${verdict.incidentId}: first bad seq ${verdict.firstBadSeq ?? '-'}: ${verdict.reason}\n`,
      );
      if (checkpoint.seq !== undefined) {
        process.stdout.write(
          `latest checkpoint: seq ${checkpoint.seq}, signed ${checkpoint.signedAt} by key ${checkpoint.keyId}\n`,
        );
      }
    }
    if (!verdict.ok) process.exitCode = 1;
  });

dbOptions(
  audit
    .command('seal')
    .description(
      'sign the head of every incident that has no checkpoint yet (written before checkpoints existed); ' +
        'run once after upgrading: it vouches for those histories as they are now',
    ),
).action(async (options: { databaseUrl?: string; dataDir?: string }) => {
  const config = configFrom(options);
  const database = await openMigratedDatabase(config);
  try {
    const { sealed, refused } = await createServices(
      database,
      config,
      createLogger('silent'),
    ).audit.sealUnsealed();
    process.stdout.write(`sealed ${sealed.length} incidents\n`);
    for (const { incidentId, reason } of refused)
      process.stdout.write(`NOT sealed ${incidentId}: ${reason}\n`);
    if (refused.length > 0) process.exitCode = 1;
  } finally {
    await database.close();
  }
});

/** Runs `work` on the services of the migrated database (sending no webhooks), then closes the database. */
async function withServices<T>(
  options: { databaseUrl?: string; dataDir?: string },
  work: (services: ReturnType<typeof createServices>) => Promise<T>,
): Promise<T> {
  const config = configFrom(options);
  const database = await openMigratedDatabase(config);
  try {
    return await work(createServices(database, config, createLogger('silent')));
  } finally {
    await database.close();
  }
}

const withTokens = <T>(
  options: { databaseUrl?: string; dataDir?: string },
  work: (tokens: ReturnType<typeof createServices>['tokens']) => Promise<T>,
) => withServices(options, (services) => work(services.tokens));

const withWebhooks = <T>(
  options: { databaseUrl?: string; dataDir?: string },
  work: (webhooks: ReturnType<typeof createServices>['webhooks']) => Promise<T>,
) => withServices(options, (services) => work(services.webhooks));

const tokenLine = (t: TokenRecord) =>
  [
    t.id,
    t.name,
    t.principalId,
    t.roles.join(','),
    t.createdAt,
    t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
  ].join('\t');

const token = program.command('token').description('manage API tokens');
dbOptions(
  token
    .command('create')
    .description(
      'create a token and print its secret (shown only once); a name that exists re-issues to that principal',
    )
    .requiredOption('--name <name>', 'who or what holds the token (its principal)')
    .requiredOption('--role <role...>', 'one or more roles (admin, observer, facilitator, playbook roles)')
    .addOption(new Option('--kind <kind>', 'for a new principal').choices(principalKinds)),
).action(async (options) => {
  const created = await withTokens(options, (tokens) =>
    tokens.createToken(options.name, options.role, options.kind),
  );
  process.stdout.write(`${created.token}\n`);
  process.stderr.write(
    `token ${created.id} "${created.name}" (${created.principal.kind} ${created.principalId}) roles: ${created.roles.join(', ')}\n`,
  );
});
dbOptions(
  token
    .command('list')
    .description('list tokens: id, name, principal id, roles, created, state (no secrets)'),
).action(async (options) => {
  const tokens = await withTokens(options, (service) => service.listTokens());
  for (const t of tokens) process.stdout.write(`${tokenLine(t)}\n`);
});
dbOptions(
  token
    .command('revoke')
    .description('revoke a token at once, on every instance')
    .argument('<id>', 'the token id'),
).action(async (id: string, options) => {
  const revoked = await withTokens(options, (tokens) => tokens.revokeToken(id));
  process.stdout.write(`${tokenLine(revoked)}\n`);
});

const webhookLine = (w: WebhookEndpointView) =>
  [
    w.id,
    w.url,
    w.format,
    w.audience ?? '-',
    w.active ? 'active' : `disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`,
    JSON.stringify(w.filters),
  ].join('\t');

const filterOptions = (command: Command) =>
  command
    .option('--type <type...>', 'message types (deadline.passed, clock.changed…) or event types')
    .option('--playbook <id...>', 'playbook ids')
    .option('--incident <id...>', 'incident ids')
    .option('--severity <severity...>', 'severities')
    .option('--deadline <label...>', 'deadline labels, clock ids or regimes')
    .option('--exercises', 'exercise messages too (marked EXERCISE)')
    .addOption(new Option('--format <format>', 'message format').choices(webhookFormats))
    .option('--details', 'send free text too (notes, event payloads)');

const filtersFrom = (options: Record<string, string[] | boolean | undefined>) => ({
  ...(options.type && { types: options.type as string[] }),
  ...(options.playbook && { playbooks: options.playbook as string[] }),
  ...(options.incident && { incidents: options.incident as string[] }),
  ...(options.severity && { severities: options.severity as string[] }),
  ...(options.deadline && { deadlines: options.deadline as string[] }),
  ...(options.exercises && { modes: ['live' as const, 'exercise' as const] }),
});

const webhooksCommand = program.command('webhooks').description('webhook endpoints and their dead letters');
dbOptions(
  filterOptions(
    webhooksCommand
      .command('create')
      .description('subscribe an endpoint and print its signing secret (shown only once)')
      .argument('<url>', 'http(s) URL')
      .option('--description <text>', 'what the endpoint is')
      .option(
        '--audience <who>',
        'who reads it, when it reaches people (legal, executives): the incident report says what reached them',
      ),
  ),
).action(async (url: string, options) => {
  const created = await withWebhooks(options, (webhooks) =>
    webhooks.createEndpoint({
      url,
      description: options.description,
      audience: options.audience,
      filters: filtersFrom(options),
      format: options.format,
      includeDetails: Boolean(options.details),
    }),
  );
  process.stdout.write(`${created.secret}\n`);
  process.stderr.write(`${webhookLine(created)}\n`);
});
dbOptions(
  webhooksCommand.command('list').description('list endpoints: id, URL, format, state, filters'),
).action(async (options) => {
  for (const w of await withWebhooks(options, (webhooks) => webhooks.listEndpoints()))
    process.stdout.write(`${webhookLine(w)}\n`);
});
dbOptions(
  webhooksCommand.command('enable').description('turn an endpoint (back) on').argument('<id>', 'endpoint id'),
).action(async (id: string, options) => {
  process.stdout.write(
    `${webhookLine(await withWebhooks(options, (w) => w.updateEndpoint(id, { active: true })))}\n`,
  );
});
dbOptions(
  webhooksCommand
    .command('disable')
    .description('turn an endpoint off (its messages wait)')
    .argument('<id>', 'endpoint id'),
).action(async (id: string, options) => {
  process.stdout.write(
    `${webhookLine(await withWebhooks(options, (w) => w.updateEndpoint(id, { active: false })))}\n`,
  );
});
dbOptions(
  webhooksCommand
    .command('delete')
    .description('delete an endpoint with its deliveries')
    .argument('<id>', 'endpoint id'),
).action(async (id: string, options) => {
  await withWebhooks(options, (w) => w.deleteEndpoint(id));
});
dbOptions(
  webhooksCommand
    .command('rotate-secret')
    .description('print a new signing secret; the old one keeps signing beside it for the overlap')
    .argument('<id>', 'endpoint id')
    .option('--overlap-hours <hours>', 'how long both sign', '24'),
).action(async (id: string, options) => {
  const hours = Number(options.overlapHours);
  if (!Number.isFinite(hours) || hours < 0 || hours > 168)
    throw new InvalidArgumentError('--overlap-hours must be between 0 and 168');
  const rotated = await withWebhooks(options, (w) => w.rotateSecret(id, hours * 3_600_000));
  process.stdout.write(`${rotated.secret}\n`);
});
dbOptions(
  webhooksCommand
    .command('dead')
    .description('the dead letters of an endpoint: message id, attempts, last status or error')
    .argument('<id>', 'endpoint id'),
).action(async (id: string, options) => {
  for (const d of await withWebhooks(options, (w) => w.listMessages(id, 'failed', 500)))
    process.stdout.write(`${[d.messageId, d.attempts, d.lastStatus ?? d.lastError].join('\t')}\n`);
});
dbOptions(
  webhooksCommand
    .command('replay')
    .description('send failed messages again (all, or the ones named), with the same webhook-id')
    .argument('<id>', 'endpoint id')
    .argument('[messages...]', 'message ids (default: every failed one)'),
).action(async (id: string, messages: string[], options) => {
  const count = await withWebhooks(options, async (w) => {
    if (messages.length === 0) return w.replayFailed(id);
    for (const message of messages) await w.retryMessage(id, message);
    return messages.length;
  });
  process.stdout.write(`${count} queued\n`);
});

const principal = program.command('principal').description('the people and services tokens belong to');
const principalLine = (p: PrincipalRecord) =>
  [p.id, p.name, p.kind, p.createdAt, ...(p.oidcSubject ? [p.oidcSubject] : [])].join('\t');
dbOptions(
  principal
    .command('list')
    .description('list principals: id, name, kind, created, and the OpenID Connect subject of linked ones'),
).action(async (options) => {
  const principals = await withTokens(options, (tokens) => tokens.listPrincipals());
  for (const p of principals) process.stdout.write(`${principalLine(p)}\n`);
});
dbOptions(
  principal
    .command('link')
    .description(
      'make a principal the OpenID Connect user <issuer>#<sub>: signing in is then the same person as its tokens',
    )
    .argument('<name>', "the principal's name")
    .requiredOption('--oidc-subject <subject>', "<issuer>#<sub>, the issuer exactly as its tokens' iss"),
).action(async (name: string, options) => {
  const linked = await withTokens(options, (tokens) => tokens.linkOidcSubject(name, options.oidcSubject));
  process.stdout.write(`${principalLine(linked)}\n`);
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
  .description(
    'statically verify playbook files (each problem at its file, line and column, with a hint); without files, ' +
      'every registered playbook version (and those of --module files)',
  )
  .argument('[files...]', 'playbook files (*.playbook.yaml) to check')
  .option(
    '--module <file...>',
    'also check the playbooks a module exports (e.g. a playbook under development)',
  )
  .action(async (files: string[], options: { module?: string[] }) => {
    if (files.length > 0) {
      process.exitCode = checkFiles(files);
      return;
    }
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
  .command('reference')
  .description(
    "print the playbook file format's vocabulary reference (markdown), or with --json-schema its JSON Schema",
  )
  .option('--json-schema', 'print the JSON Schema of a playbook file instead')
  .action((options: { jsonSchema?: boolean }) => {
    process.stdout.write(
      options.jsonSchema ? `${JSON.stringify(playbookJsonSchema(), null, 2)}\n` : vocabularyReference(),
    );
  });

playbooksCommand
  .command('diff')
  .description(
    'what a new version changes: states, transitions (guards, targets), events (roles, owners, payload schemas) ' +
      'and timers of two playbook files, or of two registered versions written id@version',
  )
  .argument('<a>', 'a playbook file, or id@version')
  .argument('<b>', 'a playbook file, or id@version')
  .action((a: string, b: string) => {
    const lines = playbookDiff(playbookNamed(a), playbookNamed(b));
    process.stdout.write(lines.length === 0 ? 'no difference\n' : `${lines.join('\n')}\n`);
  });

/** `id@version` of a registered playbook, or a playbook file (compiled; its problems are an error). */
function playbookNamed(name: string): PlaybookDefinition {
  const registered = /^([a-z][a-z0-9-]*)@([1-9][0-9]*)$/.exec(name);
  if (registered) return createRegistry().get(registered[1]!, Number(registered[2]));
  const compiled = compilePlaybook(name, readFileSync(name, 'utf8'));
  if (!compiled.ok) throw new Error(`\n${compiled.problems.map(formatProblem).join('\n')}`);
  return compiled.definition;
}

playbooksCommand
  .command('new')
  .description(
    'write <id>.playbook.yaml and <id>.scenario.yaml: a playbook that passes the check, and its scenario',
  )
  .argument('<id>', 'the new playbook id (kebab-case)')
  .option('--dir <dir>', 'where to write them', '.')
  .action((id: string, options: { dir: string }) => {
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id))
      throw new InvalidArgumentError('a kebab-case id, e.g. ddos-extortion');
    const { playbook, scenario } = scaffold(id, new Date().toISOString().slice(0, 10));
    for (const [name, text] of [
      [`${id}.playbook.yaml`, playbook],
      [`${id}.scenario.yaml`, scenario],
    ] as const) {
      const file = join(options.dir, name);
      if (existsSync(file)) throw new Error(`${file} exists; not overwritten`);
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    }
    process.stdout.write(
      `next: holdfast playbooks check ${join(options.dir, `${id}.playbook.yaml`)}\n` +
        `      holdfast playbooks test ${join(options.dir, `${id}.playbook.yaml`)} --scenario ${join(options.dir, `${id}.scenario.yaml`)}\n`,
    );
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
    .command('publish')
    .description(
      'check a playbook file (the whole check) and publish it to the database as a new version; the same content ' +
        'again is a no-op, other content under a published version is refused',
    )
    .argument('<file>', 'the playbook file (*.playbook.yaml)'),
).action(async (file: string, options: { databaseUrl?: string; dataDir?: string }) => {
  const text = readFileSync(file, 'utf8');
  const checked = checkPlaybookFile(file, text);
  if (checked.problems.length > 0) {
    process.stderr.write(`${checked.problems.map(formatProblem).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  await withPublisher(options, async ({ publisher }) => {
    const outcome = await publisher.publish(file, text, 'cli');
    process.stdout.write(
      `${outcome.status} ${outcome.id}@${outcome.version} sha256:${outcome.contentHash}\n`,
    );
  });
});

dbOptions(
  playbooksCommand
    .command('pull')
    .description('print the file of a published playbook version, as published')
    .argument('<id>', 'playbook id')
    .addOption(versionOption()),
).action(async (id: string, options: { version?: number; databaseUrl?: string; dataDir?: string }) => {
  await withPublisher(options, async ({ publisher }) => {
    process.stdout.write(await publisher.pull(id, options.version));
  });
});

/** Runs `work` with the publisher on the configured database; a refusal is its message and exit code 1. */
async function withPublisher(
  options: { databaseUrl?: string; dataDir?: string },
  work: (services: ReturnType<typeof createServices>) => Promise<void>,
): Promise<void> {
  const config = configFrom(options);
  const database = await openMigratedDatabase(config);
  try {
    await work(createServices(database, config, createLogger('silent')));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

playbooksCommand
  .command('test')
  .description(
    'check a playbook file, then play a tabletop scenario for it headless (an in-memory database) and print its ' +
      'after-action report; exit 1 when a move the script expects to pass is refused',
  )
  .argument('<file>', 'the playbook file (*.playbook.yaml)')
  .requiredOption('--scenario <file>', 'the tabletop scenario (YAML) to play against it')
  .option('--script <name>', 'an alternative script of the scenario (default: its main script)')
  .option('--json', 'print the report as JSON instead of Markdown')
  .action(async (file: string, options: { scenario: string; script?: string; json?: boolean }) => {
    const checked = checkPlaybookFile(file, readFileSync(file, 'utf8'));
    if (checked.problems.length > 0) {
      process.stderr.write(`${checked.problems.map(formatProblem).join('\n')}\n`);
      process.exitCode = 1;
      return;
    }
    const definition = checked.definition!;
    await runScenario(scenarioFor(definition, loadScenario(options.scenario)), options, definition);
  });

/**
 * The scenario, pinned to the version of the playbook file under test: a scenario naming another playbook or
 * another version would play something other than the file.
 */
function scenarioFor(definition: PlaybookDefinition, scenario: Scenario): Scenario {
  const { playbook, playbookVersion } = scenario.metadata;
  const named = `${playbook}${playbookVersion === undefined ? '' : `@${playbookVersion}`}`;
  if (playbook !== definition.id || (playbookVersion ?? definition.version) !== definition.version) {
    throw new Error(
      `scenario ${scenario.metadata.id} plays ${named}, not the file's ${definition.id}@${definition.version}`,
    );
  }
  return { ...scenario, metadata: { ...scenario.metadata, playbookVersion: definition.version } };
}

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

playbooksCommand
  .command('import')
  .description(
    'turn a playbook of an exchange format into a playbook file (printed, or written with --out); what cannot be ' +
      'mapped is listed on stderr. Exit 2 on a document that cannot be imported',
  )
  .argument('<file>', 'the document to import (CACAO 2.0 JSON)')
  .addOption(new Option('--format <format>', 'import format').choices(['cacao']).makeOptionMandatory())
  .option('--out <file>', 'write the playbook file here instead of printing it')
  .option('--id <id>', 'id of the imported playbook (default: from the CACAO name, kebab-case)')
  .addOption(
    new Option('--version <n>', 'version of the imported playbook (default: 1)').argParser((value) => {
      const version = Number(value);
      if (!Number.isInteger(version) || version < 1)
        throw new InvalidArgumentError('a version is a whole number ≥ 1');
      return version;
    }),
  )
  .action((file: string, options: { out?: string; id?: string; version?: number }) => {
    let imported: CacaoImport;
    try {
      imported = importCacao(JSON.parse(readFileSync(file, 'utf8')), options);
    } catch (error) {
      if (!(error instanceof CacaoImportError || error instanceof SyntaxError || isFileError(error)))
        throw error;
      const message = error instanceof SyntaxError ? `not JSON: ${error.message}` : error.message;
      process.stderr.write(`holdfast: ${file}: ${message}\n`);
      process.exitCode = 2;
      return;
    }
    const { yaml, file: result, unmapped } = imported;
    for (const item of unmapped)
      process.stderr.write(`unmapped ${item.stepId} (${item.type}): ${item.reason}\n`);
    const name = options.out ?? `${result.id}.playbook.yaml`;
    const checked = checkPlaybookFile(name, yaml);
    if (checked.problems.length > 0) {
      process.stderr.write(
        `the imported playbook does not pass the check:\n${checked.problems.map(formatProblem).join('\n')}\n`,
      );
      process.exitCode = 1;
      return;
    }
    if (options.out) writeFileSync(options.out, yaml);
    else process.stdout.write(yaml);
    const steps = Object.values(result.tracks).reduce((n, track) => n + Object.keys(track.steps).length, 0);
    process.stderr.write(
      `imported ${result.id}@${result.version}: ${Object.keys(result.tracks).length} tracks, ${steps} steps, ` +
        `${unmapped.length} unmapped${options.out ? `; wrote ${options.out}` : ''}\n`,
    );
  });

/** A file that cannot be read (missing, a folder, no permission). */
const isFileError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';

/** `playbooks check <files…>`: each file's problems, located; 1 when any file has one. */
function checkFiles(files: readonly string[]): number {
  let failed = 0;
  for (const file of files) {
    const checked = checkPlaybookFile(file, readFileSync(file, 'utf8'));
    if (checked.problems.length === 0) {
      process.stdout.write(`ok    ${file} (${checked.definition!.id}@${checked.definition!.version})\n`);
      continue;
    }
    failed++;
    process.stdout.write(`${checked.problems.map(formatProblem).join('\n')}\n`);
  }
  process.stdout.write(`${files.length - failed} of ${files.length} playbook files pass\n`);
  return failed > 0 ? 1 : 0;
}

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

const clocksCommand = program.command('clocks').description('the notification-clock library');

const deadlineText = (deadline: ClockDeadline): string => {
  switch (deadline.kind) {
    case 'hours':
      return `${deadline.amount} h`;
    case 'calendar_days':
      return `${deadline.amount} calendar days`;
    case 'business_days':
      return `${deadline.amount} business days`;
    case 'months':
      return `${deadline.amount} month${deadline.amount === 1 ? '' : 's'}`;
    case 'soft':
      return `soft, policy target ${deadline.policyTargetHours} h`;
  }
};

clocksCommand
  .command('list')
  .description('list the clocks: id, deadline, calendar (region and time zone), law or policy, label')
  .action(() => {
    for (const clock of notificationClocks) {
      const { region, timeZone: zone } = clock.calendar;
      const calendar = `${region ?? "organisation's country"}, ${zone ?? "incident's time zone"}`;
      const basis = clock.policyDefault ? 'policy default' : 'rule';
      process.stdout.write(
        `${[clock.id, deadlineText(clock.deadline), calendar, basis, clock.label].join('\t')}\n`,
      );
    }
  });

/** `iso` as local wall-clock time in `zone`, with its UTC offset: 2027-01-21 23:59:59 GMT-5. */
const localTime = (iso: string, zone: string): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
};

clocksCommand
  .command('due')
  .description("when a clock is due from its anchor time, counted in the clock's own calendar")
  .argument('<id>', 'clock id (see clocks list)')
  .requiredOption('--anchor <time>', 'when the anchor happened, ISO 8601 with offset', (value) => {
    if (!instant.safeParse(value).success)
      throw new InvalidArgumentError('an ISO 8601 time with offset, e.g. 2027-01-14T10:00:00-05:00');
    try {
      checkInstant('--anchor', value, new Date());
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    return value;
  })
  .option(
    '--tz <zone>',
    "the incident's IANA time zone, for clocks without one of their own",
    (value) => {
      if (!timeZone.safeParse(value).success)
        throw new InvalidArgumentError('an IANA time zone such as America/Toronto');
      return value;
    },
    'UTC',
  )
  .option(
    '--country <code>',
    "the organisation's country (ISO 3166 alpha-2), for clocks without a region",
    (value) => {
      if (!/^[A-Z]{2}$/.test(value))
        throw new InvalidArgumentError('an ISO 3166 alpha-2 country code such as JP');
      return value;
    },
  )
  .action((id: string, options: { anchor: string; tz: string; country?: string }) => {
    const clock = clockById(id);
    if (!clock) throw new Error(`no notification clock ${id} (see holdfast clocks list)`);
    const due = clockDue(clock, options.anchor, { timeZone: options.tz, country: options.country });
    const lines = [
      `clock     ${clock.id}: ${clock.label}`,
      `deadline  ${deadlineText(clock.deadline)}${clock.policyDefault ? ' (policy default)' : ''}`,
      `anchor    ${new Date(options.anchor).toISOString()}`,
      `due       ${due.dueAt} (${localTime(due.dueAt, due.timeZone)} in ${due.timeZone})`,
      `calendar  ${due.region ?? 'weekends only'}, ${due.timeZone}`,
      ...due.holidaysSkipped.map((h) => `skipped   ${h.date} ${h.name}`),
      ...(clock.calendarNote ? [`note      ${clock.calendarNote}`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });

const tabletop = program.command('tabletop').description('tabletop exercises on a virtual clock');

tabletop
  .command('list')
  .description('list the bundled scenarios')
  .action(() => {
    for (const { id, scenario } of bundledScenarios()) {
      const scripts = scriptNames(scenario).join(',');
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
    .option('--out <dir>', 'write report.md, report.html and report.json there, and print only their paths')
    .option('--json', 'print the report as JSON instead of Markdown'),
).action((fileOrId: string, options: RunOptions) => runScenario(loadScenario(fileOrId), options));

interface RunOptions {
  script?: string;
  out?: string;
  json?: boolean;
  databaseUrl?: string;
  dataDir?: string;
}

/**
 * Plays a scenario's script headless and prints its after-action report. A playbook under test takes the place
 * of a bundled version with its id and version: an edited copy of a bundled file plays as edited.
 */
async function runScenario(
  scenario: Scenario,
  options: RunOptions,
  underTest?: PlaybookDefinition,
): Promise<void> {
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
    const logger = createLogger('silent');
    const bundled = createRegistry()
      .all()
      .filter((p) => p.id !== underTest?.id || p.version !== underTest.version);
    const registry = createRegistry(database, logger, underTest ? [...bundled, underTest] : bundled);
    const { engine } = createServices(database, config, logger, registry);
    const hours = (ms: number) => Math.round(ms / 3_600_000);
    bar.start(hours(durationMs(scenario.clock.end)), 0, { scenario: scenario.metadata.id });
    const run = await runScripted(engine, scenario, {
      script: options.script,
      onProgress: (done) => bar.update(hours(done)),
    });
    bar.stop();
    const report = buildReport(run, registry.get(run.incident.playbookId, run.incident.playbookVersion));
    const generatedAt = new Date().toISOString();
    if (options.out) {
      mkdirSync(options.out, { recursive: true });
      const files = {
        'report.md': reportMarkdown(report, generatedAt),
        'report.html': reportHtml(report, generatedAt),
        'report.json': `${JSON.stringify({ generatedAt, report }, null, 2)}\n`,
      };
      for (const [name, content] of Object.entries(files)) {
        const path = join(options.out, name);
        writeFileSync(path, content);
        process.stdout.write(`${path}\n`);
      }
      return;
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
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`holdfast: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
