import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createEngine, type Engine, type EngineDeps, PlaybookRegistry } from '../../src/engine';
import type { IncidentStore } from '../../src/engine/types';
import type { Actor } from '../../src/playbook-kit';
import { drillPlaybook } from '../fixtures/drill-playbook';
import type { TestStorage } from './databases';
import { testKeyring } from './keys';

/**
 * One storage of `backend` per test file, emptied before each test, with an engine on the drill playbook
 * whose wall clock is `ctx.clock` (reset to `start` before each test; tests move it); `ctx.store` is the
 * engine's store. `deps` replaces what the engine is given (e.g. its reminders).
 */
export function useDrillEngine(
  backend: { open: () => Promise<TestStorage> },
  start: number,
  deps: Partial<EngineDeps> = {},
) {
  const ctx = { clock: start } as { test: TestStorage; store: IncidentStore; engine: Engine; clock: number };
  beforeAll(async () => {
    ctx.test = await backend.open();
  });
  afterAll(async () => {
    await ctx.test?.dispose();
  });
  beforeEach(async () => {
    await ctx.test.reset();
    ctx.clock = start;
    ctx.store = ctx.test.incidentStore();
    ctx.engine = createEngine({
      store: ctx.store,
      registry: new PlaybookRegistry([drillPlaybook]),
      now: () => new Date(ctx.clock),
      newId: randomUUID,
      keyring: testKeyring(),
      ...deps,
    });
  });
  return ctx;
}

/**
 * Opens a drill incident as `actor`, its deadline `deadlineHours` away: live, or an exercise whose clock starts at
 * 2030-01-01T00:00:00Z.
 */
export const openDrill = (
  engine: Engine,
  actor: Actor,
  { deadlineHours = 48, mode = 'live' }: { deadlineHours?: number; mode?: 'live' | 'exercise' } = {},
) =>
  engine.startIncident(
    {
      playbookId: 'drill',
      title: 'Drill',
      input: { deadlineHours },
      actor,
      mode,
      clockStart: mode === 'exercise' ? '2030-01-01T00:00:00Z' : undefined,
    },
    [],
  );
