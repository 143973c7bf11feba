// @ts-check
// Tracks: the concurrent regions of a playbook (command, containment, …), in the order responders think in.

import { humanise } from './dom.js';

/** @typedef {import('./types.js').ActiveState} ActiveState */

/** DESIGN.md 3; tracks not listed follow in the playbook's order. */
const TRACK_ORDER = [
  'command',
  'containment',
  'investigation',
  'communications',
  'legal',
  'payment',
  'recovery',
  'review',
];

/** @param {string} track */
export const trackRank = (track) => {
  const rank = TRACK_ORDER.indexOf(track);
  return rank === -1 ? TRACK_ORDER.length : rank;
};

/** @param {string} path */
export const trackOf = (path) => path.split('.')[0] ?? path;

/**
 * Active states grouped by track (the first segment of the path), each with its step named.
 * @param {ActiveState[] | undefined} active
 * @returns {Map<string, (ActiveState & { step: string })[]>}
 */
export function byTrack(active) {
  /** @type {Map<string, (ActiveState & { step: string })[]>} */
  const tracks = new Map();
  const ordered = [...(active ?? [])].sort((a, b) => trackRank(trackOf(a.path)) - trackRank(trackOf(b.path)));
  for (const state of ordered) {
    const [track = state.path, ...rest] = state.path.split('.');
    const list = tracks.get(track) ?? [];
    list.push({ ...state, step: rest.length > 0 ? rest.map(humanise).join(' › ') : state.title });
    tracks.set(track, list);
  }
  return tracks;
}
