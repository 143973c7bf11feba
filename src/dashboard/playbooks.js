// @ts-check
// Playbook definitions (event titles, descriptions, payload schemas, examples), fetched once per tab.

import { getJson } from './api.js';

/** @typedef {import('./types.js').Playbook} Playbook */

/** By "id@version". @type {Map<string, Promise<Playbook>>} */
const definitions = new Map();

/**
 * @param {string} id
 * @param {number} [version] the latest when left out
 * @returns {Promise<Playbook>}
 */
export function playbook(id, version) {
  const key = `${id}@${version ?? 'latest'}`;
  let loading = definitions.get(key);
  if (!loading) {
    const query = version === undefined ? '' : `?version=${version}`;
    loading = getJson(`/v1/playbooks/${encodeURIComponent(id)}${query}`).then((r) => r.data);
    loading.catch(() => definitions.delete(key));
    definitions.set(key, loading);
  }
  return loading;
}

/** @type {Promise<{ id: string, title: string, summary: string }[]> | undefined} */
let list;
/** Every playbook (latest versions); empty when they cannot be read. */
export function playbookList() {
  list ??= getJson('/v1/playbooks').then(
    (r) => r.data.items,
    () => [],
  );
  return list;
}

/** Titles by playbook id. */
export async function playbookTitles() {
  return new Map((await playbookList()).map((p) => [p.id, p.title]));
}

export function clearPlaybooks() {
  definitions.clear();
  list = undefined;
}
