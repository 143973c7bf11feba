import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain module of the launcher, without types
import { mendConnectionModule } from '../../bin/postgres-driver-fix.mjs';

const connectionModule = readFileSync(
  resolve(import.meta.dirname, '../../node_modules/postgres/src/connection.js'),
  'utf8',
);

describe('the mend of the Postgres driver’s write to a closed connection', () => {
  it('guards the installed driver’s nextWrite: a gone socket settles the queries with CONNECTION_CLOSED', () => {
    const mended: string = mendConnectionModule(connectionModule);
    // The installed driver still has the fault; once a release fixes it, this fails and the mend can go.
    expect(mended).not.toBe(connectionModule);
    const nextWrite = mended.slice(
      mended.indexOf('function nextWrite('),
      mended.indexOf('function connectTimedOut('),
    );
    expect(nextWrite).toMatch(
      /if \(!socket\) \{\s+chunk = nextWriteTimer = null\s+error\(Errors\.connection\('CONNECTION_CLOSED', options, socket\)\)\s+return false\s+\}\s+const x = socket\.write\(chunk, fn\)/,
    );
    // What the guard calls exists in the module it is put in.
    expect(connectionModule).toMatch(/^import \{ Errors \} from '\.\/errors\.js'$/m);
    expect(connectionModule).toMatch(/^ {2}function error\(err\) \{$/m);
  });

  it('leaves any other source as it is', () => {
    const other = 'function nextWrite(fn) {\n  return socket?.write(chunk, fn)\n}\n';
    expect(mendConnectionModule(other)).toBe(other);
  });
});
