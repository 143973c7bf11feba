/**
 * Runs tasks for the same key one after another, tasks for different keys at once. Writers racing on one
 * incident in this process queue here instead of all computing a transition that only one can commit
 * (the version guard still settles races between instances). The map holds a key only while work is queued.
 */
export function oneAtATimePerKey() {
  const tails = new Map<string, Promise<unknown>>();
  return async function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
