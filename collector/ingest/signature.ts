/** Ed25519 verification of upload bodies against the key a probe registered (raw 32 bytes). */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/** DER SubjectPublicKeyInfo header for an Ed25519 key (OID 1.3.101.112); the raw key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function keyObjectFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The probe id is derived from the key, so the same key always gets the same id. */
export function probeIdForKey(raw: Uint8Array): string {
  return `p_${createHash('sha256').update(raw).digest('hex').slice(0, 24)}`;
}

export function decodeSignature(header: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(header.trim())) return null;
  return Buffer.from(header.trim(), 'base64');
}

export function verifyBody(key: KeyObject, body: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, body, key, signature);
  } catch {
    return false;
  }
}

/** KeyObjects by probe id, bounded (oldest dropped first). */
export class KeyCache {
  private readonly map = new Map<string, KeyObject>();
  constructor(private readonly max = 50_000) {}

  async get(probeId: string, load: (id: string) => Promise<Uint8Array | null>): Promise<KeyObject | null> {
    const hit = this.map.get(probeId);
    if (hit) return hit;
    const raw = await load(probeId);
    if (!raw) return null;
    const key = keyObjectFromRaw(raw);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(probeId, key);
    return key;
  }
}
