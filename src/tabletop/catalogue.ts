import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseScenarioYaml, type Scenario, ScenarioError } from './scenario';

/** Bundled scenarios live beside their playbook: `playbooks/<id>/scenarios/*.yaml`. */
const playbooksDir = resolve(import.meta.dirname, '../../playbooks');

export interface BundledScenario {
  id: string;
  file: string;
  scenario: Scenario;
}

let bundled: readonly BundledScenario[] | undefined;

/**
 * Every bundled scenario, validated (a broken bundled file fails loudly, naming the file). Read once per
 * process: they ship with the code, and reading and validating them all takes a noticeable fraction of a
 * second, which `GET /v1/scenarios` would otherwise spend on every request.
 */
export function bundledScenarios(): BundledScenario[] {
  bundled ??= readBundledScenarios();
  return [...bundled];
}

function readBundledScenarios(): BundledScenario[] {
  const found: BundledScenario[] = [];
  for (const playbook of readdirSync(playbooksDir, { withFileTypes: true })) {
    if (!playbook.isDirectory()) continue;
    const dir = join(playbooksDir, playbook.name, 'scenarios');
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = join(dir, name);
      const scenario = parseScenarioYaml(
        readFileSync(file, 'utf8'),
        `playbooks/${playbook.name}/scenarios/${name}`,
      );
      found.push({ id: scenario.metadata.id, file, scenario });
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** A scenario by bundled id, or from a YAML file path. */
export function loadScenario(fileOrId: string): Scenario {
  const bundled = bundledScenarios().find((s) => s.id === fileOrId);
  if (bundled) return bundled.scenario;
  if (!existsSync(fileOrId)) {
    throw new ScenarioError(fileOrId, [
      `no bundled scenario with this id and no such file (bundled: ${bundledScenarios()
        .map((s) => s.id)
        .join(', ')})`,
    ]);
  }
  return parseScenarioYaml(readFileSync(fileOrId, 'utf8'), fileOrId);
}
