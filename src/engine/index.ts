/**
 * What the engine offers the http layer, the tabletop, the CLI and the composition root, by name: the use
 * cases, the kernel, the policy, the ports' types and the playbook tools. Anything else is internal.
 */
export {
  type Audit,
  type AuditBundle,
  type AuditVerdict,
  createAudit,
  type SealedVerdict,
  sealedVerdict,
  verifyAuditBundle,
  wholeLog,
} from './audit';
export { cacaoPlaybook, type TlpLevel, tlpLevels } from './cacao-export';
export {
  type ChangeHub,
  type CursorCodec,
  createChangeHub,
  createCursorCodec,
  cursorAfter,
  VersionCache,
} from './changes';
export {
  type Checkpoint,
  type CheckpointStore,
  type CheckpointVerdict,
  checkpointMessage,
  Keyring,
  keyIdOf,
  type PublishedKey,
  publishKey,
  signatureProblem,
  verifyCheckpoints,
} from './checkpoints';
export { type DatabaseClock, startDatabaseClock } from './database-clock';
export { clip, type ErrorCode, errorCodes, isUuid, listIssues, Refusal } from './errors';
export { GENESIS_HASH, hashEvent, verifyChain } from './hash-chain';
export {
  type AdvanceResult,
  createEngine,
  type Engine,
  type EngineDeps,
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
export {
  type DraftField,
  draftMarkdown,
  type NotificationDraft,
  notificationDraft,
} from './notification-drafts';
export { oneAtATimePerKey } from './one-at-a-time';
export { checkPlaybook } from './playbook-check';
export { describeStates } from './playbook-description';
export { mermaidDiagram } from './playbook-diagram';
export { releaseSnapshot, releaseSnapshotPath } from './playbook-release';
export { type StateTimer, stateTimers } from './playbook-timers';
export {
  canSeeMode,
  defaultModeFor,
  requireAdmin,
  requireFacilitator,
  requireLiveReader,
  requireMayOpen,
} from './policy';
export {
  canonicalName,
  type Principal,
  type PrincipalKind,
  parseOidcSubject,
  principalKinds,
  type SignedInIdentity,
  systemAdminPrincipal,
} from './principals';
export { type PlaybookLoader, PlaybookRegistry } from './registry';
export { reminderEventType } from './reminders';
export { type Credential, createSessions, type Sessions } from './sessions';
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
  OutboxMessage,
  OutboxMessageType,
  PlaybookStore,
  PrincipalRecord,
  PublishedPlaybook,
  TimerRow,
  TokenRecord,
} from './types';
export {
  createDispatcher,
  type DispatcherDeps,
  type OutboundRequest,
  type OutboundResult,
  type Send,
} from './webhook-dispatcher';
export { renderMessage } from './webhook-formats';
export {
  type CreateEndpointCommand,
  checkEndpointUrl,
  createWebhookService,
  type DeliveryStatus,
  DISABLE_AFTER_FAILING_MS,
  type IncidentNotification,
  matches,
  nextAttemptAt,
  RETRY_SCHEDULE_MS,
  type UpdateEndpointCommand,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointView,
  type WebhookFilters,
  type WebhookFormat,
  type WebhookService,
  type WebhookStore,
  webhookFormats,
} from './webhooks';
