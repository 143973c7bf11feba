/**
 * What the engine offers the http layer, the tabletop, the CLI and the composition root, by name: the use
 * cases, the kernel, the policy, the ports' types and the playbook tools. Anything else is internal.
 */
export { cacaoPlaybook, type TlpLevel, tlpLevels } from './cacao-export';
export {
  type ChangeHub,
  createChangeHub,
  cursorAfter,
  formatCursor,
  parseCursor,
  VersionCache,
} from './changes';
export { type DatabaseClock, startDatabaseClock } from './database-clock';
export { type ErrorCode, errorCodes, Refusal } from './errors';
export { GENESIS_HASH, hashEvent, verifyChain } from './hash-chain';
export {
  type AdvanceResult,
  createEngine,
  type Engine,
  type FireBudget,
  type IncidentView,
} from './incidents';
export {
  checkInstant,
  checkInstantsIn,
  EARLIEST_INSTANT,
  LONGEST_SPAN_MS,
  latestInstant,
  YEARS_AHEAD,
} from './instants';
export { decide, type Effect, fire, open, parseOrThrow } from './kernel';
export {
  acceptsEvent,
  activeStates,
  allowedEvents,
  humanise,
  openSnapshot,
  restoreSnapshot,
  timerKey,
} from './machine-runtime';
export { oneAtATimePerKey } from './one-at-a-time';
export { checkPlaybook } from './playbook-check';
export { describeStates } from './playbook-description';
export { mermaidDiagram } from './playbook-diagram';
export { releaseSnapshot, releaseSnapshotPath } from './playbook-release';
export { canSeeMode, defaultModeFor, requireAdmin, requireFacilitator, requireMayOpen } from './policy';
export { PlaybookRegistry } from './registry';
export { startTimerWorker } from './timers';
export { builtInRoles, createTokenService, hashSecret, type TokenService } from './tokens';
export type {
  Actor,
  ChangeCursor,
  ChangeRecord,
  EventRecord,
  ExerciseRow,
  ExerciseStore,
  IncidentMode,
  IncidentRow,
  IncidentWrite,
  TimerRow,
} from './types';
