// @ts-check
// What presses on an incident: what is overdue, which deadlines come next (not the routine ones), and which
// of the caller's actions settle them.

import { trackOf, trackRank } from './tracks.js';

/** @typedef {import('./types.js').Incident} Incident */
/** @typedef {import('./types.js').AllowedEvent} AllowedEvent */

/** A deadline this close (on the incident's clock) counts as near: its actions come first. */
export const NEAR_MS = 24 * 3_600_000;

/**
 * @typedef {{ label: string, dueAt: string, kind: 'deadline' | 'clock', step: string | null, recipient?: string }} Upcoming
 */

/**
 * The deadlines still ahead, soonest first: the playbook's non-routine timers and the running notification
 * clocks (whose own timers are not listed twice).
 * @param {Incident} incident
 * @returns {Upcoming[]}
 */
export function upcomingDeadlines(incident) {
  /** @type {Upcoming[]} */
  const timers = (incident.timers ?? [])
    .filter((t) => !t.routine && t.event !== 'clock.due')
    .map((t) => ({ label: t.label, dueAt: t.dueAt, kind: 'deadline', step: t.step ?? null }));
  /** @type {Upcoming[]} */
  const clocks = (incident.clocks ?? []).map((c) => ({
    label: c.label,
    dueAt: c.dueAt,
    kind: 'clock',
    step: 'clocks',
    recipient: c.recipient,
  }));
  return [...timers, ...clocks].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

/** The incident's now, in milliseconds: its exercise clock, or the viewer's clock. @param {Incident} incident */
export const nowOf = (incident) => (incident.mode === 'exercise' ? Date.parse(incident.clock) : Date.now());

/**
 * For sorting a board: most overdue first (the longest-missed item), then the nearest deadline.
 * Lower is more urgent.
 * @param {Incident} incident
 * @returns {[number, number]}
 */
export function urgencyKey(incident) {
  const overdue = incident.overdueItems ?? [];
  const oldest = overdue.length
    ? Math.min(...overdue.map((i) => Date.parse(i.since)))
    : Number.POSITIVE_INFINITY;
  const next = upcomingDeadlines(incident)[0];
  const left = next ? Date.parse(next.dueAt) - nowOf(incident) : Number.POSITIVE_INFINITY;
  return [overdue.length ? oldest : Number.POSITIVE_INFINITY, left];
}

/**
 * The caller's actions, ranked: 0 settles an overdue item (an action of that item's track), 1 serves a
 * deadline due within `NEAR_MS`, 2 the rest; within a rank, by track.
 * @param {Incident} incident
 * @returns {{ allowed: AllowedEvent, rank: 0 | 1 | 2, track: string, reason: string | null }[]}
 */
export function rankedActions(incident) {
  /** @type {Map<string, string>} track → why its actions press */
  const overdueTracks = new Map();
  for (const item of incident.overdueItems ?? []) {
    const track = item.step ? trackOf(item.step) : null;
    if (track && !overdueTracks.has(track)) overdueTracks.set(track, `settles: ${item.label}`);
  }
  const now = nowOf(incident);
  /** @type {Map<string, string>} */
  const nearTracks = new Map();
  for (const deadline of upcomingDeadlines(incident)) {
    if (Date.parse(deadline.dueAt) - now > NEAR_MS || !deadline.step) continue;
    const track = trackOf(deadline.step);
    if (!nearTracks.has(track)) nearTracks.set(track, `before: ${deadline.label}`);
  }
  return incident.allowedEvents
    .filter((e) => e.permitted)
    .map((allowed) => {
      const tracks = allowed.tracks ?? [];
      const overdue = tracks.find((t) => overdueTracks.has(t));
      const near = tracks.find((t) => nearTracks.has(t));
      const track = overdue ?? near ?? tracks[0] ?? 'incident';
      /** @type {0 | 1 | 2} */
      const rank = overdue ? 0 : near ? 1 : 2;
      const reason = overdue
        ? (overdueTracks.get(overdue) ?? null)
        : near
          ? (nearTracks.get(near) ?? null)
          : null;
      return { allowed, rank, track, reason };
    })
    .sort((a, b) => a.rank - b.rank || trackRank(a.track) - trackRank(b.track));
}
