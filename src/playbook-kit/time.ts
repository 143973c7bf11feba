/** Durations in milliseconds. Playbooks never read the wall clock: every time comes from an event's `at`. */
export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const days = (n: number): number => n * 86_400_000;

/** The incident-clock time of an event: `at` on client and timer events, `input.at` on `xstate.init`. */
export function eventTime(event: { at?: unknown; input?: { at?: unknown } }): string {
  const at = event.at ?? event.input?.at;
  if (typeof at !== 'string') throw new Error('holdfast events carry an ISO `at`; this one has none');
  return at;
}

/**
 * Milliseconds from `now` until `target` (both ISO); negative once `target` has passed. A timer keeps its real
 * due time that way (a deadline already passed when the incident opens is due when it fell due, not at the
 * opening), and the engine fires it at once, recorded at that due time.
 */
export function msUntil(target: string, now: string): number {
  return Date.parse(target) - Date.parse(now);
}

/** `iso + ms` as an ISO string. */
export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/** Calendar months, as PIPEDA's 24-month breach-record retention counts them (UTC date arithmetic). */
export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString();
}
