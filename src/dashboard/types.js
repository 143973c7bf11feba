// @ts-check
// The shapes the API answers with, as the dashboard reads them (src/http/schemas.ts is the contract).

/**
 * @typedef {{ id: string, name: string, roles: string[], authenticatedBy: string }} Me
 * @typedef {{ path: string, title: string, description: string, owner: string | null, checklist: string[] }} ActiveState
 * @typedef {{ type: string, title: string, roles: string[], permitted: boolean, tracks: string[] }} AllowedEvent
 * @typedef {{ id: string, label: string, event: string, dueAt: string }} Timer
 * @typedef {{ kind: 'deadline' | 'clock', id: string, label: string, dueAt: string, step: string | null, since: string }} OverdueItem
 * @typedef {{ id: string, label: string, dueAt: string, kind: 'deadline' | 'clock', routine: boolean }} Deadline
 * @typedef {{
 *   id: string, playbookId: string, playbookVersion: number, title: string, severity: string,
 *   mode: 'live' | 'exercise', status: 'open' | 'closed', overdue: boolean, version: number,
 *   createdAt: string, updatedAt: string, closedAt: string | null,
 * }} IncidentSummary
 * @typedef {IncidentSummary & {
 *   overdueItems: OverdueItem[], active: ActiveState[], allowedEvents: AllowedEvent[], timers: Timer[],
 *   context: any,
 * }} Incident
 * @typedef {{ type: string, title: string, description?: string, roles: string[], payloadSchema?: any, examples?: unknown[] }} EventDef
 * @typedef {{ id: string, version: number, title: string, roles?: Record<string, { title?: string }>,
 *   events?: EventDef[], inputSchema?: any, states?: any }} Playbook
 * @typedef {{ seq: number, type: string, payload: any, actor: string, source: string, occurredAt: string,
 *   recordedAt: string, note: string | null }} EventRecord
 */

export {};
