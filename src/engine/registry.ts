import type { PlaybookDefinition } from '../playbook-kit';
import { Refusal } from './errors';

/** Every registered version of every playbook: open incidents stay on the version they were opened with. */
export class PlaybookRegistry {
  private readonly byId = new Map<string, Map<number, PlaybookDefinition>>();

  constructor(definitions: readonly PlaybookDefinition[]) {
    for (const definition of definitions) {
      const versions = this.byId.get(definition.id) ?? new Map<number, PlaybookDefinition>();
      if (versions.has(definition.version)) {
        throw new Error(`playbook ${definition.id}@${definition.version} is registered twice`);
      }
      versions.set(definition.version, definition);
      this.byId.set(definition.id, versions);
    }
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
