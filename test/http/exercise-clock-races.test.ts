import { describe, expect, it } from 'vitest';
import { raceClockMoves } from '../support/exercise-races';
import { tokenFor, useTestApp } from '../support/http';

const ctx = useTestApp();

describe('concurrent clock moves at one exercise', () => {
  it.each([3, 10])('%i moves at once queue: each applied in turn, every inject delivered once', async (n) => {
    const facilitator = await tokenFor(ctx.services, ctx.admin, 'facilitator', 'facilitator');
    expect(await raceClockMoves([facilitator], facilitator, n)).toBe(n);
  });
});
