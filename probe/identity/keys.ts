/**
 * The probe's Ed25519 key pair, generated on first run with node:crypto and kept in the data directory with
 * 0600 permissions. Upload batches are signed with it; the collector knows the public key from registration.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProbeKey {
  privateKey: KeyObject;
  /** raw 32-byte public key, base64 (what /probes/register expects) */
  publicKeyB64: string;
  sign(data: Uint8Array): string;
}

export function keyFromPrivate(privateKey: KeyObject): ProbeKey {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const raw = der.subarray(der.length - 32);
  return {
    privateKey,
    publicKeyB64: raw.toString('base64'),
    sign: (data) => sign(null, data, privateKey).toString('base64'),
  };
}

export function generateKey(): ProbeKey {
  return keyFromPrivate(generateKeyPairSync('ed25519').privateKey);
}

/** Loads the key from `file`, creating it (mode 0600, directory 0700) on first run. */
export function loadOrCreateKey(file: string): { key: ProbeKey; created: boolean } {
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return { key: keyFromPrivate(createPrivateKey(readFileSync(file, 'utf8'))), created: false };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = generateKey();
  const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
