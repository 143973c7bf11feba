import { Refusal } from '../engine';

const MAX_DEPTH = 32;

/**
 * Postgres jsonb cannot store U+0000 or unpaired surrogates, and nothing a playbook accepts nests deeply:
 * reject such bodies as bad input instead of letting them reach the database.
 */
export function assertStorableJson(value: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '$' }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    if (depth > MAX_DEPTH)
      throw new Refusal('invalid_request', `${path}: JSON nested deeper than ${MAX_DEPTH} levels`);
    if (typeof current === 'string') {
      if (current.includes('\u0000') || !current.isWellFormed()) {
        throw new Refusal('invalid_request', `${path}: strings may not contain NUL or unpaired surrogates`);
      }
    } else if (current && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000') || !key.isWellFormed()) {
          throw new Refusal('invalid_request', `${path}: keys may not contain NUL or unpaired surrogates`);
        }
        stack.push({ value: child, depth: depth + 1, path: `${path}.${key}` });
      }
    }
  }
}
