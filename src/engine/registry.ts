import type { PlaybookDefinition } from '../playbook-kit';
import { Refusal } from './errors';

/** The versions published since this instance last looked, compiled (see `PlaybookRegistry.refresh`). */
export type PlaybookLoader = (
  known: (id: string, version: number) => boolean,
) => Promise<PlaybookDefinition[]>;

/**
 * Every registered version of every playbook: open incidents stay on the version they were opened with. The
 * bundled versions are given; published ones (playbook files in the database) are added as they are
 * published here, or loaded by `refresh` when another instance published them.
 */
export class PlaybookRegistry {
  private readonly byId = new Map<string, Map<number, PlaybookDefinition>>();
  private loading: Promise<void> | undefined;

  constructor(
    definitions: readonly PlaybookDefinition[],
    private readonly load?: PlaybookLoader,
  ) {
    for (const definition of definitions) this.add(definition);
  }

  add(definition: PlaybookDefinition): void {
    const versions = this.byId.get(definition.id) ?? new Map<number, PlaybookDefinition>();
    if (versions.has(definition.version)) {
      throw new Error(`playbook ${definition.id}@${definition.version} is registered twice`);
    }
    versions.set(definition.version, definition);
    this.byId.set(definition.id, versions);
  }

  has(id: string, version: number): boolean {
    return this.byId.get(id)?.has(version) ?? false;
  }

  /** Loads the published versions this instance lacks; concurrent callers share one load. */
  refresh(): Promise<void> {
    if (!this.load) return Promise.resolve();
    this.loading ??= this.load((id, version) => this.has(id, version))
      .then((found) => {
        for (const definition of found)
          if (!this.has(definition.id, definition.version)) this.add(definition);
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /**
   * Before `get`: a version this instance lacks may have been published by another; without a version, the
   * latest may be newer than the one it knows.
   */
  async ensure(id: string, version?: number): Promise<void> {
    if (version === undefined || !this.has(id, version)) await this.refresh();
  }

  /** A specific version, or the latest when `version` is omitted. */
  get(id: string, version?: number): PlaybookDefinition {
    const versions = this.byId.get(id);
    if (!versions) {
      const ids = [...this.byId.keys()].sort();
      throw new Refusal('not_found', `no playbook "${id}" (playbooks: ${ids.join(', ')})`, {
        playbooks: ids,
      });
    }
    const wanted = version ?? Math.max(...versions.keys());
    const definition = versions.get(wanted);
    if (!definition) {
      const known = [...versions.keys()].sort((a, b) => a - b);
      throw new Refusal(
        'not_found',
        `playbook "${id}" has no version ${wanted} (versions: ${known.join(', ')})`,
        {
          versions: known,
        },
      );
    }
    return definition;
  }

  versions(id: string): number[] {
    return [...(this.byId.get(id)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The latest version of each playbook. */
  latest(): PlaybookDefinition[] {
    return [...this.byId.keys()].sort().map((id) => this.get(id));
  }

  all(): PlaybookDefinition[] {
    return [...this.byId.values()].flatMap((versions) => [...versions.values()]);
  }
}
