/**
 * WireGuard's primitives (whitepaper §5.4) on node:crypto, plus keyed BLAKE2s from @noble/hashes
 * (node:crypto has BLAKE2s-256 and HMAC over it, but no keyed BLAKE2s with a 16-byte output).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { blake2s } from '@noble/hashes/blake2.js';

export const KEY_LEN = 32;
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

/** HASH(input) = BLAKE2s-256 */
export function hash(...parts: Uint8Array[]): Buffer {
  const h = createHash('blake2s256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** HMAC-BLAKE2s-256 */
export function hmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('blake2s256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** MAC(key, input) = keyed BLAKE2s with a 16-byte output (RFC 7693 keyed mode). */
export function mac(key: Uint8Array, input: Uint8Array): Buffer {
  return Buffer.from(blake2s(input, { key, dkLen: 16 }));
}

/** KDF_n(key, input): HKDF with HMAC-BLAKE2s, n outputs of 32 bytes. */
export function kdf(n: 1 | 2 | 3, key: Uint8Array, input: Uint8Array): Buffer[] {
  const t0 = hmac(key, input);
  const out: Buffer[] = [];
  let prev: Buffer = Buffer.alloc(0);
  for (let i = 1; i <= n; i++) {
    prev = hmac(t0, prev, Buffer.from([i]));
    out.push(prev);
  }
  return out;
}

/** 96-bit nonce: 32 zero bits then the 64-bit little-endian counter. */
function nonce(counter: bigint): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64LE(counter, 4);
  return n;
}

export function aeadEncrypt(key: Uint8Array, counter: bigint, plain: Uint8Array, ad: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce(counter), { authTagLength: 16 });
  c.setAAD(ad, { plaintextLength: plain.length });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Throws when the tag does not authenticate (wrong key, wrong transcript hash, tampered bytes). */
export function aeadDecrypt(key: Uint8Array, counter: bigint, sealed: Uint8Array, ad: Uint8Array): Buffer {
  if (sealed.length < 16) throw new Error('AEAD input shorter than its tag');
  const body = sealed.subarray(0, sealed.length - 16);
  const d = createDecipheriv('chacha20-poly1305', key, nonce(counter), { authTagLength: 16 });
  d.setAAD(ad, { plaintextLength: body.length });
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(body), d.final()]);
}

export interface X25519Pair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** 32 raw bytes */
  publicRaw: Buffer;
}

export function privateKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== KEY_LEN) throw new Error('X25519 private key must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== KEY_LEN) throw new Error('X25519 public key must be 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

export function rawPublic(key: KeyObject): Buffer {
  const der =
    key.type === 'private'
      ? createPublicKey(key).export({ format: 'der', type: 'spki' })
      : key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - KEY_LEN));
}

export function pairFromPrivate(raw: Uint8Array): X25519Pair {
  const privateKey = privateKeyFromRaw(raw);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicRaw: rawPublic(publicKey) };
}

export function generatePair(): X25519Pair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, publicKey, publicRaw: rawPublic(publicKey) };
}

/** DH(private, public) → 32 bytes; throws on an all-zero result (low-order point), as WireGuard refuses it. */
export function dh(priv: KeyObject, pubRaw: Uint8Array): Buffer {
  const out = diffieHellman({ privateKey: priv, publicKey: publicKeyFromRaw(pubRaw) });
  if (out.every((b) => b === 0)) throw new Error('X25519 result is all zeros (low-order public key)');
  return out;
}

/** TAI64N of `ms` (Unix milliseconds): 8-byte big-endian 2^62 + 10 + seconds, 4-byte nanoseconds. */
export function tai64n(ms: number, extraNanos = 0): Buffer {
  const b = Buffer.alloc(12);
  const secs = Math.floor(ms / 1000);
  b.writeBigUInt64BE(0x400000000000000an + BigInt(secs), 0);
  b.writeUInt32BE(((ms - secs * 1000) * 1_000_000 + extraNanos) >>> 0, 8);
  return b;
}

export function decodeKey(b64: string, what: string): Buffer {
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== KEY_LEN || raw.toString('base64') !== b64.trim()) {
    throw new Error(`${what} must be a base64 WireGuard key (32 bytes)`);
  }
  return raw;
}
