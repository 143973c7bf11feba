import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  existingKeyring,
  keyLocation,
  openKeyring,
  readPublicKey,
  rotateSigningKey,
} from '../../src/signing-keys';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-keys-'));
  dirs.push(dir);
  return dir;
};

function recordingLog() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', fields, message }),
    warn: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'warn', fields, message }),
  };
}

const head = {
  incidentId: '00000000-0000-4000-8000-000000000001',
  seq: 1,
  hash: 'a'.repeat(64),
  signedAt: '2026-03-08T12:00:00.000Z',
};

describe('signing key files', () => {
  it('creates the key in the data folder on first start (mode 0600), logs its public key, and reuses it', () => {
    const dataDir = tempDir();
    const location = keyLocation({ keyFile: undefined, retiredDir: undefined, dataDir });
    expect(location).toEqual({
      keyFile: join(dataDir, 'signing-key.pem'),
      retiredDir: join(dataDir, 'retired-keys'),
    });
    const log = recordingLog();
    const first = openKeyring(location, log);
    expect(statSync(location.keyFile!).mode & 0o777).toBe(0o600);
    const created = log.lines.find((line) => line.level === 'warn')!;
    expect(created.fields).toMatchObject({ keyId: first.keyId, keyFile: location.keyFile });
    expect(created.fields.publicKey).toBe(first.published()[0]!.publicKeyPem);
    expect(readdirSync(dataDir)).toEqual(['signing-key.pem']);

    const again = recordingLog();
    expect(openKeyring(location, again).keyId).toBe(first.keyId);
    expect(again.lines.map((line) => line.level)).toEqual(['info']);
  });

  it('keeps an in-memory database key in memory only', () => {
    expect(keyLocation({ keyFile: undefined, retiredDir: undefined, dataDir: 'memory://x' })).toEqual({
      keyFile: null,
      retiredDir: null,
    });
  });

  it('rotates: the old public key is retired and still verifies what it signed', () => {
    const dir = tempDir();
    const location = keyLocation({
      keyFile: join(dir, 'keys', 'holdfast.pem'),
      retiredDir: undefined,
      dataDir: 'unused',
    });
    const before = openKeyring(location, recordingLog());
    const signedBefore = before.sign(head);

    const rotated = rotateSigningKey(location);
    expect(rotated.retiredKeyId).toBe(before.keyId);
    expect(rotated.keyId).not.toBe(before.keyId);
    expect(existsSync(join(dir, 'keys', 'retired-keys', `${before.keyId}.pem`))).toBe(true);
    expect(statSync(location.keyFile!).mode & 0o777).toBe(0o600);

    const after = openKeyring(location, recordingLog());
    expect(after.keyId).toBe(rotated.keyId);
    expect(after.published().map((key) => [key.keyId, key.status])).toEqual([
      [rotated.keyId, 'current'],
      [before.keyId, 'retired'],
    ]);
    expect(after.publicKeys().get(signedBefore.keyId)).toBeDefined();
  });

  it('creates no key when asked for the public one or a rotation', () => {
    const location = keyLocation({ keyFile: undefined, retiredDir: undefined, dataDir: tempDir() });
    expect(() => existingKeyring(location)).toThrow(`no signing key at ${location.keyFile}`);
    expect(() => rotateSigningKey(location)).toThrow('the first holdfast serve creates it');
    expect(existsSync(location.keyFile!)).toBe(false);
  });

  it('reads a trusted public key from a PEM file, and refuses a key of another kind', () => {
    const dir = tempDir();
    const location = keyLocation({ keyFile: join(dir, 'k.pem'), retiredDir: undefined, dataDir: 'unused' });
    const keyring = openKeyring(location, recordingLog());
    expect(readPublicKey(location.keyFile!).export({ type: 'spki', format: 'pem' })).toBe(
      keyring.published()[0]!.publicKeyPem,
    );
    expect(readFileSync(location.keyFile!, 'utf8')).toContain('PRIVATE KEY');
    const ecKey = join(dir, 'ec.pem');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(ecKey, publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() => readPublicKey(ecKey)).toThrow('is not an Ed25519 key');
  });
});
