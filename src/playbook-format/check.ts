import { checkPlaybook } from '../engine';
import { type CompiledPlaybook, compilePlaybook, kitProblem } from './compile';
import type { PlaybookFile } from './schema';
import type { LocatedProblem, SourceFile } from './source-map';

export interface CheckedFile {
  /** The compiled playbook, when the file compiles (it may still have check problems). */
  definition?: CompiledPlaybook;
  file?: PlaybookFile;
  source: SourceFile;
  problems: LocatedProblem[];
}

/**
 * A playbook file compiled and put through `checkPlaybook` (the checks every bundled playbook passes), each
 * problem located in the file. `explore: false` skips the walk of reachable configurations, which takes
 * seconds on a large playbook (the API's publish; the CLI runs the whole check).
 */
export function checkPlaybookFile(name: string, text: string, { explore = true } = {}): CheckedFile {
  const compiled = compilePlaybook(name, text);
  if (!compiled.ok) return { source: compiled.source, problems: compiled.problems };
  const problems = checkPlaybook(compiled.definition, { explore }).map((message) =>
    compiled.source.locate(kitProblem(message, compiled.file)),
  );
  return { definition: compiled.definition, file: compiled.file, source: compiled.source, problems };
}
