import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * The dashboard is plain JavaScript served as is, type-checked from its JSDoc (`// @ts-check`): the compiler
 * runs over src/dashboard/tsconfig.json and must find nothing.
 */
it('the dashboard modules type-check', async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = resolve(import.meta.dirname, '../../src/dashboard/tsconfig.json');
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', project], {}).catch(
    (failure: { stdout: string }) => ({ stdout: failure.stdout }),
  );
  expect(stdout).toBe('');
}, 60_000);
