import type { Actor } from '../../playbook-kit';
import { VersionCache } from '../changes';
import type { Checkpoint, Keyring } from '../checkpoints';
import { Refusal } from '../errors';
import type { Effect } from '../kernel';
import { defaultIncidentLimits, type IncidentLimits } from '../limits';
import { outboxMessages } from '../outbox';
import { canSeeMode } from '../policy';
import type { PlaybookRegistry } from '../registry';
import { withReminders } from '../reminders';
import type { EventRecord, IncidentRow, IncidentStore, OutboxMessage, TimerRow } from '../types';
import { WriteCache } from '../write-cache';

export interface EngineDeps {
  store: IncidentStore;
  registry: PlaybookRegistry;
  /** The wall clock, for live incidents and `recorded_at`. */
  now: () => Date;
  newId: () => string;
  /** Signs each write's new head (a checkpoint); its public keys verify them. */
  keyring: Keyring;
  /** How often an advance without If-Match re-reads and retries after losing a race. */
  maxRetries?: number;
  /** How many incidents this instance remembers as it last wrote them (default 2000; 0 turns it off). */
  writeCacheSize?: number;
  /** Current versions of incidents, for answering If-None-Match without a query (shared with the change hub). */
  versions?: VersionCache;
  /** How big an incident may grow (payload arrays and strings, state); defaults in `limits.ts`. */
  limits?: Partial<IncidentLimits>;
  /** How long before each deadline and clock of a live incident its reminders go out, in ms (default none). */
  reminders?: readonly number[];
  /** Told of every committed write this instance makes, with the events it appended (metrics). */
  onCommitted?: (incident: IncidentRow, events: EventRecord[]) => void;
}

/** What every use case shares: the ports, the clock, and what this instance knows of the incidents it wrote. */
export type UseCaseContext = ReturnType<typeof useCaseContext>;

export function useCaseContext(deps: EngineDeps) {
  const { store, registry } = deps;
  const writeCache = new WriteCache(deps.writeCacheSize ?? 2000);
  const versions = deps.versions ?? new VersionCache();

  const noteVersion = (row: IncidentRow) =>
    versions.note(row.id, { version: row.version, changeSeq: row.changeSeq, mode: row.mode });

  return {
    deps,
    store,
    registry,
    writeCache,
    versions,
    noteVersion,
    limits: { ...defaultIncidentLimits, ...deps.limits },
    definitionOf: (row: Pick<IncidentRow, 'playbookId' | 'playbookVersion'>) =>
      registry.get(row.playbookId, row.playbookVersion),
    /** The wall clock now, as ISO 8601. */
    wallNow: () => deps.now().toISOString(),
    /** The incident's own now: its virtual clock for an exercise, the wall clock otherwise. */
    incidentNow: (row: Pick<IncidentRow, 'clockNow'>): string => row.clockNow ?? deps.now().toISOString(),
    /** The signed checkpoint of the head a write leaves, to be stored with it. */
    seal(incident: Pick<IncidentRow, 'id' | 'version' | 'headHash'>): Checkpoint {
      return deps.keyring.sign({
        incidentId: incident.id,
        seq: incident.version,
        hash: incident.headHash,
        signedAt: deps.now().toISOString(),
      });
    },
    /** A live incident's write with the reminders of the timers it arms and cancels (`reminders.ts`). */
    withReminders<W extends { incident: IncidentRow; timersToAdd: TimerRow[]; timerIdsToRemove: string[] }>(
      write: W,
    ): W {
      if (write.incident.mode !== 'live') return write;
      const definition = registry.get(write.incident.playbookId, write.incident.playbookVersion);
      return withReminders(write, definition, deps.reminders ?? [], deps.now().toISOString());
    },
    /** The outbox messages a write of `events` (turning `before` into `after`) sends, stored with it. */
    outbox(
      before: IncidentRow | null,
      after: IncidentRow,
      events: EventRecord[],
      effects: Effect[],
    ): OutboxMessage[] {
      return outboxMessages(
        registry.get(after.playbookId, after.playbookVersion),
        before,
        after,
        events,
        effects,
      );
    },
    /** Records a committed write: its version for If-None-Match, its events for the metrics. */
    announce(incident: IncidentRow, events: EventRecord[]) {
      noteVersion(incident);
      if (events.length > 0) deps.onCommitted?.(incident, events);
    },
    /**
     * Loads an incident; with `actor`, one the actor may not see (see `canSeeMode`) is not found either, with
     * the same answer as a missing id, so a facilitator token cannot even learn that a live incident exists.
     */
    async loadIncident(id: string, actor?: Actor): Promise<IncidentRow> {
      // A facilitator-only token asks for exercises only: a live incident's row is never read for it, so how
      // long its 404 takes says nothing about the live incident.
      const row = await store.getIncident(id, actor && !canSeeMode(actor, 'live') ? 'exercise' : undefined);
      if (row) {
        noteVersion(row);
        await registry.ensure(row.playbookId, row.playbookVersion);
      }
      if (!row || (actor && !canSeeMode(actor, row.mode)))
        throw new Refusal('not_found', `no incident ${id}`);
      return row;
    },
  };
}
