import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { PgIncidentStore } from '../../db/store';
import { createEngine, type Engine, PlaybookRegistry } from '../../src/engine';
import { drillPlaybook } from '../fixtures/drill-playbook';
import type { TestDatabase } from './databases';

/**
 * One database of `backend` per test file, emptied before each test, with an engine on the drill playbook
 * whose wall clock is `ctx.clock` (reset to `start` before each test; tests move it).
 */
export function useDrillEngine(backend: { open: () => Promise<TestDatabase> }, start: number) {
  const ctx = { clock: start } as { test: TestDatabase; engine: Engine; clock: number };
  beforeAll(async () => {
    ctx.test = await backend.open();
  });
  afterAll(async () => {
    await ctx.test?.dispose();
  });
  beforeEach(async () => {
    await ctx.test.reset();
    ctx.clock = start;
    ctx.engine = createEngine({
      store: new PgIncidentStore(ctx.test.database.db),
      registry: new PlaybookRegistry([drillPlaybook]),
      now: () => new Date(ctx.clock),
      newId: randomUUID,
    });
  });
  return ctx;
}
