import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CompiledPlaybook, compilePlaybook } from './compile';
import { formatProblem } from './source-map';

/** A playbook file compiled, for a playbook that ships as data: a broken file fails at start-up, located. */
export function playbookFromFile(path: URL): CompiledPlaybook {
  const name = fileURLToPath(path);
  const compiled = compilePlaybook(name, readFileSync(path, 'utf8'));
  if (!compiled.ok)
    throw new Error(`playbook file ${name}:\n${compiled.problems.map(formatProblem).join('\n')}`);
  return compiled.definition;
}
