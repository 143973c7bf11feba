import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  bundledScenarios,
  loadScenario,
  parseScenario,
  parseScenarioYaml,
  ScenarioError,
} from '../../src/tabletop';
import {
  anyJson,
  corruptedJson,
  deepArrayJson,
  fuzzParams,
  hostileString,
  mutated,
} from '../support/fuzz-arbitraries';

/**
 * Tabletop scenario files: the parser `holdfast tabletop run` uses, fed mutated scenarios (as objects and
 * as YAML), corrupted YAML text and YAML bombs, must return a scenario or throw a ScenarioError naming the
 * problems, never anything else. (Scenarios sent to `POST /v1/exercises` are fuzzed in payloads.test.ts.)
 */

const bundled = bundledScenarios();
const sources = bundled.map((s) => readFileSync(s.file, 'utf8'));
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
const scenarios = bundled.map((s) => plain(s.scenario));

/** Runs `parse`; a failure must be a ScenarioError listing readable problems. */
function expectParsedOrScenarioError(parse: () => unknown, what: string): void {
  try {
    parse();
  } catch (error) {
    expect(error, `${what}\nthrew ${(error as Error)?.stack ?? String(error)}`).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toBeTypeOf('string');
  }
}

const excerpt = (text: string) =>
  text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;

/** YAML that is hostile to a parser rather than to the schema. */
const hostileYaml: string[] = [
  '',
  '~',
  '---\n---\n',
  'a: 1\na: 2\n',
  '[',
  '{',
  '"unterminated',
  '\t- tab indented',
  'key: [1, 2',
  'key: *undefined_alias',
  '&a [*a]',
  '!!binary gIGC',
  '!custom-tag { a: 1 }',
  '!!js/function "function(){}"',
  '<<: {apiVersion: tabletop/v1}',
  '__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }',
  `${'- '.repeat(2_000)}x`,
  deepArrayJson(5_000),
  `${'a:\n '.repeat(500)}b`,
  // A billion laughs: ten aliases of ten aliases of ...
  [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  ].join('\n'),
  '\u0000',
  '\ufeffapiVersion: tabletop/v1',
  'apiVersion: "\\ud800"',
  '%YAML 9.9\n---\na: 1',
  '%TAG ! tag:example.com,2000:\n---\n!foo a',
];

describe('the scenario parser (holdfast tabletop run)', () => {
  it('accepts every bundled scenario, as parsed and re-serialized', () => {
    for (const scenario of scenarios) expect(() => parseScenario(scenario)).not.toThrow();
    for (const scenario of scenarios) expect(() => parseScenarioYaml(stringify(scenario))).not.toThrow();
  });

  it('refuses mutated scenario objects with a ScenarioError, never a crash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...scenarios).chain((scenario) => mutated(scenario)),
        (scenario) =>
          expectParsedOrScenarioError(() => parseScenario(scenario), excerpt(JSON.stringify(scenario))),
      ),
      fuzzParams(150),
    );
  });

  it('refuses mutated scenarios written as YAML, and random documents', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...scenarios).chain((scenario) => mutated(scenario)) },
          { weight: 1, arbitrary: anyJson },
        ),
        (scenario) => {
          const yaml = stringify(scenario);
          expectParsedOrScenarioError(() => parseScenarioYaml(yaml), excerpt(yaml));
        },
      ),
      fuzzParams(40),
    );
  });

  it('refuses corrupted scenario files with a ScenarioError naming a line, never a crash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources).chain((source) => corruptedJson(source)),
        (source) => expectParsedOrScenarioError(() => parseScenarioYaml(source), excerpt(source)),
      ),
      fuzzParams(40),
    );
  });

  it('refuses YAML bombs, deep nesting, tags and junk with a ScenarioError', () => {
    for (const source of hostileYaml) {
      expectParsedOrScenarioError(() => parseScenarioYaml(source), excerpt(source));
    }
    fc.assert(
      fc.property(hostileString, (source) =>
        expectParsedOrScenarioError(() => parseScenarioYaml(source), excerpt(source)),
      ),
      fuzzParams(100),
    );
  });

  it('loads a scenario file from disk the way the CLI does, and refuses a broken one cleanly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-scenario-'));
    try {
      const good = join(dir, 'good.yaml');
      writeFileSync(good, stringify(scenarios[0]));
      expect(loadScenario(good).metadata.id).toBe(scenarios[0].metadata.id);
      for (const [i, source] of hostileYaml.entries()) {
        const file = join(dir, `bad-${i}.yaml`);
        writeFileSync(file, source);
        expectParsedOrScenarioError(() => loadScenario(file), excerpt(source));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
