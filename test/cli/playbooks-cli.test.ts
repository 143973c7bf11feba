import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playbooks } from '../../playbooks';
import { ransomDemandV1 } from '../../playbooks/ransom-demand';
import { checkPlaybookFile } from '../../src/playbook-format';
import type { AfterActionReport } from '../../src/tabletop';
import { cleanEnv, holdfastBin, killAll, startServe } from '../support/processes';

const run = promisify(execFile);
const env = cleanEnv();
const holdfast = (...args: string[]) =>
  run(process.execPath, [holdfastBin, ...args], { env, maxBuffer: 16 * 1024 * 1024 }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

const dirs: string[] = [];
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('holdfast playbooks', () => {
  it('check passes every registered playbook version', async () => {
    const result = await holdfast('playbooks', 'check');
    expect(result.code).toBe(0);
    for (const p of playbooks) expect(result.stdout).toContain(`ok    ${p.id}@${p.version}\n`);
    expect(result.stdout).toContain(`${playbooks.length} of ${playbooks.length} playbook versions pass`);
  });

  it('check fails, naming each defect, on the broken fixture', async () => {
    const result = await holdfast('playbooks', 'check', '--module', 'test/fixtures/broken-playbook.ts');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  broken@1');
    for (const problem of [
      'state island is unreachable',
      'state trap can never reach a final state of (root)',
      'client event never.handled is accepted in no state',
      'event "go.round" has no title',
      'event "no.roles" names no roles',
      'event "no.schema" has no payload schema',
      'timer "unlabelled" of state start has no label in timerLabels',
      'state island has no description',
    ])
      expect(result.stdout).toContain(`- ${problem}\n`);
  });

  it('check fails on an event only bookkeeping takes and on a guard naming a state that does not exist', async () => {
    const result = await holdfast('playbooks', 'check', '--module', 'test/fixtures/unowned-playbooks.ts');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  bookkeeping-only@1');
    expect(result.stdout).toMatch(
      /- event task\.done is taken only by ledger\.counting, none of its owning steps \(work\.doing\): bookkeeping alone would accept it, e\.g\. in work\.todo, ledger\.counting/,
    );
    expect(result.stdout).toContain('FAIL  mistyped-path@1');
    expect(result.stdout).toContain(
      '- state review.waiting on task.done: a guard refers to state "#mistyped-path.wrok.doing", which does not exist\n',
    );
    expect(result.stdout).toContain(`${playbooks.length} of ${playbooks.length + 2} playbook versions pass`);
  });

  it('check <files> passes a sound playbook file and locates each problem of a broken one, with a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-check-'));
    dirs.push(dir);
    const sound = 'test/fixtures/playbook-files/small.playbook.yaml';
    const broken = join(dir, 'broken.playbook.yaml');
    writeFileSync(broken, readFileSync(sound, 'utf8').replace('{ optionIs: skip }', '{ optionWas: skip }'));
    const result = await holdfast('playbooks', 'check', sound, broken);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`ok    ${sound} (small-outage@1)\n`);
    expect(result.stdout).toContain(
      `${broken}:53:31: unknown guard "optionWas"\n  hint: the kit's guards are`,
    );
    expect(result.stdout).toContain('1 of 2 playbook files pass');
  });

  it('publish stores a checked file once, refuses other content under its version, and pull gives it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-publish-'));
    dirs.push(dir);
    const file = 'test/fixtures/playbook-files/small.playbook.yaml';
    const db = ['--data-dir', join(dir, 'db')];
    const first = await holdfast('playbooks', 'publish', file, ...db);
    expect(first.stdout).toMatch(/^published small-outage@1 sha256:[a-f0-9]{64}\n$/);
    expect((await holdfast('playbooks', 'publish', file, ...db)).stdout).toMatch(/^unchanged small-outage@1/);
    const changed = join(dir, 'changed.playbook.yaml');
    writeFileSync(changed, readFileSync(file, 'utf8').replace('title: Small outage', 'title: Changed'));
    const refused = await holdfast('playbooks', 'publish', changed, ...db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${changed}:4:10: small-outage version 1 is already published with other content`,
    );
    const pulled = await holdfast('playbooks', 'pull', 'small-outage', '--version', '1', ...db);
    expect(pulled.stdout).toBe(readFileSync(file, 'utf8'));
  }, 300_000); // four processes, each opening and migrating an embedded database

  it('imports CACAO: the playbook file on stdout (or --out), what is not mapped on stderr; the file publishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-import-'));
    dirs.push(dir);
    const branching = await holdfast(
      'playbooks',
      'import',
      '--format',
      'cacao',
      'test/fixtures/cacao/branching.json',
    );
    expect(branching.code).toBe(0);
    expect(branching.stdout).toMatch(/^# Imported from the CACAO 2.0 playbook playbook--[0-9a-f-]{36} /);
    expect(checkPlaybookFile('imported.playbook.yaml', branching.stdout).problems).toEqual([]);
    expect(branching.stderr).toMatch(
      /^unmapped parallel--[0-9a-f-]{36} \(parallel\): its tracks run from the opening/,
    );
    expect(branching.stderr).toContain(
      'imported ransomware-on-file-servers@1: 3 tracks, 14 steps, 1 unmapped\n',
    );

    const out = join(dir, 'block.playbook.yaml');
    const unmappable = await holdfast(
      'playbooks',
      'import',
      '--format',
      'cacao',
      'test/fixtures/cacao/unmappable.json',
      '--out',
      out,
      '--id',
      'block-ip',
      '--version',
      '2',
    );
    expect(unmappable.code).toBe(0);
    expect(unmappable.stdout).toBe('');
    const listed = unmappable.stderr.split('\n').filter((line) => line.startsWith('unmapped '));
    expect(listed).toHaveLength(10);
    expect(listed).toContainEqual(
      expect.stringMatching(/^unmapped while-condition--\S+ \(while-condition\): /),
    );
    expect(listed).toContainEqual(expect.stringMatching(/^unmapped action--\S+ \(http-api command\): /));
    expect(unmappable.stderr).toContain(
      `imported block-ip@2: 1 tracks, 5 steps, 10 unmapped; wrote ${out}\n`,
    );
    const published = await holdfast('playbooks', 'publish', out, '--data-dir', join(dir, 'db'));
    expect(published.stdout).toMatch(/^published block-ip@2 sha256:[a-f0-9]{64}\n$/);

    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ "type": ');
    const broken = await holdfast('playbooks', 'import', '--format', 'cacao', notJson);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`holdfast: ${notJson}: not JSON: `);
    const notCacao = join(dir, 'not-cacao.json');
    writeFileSync(notCacao, JSON.stringify({ type: 'playbook', spec_version: 'cacao-2.0', name: 'x' }));
    const refused = await holdfast('playbooks', 'import', '--format', 'cacao', notCacao);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`holdfast: ${notCacao}: not a CACAO 2.0 playbook:\n  - id: `);
    const missing = await holdfast('playbooks', 'import', '--format', 'cacao', join(dir, 'missing.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  }, 300_000); // a publish opens and migrates an embedded database

  it('exports CACAO and draws Mermaid; refuses an unknown format', async () => {
    const cacao = await holdfast(
      'playbooks',
      'export',
      'ransom-demand',
      '--format',
      'cacao',
      '--version',
      '1',
    );
    expect(cacao.code).toBe(0);
    expect(JSON.parse(cacao.stdout)).toMatchObject({
      spec_version: 'cacao-2.0',
      name: expect.stringContaining('(v1)'),
    });
    const stix = await holdfast('playbooks', 'export', 'ransom-demand', '--format', 'stix');
    expect(stix.code).toBe(1);
    expect(stix.stderr).toContain('Allowed choices are cacao');
    const diagram = await holdfast('playbooks', 'diagram', 'cross-customer-exposure');
    expect(diagram.stdout).toMatch(/^---\ntitle: .*\n---\nstateDiagram-v2\n/);
    const missing = await holdfast('playbooks', 'diagram', 'no-such-playbook');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no playbook "no-such-playbook" (playbooks: card-data-exposure, ');
    expect(missing.stderr).toContain('ransom-demand');
    const noVersion = await holdfast('playbooks', 'diagram', 'ransom-demand', '--version', '9');
    expect(noVersion.stderr).toContain('playbook "ransom-demand" has no version 9 (versions: 1, 2, 3)');
  });

  it("diagram --incident marks an incident's active states, read from the database", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-diagram-'));
    dirs.push(dataDir);
    const server = await startServe(['--data-dir', dataDir], env);
    const token = await server.firstAdminToken();
    const created = await fetch(`${server.url}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        playbookId: 'ransom-demand',
        title: 'JJ Meds',
        input: ransomDemandV1.example!.input,
      }),
    });
    const incident = (await created.json()) as { id: string; playbookVersion: number };
    await server.stop();
    const result = await holdfast(
      'playbooks',
      'diagram',
      'ransom-demand',
      '--incident',
      incident.id,
      '--data-dir',
      dataDir,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`(v${incident.playbookVersion})`);
    expect(result.stdout).toMatch(/^\s+class .*command__triage.* active$/m);
  });

  describe('test <file> --scenario', () => {
    const ddos = 'playbooks/ddos-extortion/v1.playbook.yaml';
    const ddosScenario = 'playbooks/ddos-extortion/scenarios/shop-ransom-ddos.yaml';
    let dir: string;
    let scaffolded: Awaited<ReturnType<typeof holdfast>>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'holdfast-test-'));
      dirs.push(dir);
      scaffolded = await holdfast('playbooks', 'new', 'first-drill', '--dir', dir);
    });
    const inDir = (name: string) => join(dir, name);
    /** The scaffolded scenario with one line of its script replaced. */
    const scenarioWith = (name: string, from: string, to: string) => {
      const text = readFileSync(inDir('first-drill.scenario.yaml'), 'utf8');
      expect(text).toContain(from);
      writeFileSync(inDir(name), text.replace(from, to));
      return inDir(name);
    };
    const testFirstDrill = (scenario: string) =>
      holdfast('playbooks', 'test', inDir('first-drill.playbook.yaml'), '--scenario', scenario);

    it('plays the scenario that `playbooks new` scaffolds to closure, with every response on time', async () => {
      expect(scaffolded.code).toBe(0);
      expect(scaffolded.stdout).toContain(`wrote ${inDir('first-drill.playbook.yaml')}\n`);
      expect(scaffolded.stdout).toContain(`wrote ${inDir('first-drill.scenario.yaml')}\n`);
      const result = await holdfast(
        'playbooks',
        'test',
        inDir('first-drill.playbook.yaml'),
        '--scenario',
        inDir('first-drill.scenario.yaml'),
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('playbook `first-drill` v1');
      expect(result.stdout).toContain('| Incident status at end | closed |');
      expect(result.stdout).toContain('| OBJ1: Contain within 4 hours and decide on recovery | P (');
      expect(result.stdout).toMatch(/\| E1\.1 \| I1 \| .* \| on_time \| T\+04:00 \| T\+01:00 \|/);
    });

    it('plays the bundled DDoS extortion file with its scenario', async () => {
      const result = await holdfast('playbooks', 'test', ddos, '--scenario', ddosScenario, '--json');
      expect(result.code).toBe(0);
      const { report } = JSON.parse(result.stdout) as { report: AfterActionReport };
      expect(report.overview).toMatchObject({ playbook: 'ddos-extortion', playbookVersion: 1 });
      expect(report.responses.map((r) => r.id)).toContain('E1.1');
      expect(report.responses.filter((r) => r.status !== 'on_time')).toEqual([]);
      expect(report.objectives.map((o) => o.rating)).toEqual(['P', 'P', 'P', 'P']);
      expect(report.refusedMoves).toEqual([]);
    });

    it('fails on a move naming an event the playbook does not have, naming the move and the event', async () => {
      const scenario = scenarioWith(
        'unknown-event.scenario.yaml',
        'event: threat.contained,',
        'event: threat.contianed,',
      );
      const result = await testFirstDrill(scenario);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'first-drill-drill: script move 2 (T+PT1H, tech sends threat.contianed, after inject I1) was refused: ' +
          'invalid_request: playbook first-drill@1 has no client event "threat.contianed"',
      );
      expect(result.stdout).toBe('');
    });

    it('fails on a move the playbook does not reach, naming the state it is in', async () => {
      const scenario = scenarioWith(
        'skipped-step.scenario.yaml',
        '  - { at: PT1H, as: tech, event: threat.contained, payload: { how: Blocked the source. } }\n',
        '',
      );
      const result = await testFirstDrill(scenario);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'script move 2 (T+PT2H, ic sends recovery.decided, after inject I1) was refused: event_not_allowed: ' +
          '"recovery.decided" is not accepted in the incident\'s current state ({"command":"active","response":"contain"})',
      );
    });

    it('fails when a move the script expects to be refused is accepted', async () => {
      const scenario = scenarioWith(
        'expected-refusal.scenario.yaml',
        'payload: { how: Blocked the source. } }',
        'payload: { how: Blocked the source. }, expect: refused }',
      );
      const result = await testFirstDrill(scenario);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'script move 2 (T+PT1H, tech sends threat.contained, after inject I1): the script expected the playbook to refuse it, and it was accepted',
      );
    });

    it('plays the file as edited, not the bundled version with its id and version', async () => {
      const edited = inDir('ddos-edited.playbook.yaml');
      const text = readFileSync(ddos, 'utf8');
      expect(text).toContain('\n  demand.recorded:\n');
      writeFileSync(edited, text.replaceAll('demand.recorded:', 'demand.noted:'));
      expect((await holdfast('playbooks', 'check', edited)).code).toBe(0);
      const result = await holdfast('playbooks', 'test', edited, '--scenario', ddosScenario);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('playbook ddos-extortion@1 has no client event "demand.recorded"');
    });

    it('refuses a scenario written for another playbook', async () => {
      const result = await holdfast(
        'playbooks',
        'test',
        inDir('first-drill.playbook.yaml'),
        '--scenario',
        ddosScenario,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        "holdfast: scenario shop-ransom-ddos plays ddos-extortion, not the file's first-drill@1",
      );
    });
  });
});
