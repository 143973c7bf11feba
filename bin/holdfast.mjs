#!/usr/bin/env node
// Runs the TypeScript sources directly: no build step between a clone and a running server.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

registerHooks('./postgres-driver-fix.mjs', import.meta.url);
register();
await import('../src/cli.ts');
