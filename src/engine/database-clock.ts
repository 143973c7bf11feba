/**
 * One clock for every instance: the database server's. Each instance measures how far its own clock is from
 * the database's (the midpoint of a round trip) at start and again every `remeasureMs`, and tells the time as
 * its own clock plus that offset. Instances with skewed clocks so agree on when things happen, and timers fire
 * on time, whichever instance fires them.
 */
export interface DatabaseClock {
  /** Now, on the database server's clock. */
  now(): Date;
  /** How far this host's clock runs ahead of the database's (negative: behind), as last measured. */
  skewMs(): number;
  /** Whether the host's clock is within the configured bound of the database's. */
  withinBound(): boolean;
  boundMs: number;
  measure(): Promise<void>;
  stop(): void;
}

export interface DatabaseClockOptions {
  readServerTime: () => Promise<Date>;
  /** This host's clock. */
  local: () => Date;
  /** Beyond this much skew, the instance fires no timers (and says why). */
  maxSkewMs: number;
  remeasureMs?: number;
  onMeasured?: (skewMs: number, withinBound: boolean) => void;
  onError?: (error: unknown) => void;
}

const SAMPLES = 5;

export async function startDatabaseClock(options: DatabaseClockOptions): Promise<DatabaseClock> {
  let skew = 0;
  // A reading is off by at most half its round trip: of a few, the shortest round trip is the best one.
  const sample = async () => {
    const sent = options.local().getTime();
    const server = (await options.readServerTime()).getTime();
    const received = options.local().getTime();
    return { roundTrip: received - sent, skew: Math.round((sent + received) / 2 - server) };
  };
  const measure = async () => {
    let best = await sample();
    for (let i = 1; i < SAMPLES; i++) {
      const next = await sample();
      if (next.roundTrip < best.roundTrip) best = next;
    }
    skew = best.skew;
    options.onMeasured?.(skew, Math.abs(skew) <= options.maxSkewMs);
  };
  await measure();
  const timer = setInterval(
    () => measure().catch((error) => options.onError?.(error)),
    options.remeasureMs ?? 60_000,
  );
  timer.unref();
  return {
    now: () => new Date(options.local().getTime() - skew),
    skewMs: () => skew,
    withinBound: () => Math.abs(skew) <= options.maxSkewMs,
    boundMs: options.maxSkewMs,
    measure,
    stop: () => clearInterval(timer),
  };
}
