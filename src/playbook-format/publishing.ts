import { createHash } from 'node:crypto';
import { setImmediate as turn } from 'node:timers/promises';
import { type PlaybookLoader, type PlaybookRegistry, type PlaybookStore, Refusal } from '../engine';
import type { PlaybookDefinition } from '../playbook-kit';
import { checkPlaybookFile } from './check';
import { compilePlaybook } from './compile';
import { formatProblem, type LocatedProblem } from './source-map';

/** How many problems a refused file lists. */
const MAX_LISTED_PROBLEMS = 20;

export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface PublishOutcome {
  id: string;
  version: number;
  contentHash: string;
  /** `unchanged`: this very content was already published under (id, version). */
  status: 'published' | 'unchanged';
}

const refused = (code: 'invalid_request' | 'playbook_version_taken', problems: LocatedProblem[]) =>
  new Refusal(code, problems.map(formatProblem).slice(0, 3).join('\n'), {
    problems: problems.slice(0, MAX_LISTED_PROBLEMS),
    problemCount: problems.length,
  });

/**
 * Publishing playbook files: a file is compiled and checked (without the walk of configurations, which may
 * take seconds), then stored under its (id, version) with its hash. A published version never changes: the
 * same content again is a no-op, other content is refused (a new version is the way), and so is a bundled
 * version's (id, version).
 */
export function createPlaybookPublisher(deps: {
  store: PlaybookStore;
  registry: PlaybookRegistry;
  now: () => Date;
}) {
  const { store, registry } = deps;

  async function publish(name: string, text: string, publishedBy: string): Promise<PublishOutcome> {
    const checked = checkPlaybookFile(name, text, { explore: false });
    if (checked.problems.length > 0) throw refused('invalid_request', checked.problems);
    const definition = checked.definition!;
    const { id, version } = definition;
    const hash = contentHash(text);
    const taken = (message: string, hint: string) =>
      refused('playbook_version_taken', [checked.source.locate({ path: ['version'], message, hint })]);
    const next = Math.max(...registry.versions(id), version) + 1;
    const existing = await store.getPublishedPlaybook(id, version);
    if (!existing && registry.has(id, version))
      throw taken(`${id} version ${version} is bundled with holdfast`, `publish it as version ${next}`);
    const { stored, inserted } = existing
      ? { stored: existing, inserted: false }
      : await store.publishPlaybook({
          id,
          version,
          contentHash: hash,
          source: text,
          publishedAt: deps.now().toISOString(),
          publishedBy,
        });
    if (stored.contentHash !== hash)
      throw taken(
        `${id} version ${version} is already published with other content, and a published version never changes`,
        `publish the change as version ${next}`,
      );
    if (!registry.has(id, version)) registry.add(definition);
    return { id, version, contentHash: hash, status: inserted ? 'published' : 'unchanged' };
  }

  /** The file a version was compiled from (bundled or published), as written; none for one written in code. */
  async function pull(id: string, version?: number): Promise<string> {
    await registry.ensure(id, version);
    const definition = registry.get(id, version);
    if (definition.fileText === undefined)
      throw new Refusal(
        'not_found',
        `${id} version ${definition.version} is written in code, no file: read it with GET /v1/playbooks/${id}?version=${definition.version}`,
        { versions: registry.versions(id) },
      );
    return definition.fileText;
  }

  return { publish, pull };
}

export type PlaybookPublisher = ReturnType<typeof createPlaybookPublisher>;

/**
 * The registry's loader: the published versions an instance lacks, compiled one at a time (a turn of the
 * event loop between files). A stored file that no longer compiles is reported and left out.
 */
export const publishedPlaybooks =
  (store: PlaybookStore, onBroken: (id: string, version: number, problems: string) => void): PlaybookLoader =>
  async (known) => {
    const found: PlaybookDefinition[] = [];
    for (const { id, version } of await store.listPublishedPlaybooks()) {
      if (known(id, version)) continue;
      const row = await store.getPublishedPlaybook(id, version);
      if (!row) continue;
      await turn();
      const compiled = compilePlaybook(`${id}@${version}`, row.source);
      if (compiled.ok) found.push(compiled.definition);
      else onBroken(id, version, compiled.problems.map(formatProblem).join('\n'));
    }
    return found;
  };
