import { Refusal } from '../engine';
import type { Actor } from '../playbook-kit';

/** Buckets beyond this many are swept of the full ones (tokens idle for a minute). */
const SWEEP_ABOVE = 10_000;

/**
 * Events per minute per principal (a person or service, whichever of its tokens it uses): a bucket per actor id holding `perMinute` events, refilled evenly over a minute,
 * so a token may send a burst of `perMinute` and then one every `60 / perMinute` seconds. `take` refuses the
 * event with 429 `rate_limited` and the seconds until the next one is allowed. Kept in this process: each
 * instance counts its own requests (docs/decisions.md). `perMinute` 0: no limit.
 */
export function eventRateLimiter(perMinute: number, now: () => Date) {
  // Counted in event-milliseconds, whole numbers: an event costs a minute's worth, each millisecond refills
  // `perMinute` of them, so no rounding ever refuses an event that is due.
  const cost = 60_000;
  const capacity = perMinute * cost;
  const buckets = new Map<string, { credit: number; at: number }>();
  const refilled = (bucket: { credit: number; at: number } | undefined, at: number) =>
    bucket ? Math.min(capacity, bucket.credit + Math.max(0, at - bucket.at) * perMinute) : capacity;

  return function take(actor: Actor): void {
    if (perMinute === 0) return;
    const at = now().getTime();
    const credit = refilled(buckets.get(actor.id), at);
    if (credit < cost) {
      buckets.set(actor.id, { credit, at });
      const retryAfter = Math.ceil((cost - credit) / perMinute / 1000);
      throw new Refusal(
        'rate_limited',
        `one principal (person or service, over all its tokens) may send at most ${perMinute} events a minute; retry in ${retryAfter} s`,
        { limit: 'events_per_minute', max: perMinute, retryAfter },
      );
    }
    buckets.set(actor.id, { credit: credit - cost, at });
    if (buckets.size > SWEEP_ABOVE) {
      for (const [id, bucket] of buckets) if (refilled(bucket, at) === capacity) buckets.delete(id);
    }
  };
}

/**
 * At most `max` streams open at once per principal (all its tokens) on this instance: `claim` refuses one more with 429
 * `rate_limited`, and returns the function that gives the slot back when the stream ends.
 */
export function streamSlots(max: number) {
  const open = new Map<string, number>();
  return function claim(actor: Actor): () => void {
    const count = open.get(actor.id) ?? 0;
    if (count >= max) {
      throw new Refusal(
        'rate_limited',
        `a token may hold at most ${max} streams open at once; close one before opening another`,
        { limit: 'streams_per_token', max },
      );
    }
    open.set(actor.id, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (open.get(actor.id) ?? 1) - 1;
      if (left > 0) open.set(actor.id, left);
      else open.delete(actor.id);
    };
  };
}
