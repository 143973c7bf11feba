import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        // The playbook checks walk every reachable configuration: seconds per playbook on a busy machine.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/architecture.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: { name: 'http', include: ['test/http/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
      },
      { test: { name: 'db', include: ['test/db/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        // Real server processes killed and restarted: one file at a time, generous limits.
        test: {
          name: 'fault',
          include: ['test/fault/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
