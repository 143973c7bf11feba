import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Keyring, keyIdOf } from './engine';

/** Where the checkpoint signing key lives; `keyFile` null keeps a throwaway key in memory. */
export interface KeyLocation {
  keyFile: string | null;
  /** Public keys (`*.pem`) of retired signing keys: still trusted to verify what they signed. */
  retiredDir: string | null;
}

export const DEFAULT_KEY_FILE_NAME = 'signing-key.pem';

export function keyLocation(settings: {
  keyFile: string | undefined;
  retiredDir: string | undefined;
  /** The embedded database's folder, or on Postgres the configured HOLDFAST_DATA_DIR. */
  dataDir: string;
}): KeyLocation {
  const keyFile =
    settings.keyFile ??
    (settings.dataDir.startsWith('memory://') ? null : join(settings.dataDir, DEFAULT_KEY_FILE_NAME));
  if (!keyFile) return { keyFile: null, retiredDir: null };
  return { keyFile, retiredDir: settings.retiredDir ?? join(dirname(keyFile), 'retired-keys') };
}

export interface KeyLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * The keyring at `location`: the private key file (created on first use, mode 0600, and its public key
 * logged) and the retired public keys beside it.
 */
export function openKeyring(location: KeyLocation, log: KeyLog): Keyring {
  if (!location.keyFile) return new Keyring(newPrivateKey());
  const { privateKey, created } = readOrCreateKey(location.keyFile);
  const keyring = new Keyring(privateKey, readRetiredKeys(location.retiredDir));
  if (created) {
    log.warn(
      {
        keyId: keyring.keyId,
        keyFile: location.keyFile,
        publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
      },
      'created a checkpoint signing key: back it up, keep it off the database host, and give every instance this same file',
    );
  } else if ((statSync(location.keyFile).mode & 0o077) !== 0) {
    log.warn({ keyFile: location.keyFile }, 'the signing key file is readable by other users: chmod 600 it');
  }
  log.info({ keyId: keyring.keyId, keyFile: location.keyFile }, 'signing checkpoints');
  return keyring;
}

function newPrivateKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

const pemOf = (privateKey: KeyObject) => privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Instances starting together on one host race to create the file: the first link wins, the others read it. */
function readOrCreateKey(keyFile: string): { privateKey: KeyObject; created: boolean } {
  if (existsSync(keyFile)) return { privateKey: createPrivateKey(readFileSync(keyFile)), created: false };
  mkdirSync(dirname(keyFile), { recursive: true });
  const privateKey = newPrivateKey();
  const temporary = `${keyFile}.${process.pid}.tmp`;
  writeFileSync(temporary, pemOf(privateKey), { mode: 0o600 });
  try {
    linkSync(temporary, keyFile);
    return { privateKey, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { privateKey: createPrivateKey(readFileSync(keyFile)), created: false };
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readRetiredKeys(retiredDir: string | null): KeyObject[] {
  if (!retiredDir || !existsSync(retiredDir)) return [];
  return readdirSync(retiredDir)
    .filter((name) => name.endsWith('.pem'))
    .sort()
    .map((name) => readPublicKey(join(retiredDir, name)));
}

/** A public key from a PEM file (a private key's file gives its public key). */
export function readPublicKey(file: string): KeyObject {
  const key = createPublicKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 key`);
  return key;
}

/** The private key file at `location`; never creates one (what the `keys` commands read). */
function existingKeyFile(location: KeyLocation): string {
  if (!location.keyFile || !existsSync(location.keyFile)) {
    throw new Error(
      `no signing key at ${location.keyFile ?? 'an in-memory database'}: the first holdfast serve creates it`,
    );
  }
  return location.keyFile;
}

/** The keyring at `location` when its key file exists. */
export function existingKeyring(location: KeyLocation): Keyring {
  const privateKey = createPrivateKey(readFileSync(existingKeyFile(location)));
  return new Keyring(privateKey, readRetiredKeys(location.retiredDir));
}

/**
 * Retires the current key (its public key goes to the retired folder, named by key id) and puts a new one in
 * its place. Running instances keep signing with the old key until restarted with the new file.
 */
export function rotateSigningKey(location: KeyLocation): { retiredKeyId: string; keyId: string } {
  const keyFile = existingKeyFile(location);
  const retiredDir = location.retiredDir ?? join(dirname(keyFile), 'retired-keys');
  const old = createPublicKey(createPrivateKey(readFileSync(keyFile)));
  const retiredKeyId = keyIdOf(old);
  mkdirSync(retiredDir, { recursive: true });
  writeFileSync(join(retiredDir, `${retiredKeyId}.pem`), old.export({ type: 'spki', format: 'pem' }));
  const privateKey = newPrivateKey();
  const temporary = `${keyFile}.${process.pid}.tmp`;
  writeFileSync(temporary, pemOf(privateKey), { mode: 0o600 });
  renameSync(temporary, keyFile);
  return { retiredKeyId, keyId: keyIdOf(createPublicKey(privateKey)) };
}
