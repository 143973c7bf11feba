/**
 * Timers one unit of work fires at most, on the live worker and in a clock move. Firing is synchronous (the
 * kernel, then the store's write; the embedded database never yields between queries), so this bounds how
 * long firing holds the event loop at a time; between units it lets it go.
 */
export const FIRES_PER_UNIT = 10;

/** Lets the event loop answer what is waiting. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
