/**
 * How many records a context list keeps where an event may repeat (evidence items, decisions, escalations,
 * sitreps, notices): the newest ones. Every record stays in the event log; the context is what guards and
 * views need now. A constant, not configuration: the same events must leave the same context everywhere.
 */
export const KEPT_RECORDS = 50;

/** How many older records each list left out of context, by the list's name: the event log has them. */
export type Omitted = Record<string, number>;

/**
 * `list` with `added` appended, at most KEPT_RECORDS of them: the oldest leave first, except the newest record
 * of each `keyOf` (an evidence kind, a decision id), so a guard asking whether one was ever recorded, or for the
 * latest of them, answers as before. `omitted` counts what left under `name`.
 */
export function appendKept<T>(
  name: string,
  list: readonly T[],
  added: readonly T[],
  omitted: Omitted | undefined,
  keyOf?: (item: T) => string,
): { list: T[]; omitted: Omitted | undefined } {
  const all = [...list, ...added];
  if (all.length <= KEPT_RECORDS) return { list: all, omitted };
  const newestOfKey = new Set<number>();
  if (keyOf) {
    const seen = new Set<string>();
    for (let i = all.length - 1; i >= 0; i--) {
      const key = keyOf(all[i]!);
      if (!seen.has(key)) newestOfKey.add(i);
      seen.add(key);
    }
  }
  let excess = all.length - KEPT_RECORDS;
  const kept = all.filter((_, i) => {
    if (excess === 0 || newestOfKey.has(i)) return true;
    excess--;
    return false;
  });
  const left = all.length - kept.length;
  if (left === 0) return { list: kept, omitted };
  return { list: kept, omitted: { ...omitted, [name]: (omitted?.[name] ?? 0) + left } };
}
