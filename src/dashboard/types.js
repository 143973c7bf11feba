// @ts-check
// The shapes the API answers with, as the dashboard reads them (src/http/schemas.ts is the contract).

/**
 * @typedef {{ id: string, name: string, roles: string[], authenticatedBy: string }} Me
 * @typedef {{ path: string, title: string, description: string, owner: string | null, checklist: string[] }} ActiveState
 * @typedef {{ type: string, title: string, roles: string[], permitted: boolean, tracks: string[] }} AllowedEvent
 * @typedef {{ id: string, label: string, event: string, dueAt: string, routine: boolean, step: string | null }} Timer
 * @typedef {{ id: string, label: string, recipient: string, dueAt: string }} RunningClock
 * @typedef {{ kind: 'deadline' | 'clock', id: string, label: string, dueAt: string, step: string | null, since: string }} OverdueItem
 * @typedef {{
 *   id: string, playbookId: string, playbookVersion: number, title: string, severity: string,
 *   mode: 'live' | 'exercise', status: 'open' | 'closed', overdue: boolean, version: number,
 *   createdAt: string, updatedAt: string, closedAt: string | null,
 * }} IncidentSummary
 * @typedef {IncidentSummary & {
 *   overdueItems: OverdueItem[], active: ActiveState[], allowedEvents: AllowedEvent[], timers: Timer[],
 *   clocks: RunningClock[], timeZone: string | null, clock: string, openedAt: string, openedBy: string | null,
 *   context: any,
 * }} Incident
 * @typedef {{ type: string, title: string, description?: string, roles: string[], payloadSchema?: any, examples?: unknown[] }} EventDef
 * @typedef {{ id: string, version: number, versions?: number[], title: string, summary?: string,
 *   roles?: Record<string, string>, events?: EventDef[], inputSchema?: any, states?: any }} Playbook
 * @typedef {{ id: string, version: number, title: string, summary: string, versions: number[] }} PlaybookItem
 * @typedef {{ seq: number, type: string, payload: any, actor: string, source: string, occurredAt: string,
 *   recordedAt: string, note: string | null }} EventRecord
 * @typedef {{ id: string, module: string | null, at: string, offset: string, channel: string, from: string,
 *   to: string[], content: string }} Inject
 * @typedef {{ id: string, scenarioId: string, title: string, playbookId: string, status: 'running' | 'finished',
 *   incidentId: string, start: string, clock: string, end: string, injects: Inject[] }} Exercise
 */

export {};
