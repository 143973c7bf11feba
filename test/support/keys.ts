import { generateKeyPairSync } from 'node:crypto';
import { Keyring } from '../../src/engine';
import { keyLocation, openKeyring } from '../../src/signing-keys';

/** A fresh signing key, for an engine a test builds by hand. */
export const testKeyring = (): Keyring => new Keyring(generateKeyPairSync('ed25519').privateKey);

const silent = { info: () => {}, warn: () => {} };

/** The keyring of a key file, created if missing (e.g. the one the `holdfast serve` processes of a test share). */
export const keyringOf = (keyFile: string): Keyring =>
  openKeyring(keyLocation({ keyFile, retiredDir: undefined, dataDir: 'unused' }), silent);
