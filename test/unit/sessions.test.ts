import { describe, expect, it } from 'vitest';
import { type Credential, createSessions } from '../../src/engine';

const at = Date.parse('2030-01-01T00:00:00Z');

function sessions(valid: Set<string>) {
  return createSessions({
    isValid: async (credential: Credential) => valid.has(credential.digest),
    now: () => at,
    onError: (error) => {
      throw error;
    },
  });
}

const endedWithin = (ms: number) => {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  const bounded = Promise.race([
    ended,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the session did not end')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
  return { end, bounded };
};

describe('sessions', () => {
  it('ends the sessions of a changed credential that is no longer valid, and only those', async () => {
    const valid = new Set(['a', 'b']);
    const open = sessions(valid);
    const a = endedWithin(2000);
    let bEnded = false;
    open.open({ digest: 'a' }, a.end);
    open.open({ digest: 'b' }, () => {
      bEnded = true;
    });
    open.changed('b'); // changed but still valid
    valid.delete('a');
    open.changed('a');
    await a.bounded;
    expect(bEnded).toBe(false);
    expect(open.size).toBe(1);
  });

  it('re-checks every session when notices may have been missed', async () => {
    const valid = new Set(['a']);
    const open = sessions(valid);
    const a = endedWithin(2000);
    open.open({ digest: 'a' }, a.end);
    valid.clear();
    open.changed(null);
    await a.bounded;
  });

  it('ends a session when its credential expires, and refuses one already expired', async () => {
    const open = sessions(new Set(['a']));
    const soon = endedWithin(2000);
    open.open({ digest: 'a', validUntil: at + 20 }, soon.end);
    await soon.bounded;
    const gone = endedWithin(100);
    open.open({ digest: 'a', validUntil: at }, gone.end);
    await gone.bounded;
    expect(await open.stillValid({ digest: 'a', validUntil: at })).toBe(false);
    expect(await open.stillValid({ digest: 'a', validUntil: at + 1 })).toBe(true);
    expect(open.size).toBe(0);
  });
});
