export interface TimerWorkerOptions {
  fireDueTimers: () => Promise<number>;
  nextDueAt: () => Promise<string | null>;
  now: () => Date;
  /** Whether this instance may fire timers now (its clock agrees with the database's); default: always. */
  mayFire?: () => boolean;
  /** Longest sleep: other instances may add timers this one does not hear about. */
  pollMs?: number;
  onError: (error: unknown) => void;
  onFired?: (count: number) => void;
}

export interface TimerWorker {
  /** Wake now (e.g. after this instance scheduled a timer). */
  wake(): void;
  stop(): Promise<void>;
}

/** Fires due timers now, then sleeps until the next due time (at most `pollMs`), forever. */
export function startTimerWorker(options: TimerWorkerOptions): TimerWorker {
  const pollMs = options.pollMs ?? 1000;
  let handle: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(handle);
    handle = setTimeout(() => {
      running = tick();
    }, delay);
  };

  async function tick(): Promise<void> {
    let delay = pollMs;
    try {
      if (options.mayFire?.() ?? true) {
        const fired = await options.fireDueTimers();
        if (fired > 0) options.onFired?.(fired);
      }
      const next = await options.nextDueAt();
      if (next) delay = Math.min(pollMs, Math.max(0, Date.parse(next) - options.now().getTime()));
    } catch (error) {
      options.onError(error);
    }
    schedule(delay);
  }

  schedule(0);
  return {
    wake: () => schedule(0),
    stop: async () => {
      stopped = true;
      clearTimeout(handle);
      await running;
    },
  };
}
