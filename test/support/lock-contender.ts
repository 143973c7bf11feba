// A process that tries to lock each data folder its parent sends, and answers `won`, `refused` or the error.
import { readSync } from 'node:fs';
import { DataDirLockedError, lockDataDir } from '../../db/data-dir-lock';

const send = (message: string) => process.send?.(message);

process.on('message', (dataDir: string) => {
  send('armed');
  // Blocks until the parent writes a byte to every contender's stdin: they all start trying together.
  readSync(0, Buffer.alloc(1));
  try {
    lockDataDir(dataDir);
    send('won');
  } catch (error) {
    send(error instanceof DataDirLockedError ? 'refused' : `failed: ${(error as Error).stack}`);
  }
});
send('ready');
