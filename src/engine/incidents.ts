import { advance } from './use-cases/advance';
import { clock } from './use-cases/clock';
import { type EngineDeps, useCaseContext } from './use-cases/context';
import { start } from './use-cases/start';
import { timers } from './use-cases/timers';
import { verify } from './use-cases/verify';
import { views } from './use-cases/views';

export type {
  AdvanceCommand,
  AdvanceResult,
  AppliedEvent,
  RecordFactCommand,
  SimulationResult,
} from './use-cases/advance';
export type { FireBudget } from './use-cases/clock';
export type { EngineDeps } from './use-cases/context';
export type { StartIncidentCommand } from './use-cases/start';
export type { IncidentView } from './use-cases/views';

export type Engine = ReturnType<typeof createEngine>;

/** The engine: the use cases of `use-cases/`, sharing one context (ports, clock, write cache, versions). */
export function createEngine(deps: EngineDeps) {
  const ctx = useCaseContext(deps);
  const reading = views(ctx);
  return {
    ...reading,
    ...start(ctx, reading),
    ...advance(ctx, reading),
    ...timers(ctx),
    ...clock(ctx, reading),
    ...verify(ctx),
    loadIncident: ctx.loadIncident,
    /** The incident's current version as this instance knows it without a query, if it does. */
    knownVersion: (id: string) => ctx.versions.get(id),
    openIncidentCounts: () => deps.store.countOpenIncidents(),
  };
}
