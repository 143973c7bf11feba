import type { Actor, PlaybookDefinition } from '../playbook-kit';
import { Refusal } from './errors';
import type { IncidentMode } from './types';

/**
 * Every authorization rule of holdfast, in one place (`test/support/permission-table.ts` is its mirror in
 * the tests). Roles: `admin` may do everything; `observer` reads; `facilitator` runs exercises and sees
 * exercise incidents only; the playbook roles send the events that name them.
 */

/** Facilitator-only tokens reach exercise incidents only; every other role sees both modes. */
export function canSeeMode(actor: Actor, mode: IncidentMode): boolean {
  return mode === 'exercise' || actor.roles.some((role) => role !== 'facilitator');
}

/** What a listing or stream shows when the caller names no mode: exercises for facilitator-only tokens, else live. */
export function defaultModeFor(actor: Actor): IncidentMode {
  return canSeeMode(actor, 'live') ? 'live' : 'exercise';
}

/**
 * `/metrics` counts live incidents and the work done on them: it needs a token that may see live incidents
 * (observer, admin or a playbook role), never a facilitator-only one.
 */
export function requireLiveReader(actor: Actor): void {
  if (canSeeMode(actor, 'live')) return;
  throw new Refusal('forbidden', 'this needs a token that may see live incidents (observer or higher)');
}

/** `admin` may send every event; otherwise the caller needs one of the event's roles. */
export function mayActAs(callerRoles: readonly string[], eventRoles: readonly string[]): boolean {
  return callerRoles.includes('admin') || eventRoles.some((role) => callerRoles.includes(role));
}

/** Opening an incident needs admin or one of the playbook's roles. */
export function requireMayOpen(actor: Actor, playbook: PlaybookDefinition): void {
  if (actor.roles.includes('admin') || actor.roles.some((role) => role in playbook.roles)) return;
  throw new Refusal('forbidden', `opening a ${playbook.id} incident needs admin or one of its roles`, {
    roles: Object.keys(playbook.roles),
  });
}

/** Starting an exercise and moving its clock need the facilitator or admin role. */
export function requireFacilitator(actor: Actor): void {
  if (actor.roles.includes('admin') || actor.roles.includes('facilitator')) return;
  throw new Refusal('forbidden', 'this needs the facilitator or admin role');
}

/** Token management needs the admin role. */
export function requireAdmin(actor: Actor): void {
  if (!actor.roles.includes('admin')) throw new Refusal('forbidden', 'this needs the admin role');
}
