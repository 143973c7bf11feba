import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, holdfastBin } from '../support/processes';

const run = promisify(execFile);
const env = cleanEnv();
const holdfastWith = (extraEnv: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [holdfastBin, ...args], {
    env: { ...env, ...extraEnv },
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const holdfast = (...args: string[]) => holdfastWith({}, ...args);

const dir = mkdtempSync(join(tmpdir(), 'holdfast-tabletop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('holdfast tabletop', () => {
  it('lists the bundled scenarios with their scripts', async () => {
    const result = await holdfast('tabletop', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^jj-meds\transom-demand\tscripts: main,evidence-skipped\t/m);
  });

  it('runs a scenario headless and writes the report as Markdown, HTML and JSON, printing only where', async () => {
    const out = join(dir, 'aar');
    const result = await holdfast('tabletop', 'run', 'jj-meds', '--script', 'evidence-skipped', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      ['report.md', 'report.html', 'report.json'].map((f) => `${join(out, f)}\n`).join(''),
    );
    // The bar starts empty at the scenario's span (P4D), not full at 0/0.
    const bars = result.stderr.split('\n').filter((line) => line.startsWith('virtual time'));
    expect(bars[0]).toMatch(/ 0\/96 h \| jj-meds/);
    expect(bars.at(-1)).toMatch(/ 96\/96 h /);
    expect(result.stderr).not.toMatch(/ 0\/0 h/);
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toMatch(/\| E2\.1 \(critical\) \| I2 \| .* \| \*\*MISSED \(critical\)\*\* \|/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<table>');
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.report.overview.scenario).toBe('jj-meds');
  });

  it('runs the main script by the name `tabletop list` prints, and prints the report without --out', async () => {
    const listed = await holdfast('tabletop', 'list');
    const scripts = listed.stdout.match(/^jj-meds\t[^\t]+\tscripts: ([^\t]+)\t/m)![1]!.split(',');
    expect(scripts[0]).toBe('main');
    const result = await holdfast('tabletop', 'run', 'jj-meds', '--script', scripts[0]!);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# After-action report: Data-extortion email');
    expect(result.stdout).toContain('## Executive summary');
  });

  it('names the file, path and problem of a broken scenario, and an unknown script', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'apiVersion: tabletop/v1\nkind: Scenario\nmetadata: { id: x, title: X, playbook: ransom-demand }\n',
    );
    const broken = await holdfast('tabletop', 'run', file);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${file}:`);
    expect(broken.stderr).toContain('- clock: Invalid input');
    const unknown = await holdfast('tabletop', 'run', 'jj-meds', '--script', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('jj-meds has no script "nope" (scripts: main, evidence-skipped)');
  });

  it('refuses a scenario over the limits, naming the variable', async () => {
    const injects = await holdfastWith({ HOLDFAST_EXERCISE_MAX_INJECTS: '5' }, 'tabletop', 'run', 'jj-meds');
    expect(injects.code).toBe(1);
    expect(injects.stderr).toContain(
      'a scenario has at most 5 injects (HOLDFAST_EXERCISE_MAX_INJECTS); this one has 8',
    );
    const days = await holdfastWith({ HOLDFAST_EXERCISE_MAX_DAYS: '3' }, 'tabletop', 'run', 'jj-meds');
    expect(days.code).toBe(1);
    expect(days.stderr).toContain(
      "an exercise runs at most 3 days (HOLDFAST_EXERCISE_MAX_DAYS); this one's clock.end is P4D",
    );
  });
});
