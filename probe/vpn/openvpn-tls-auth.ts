/**
 * OpenVPN tls-auth: every control packet carries an HMAC (keyed from a shared static key) and a replay
 * packet id + time. A server with tls-auth drops packets without a valid HMAC, so probing it needs the key
 * (params.tls_auth: the static key file text; params.tls_auth_key_direction: 0 | 1 | absent for
 * bidirectional, clients usually 1; params.tls_auth_digest: SHA1 (default) | SHA256 | SHA512).
 *
 *   wire:       op | session id | HMAC | packet id (4) | time (4) | ack array … | message packet id | payload
 *   HMAC input: packet id | time | op | session id | ack array … | message packet id | payload
 * (OpenVPN computes the HMAC over the prefixed buffer, then "swaps" op+session id in front.)
 * tls-crypt (encrypted control channel) is not implemented: such targets are reported as not probed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MalformedPacket, u32be } from './bytes.ts';

export type Digest = 'sha1' | 'sha256' | 'sha512';
const DIGEST_LEN: Record<Digest, number> = { sha1: 20, sha256: 32, sha512: 64 };
const OSID = 9;

export interface TlsAuthKey {
  digest: Digest;
  /** HMAC key for what we send */
  out: Buffer;
  /** HMAC key for what the server sends */
  in: Buffer;
}

/** The 256 bytes of an "OpenVPN Static key V1" file. */
export function parseStaticKey(text: string): Buffer {
  const m = /-----BEGIN OpenVPN Static key V1-----([\s\S]*?)-----END OpenVPN Static key V1-----/.exec(text);
  if (!m) throw new Error('params.tls_auth is not an OpenVPN static key (BEGIN/END OpenVPN Static key V1)');
  const hex = m[1].replace(/#.*$/gm, '').replace(/\s+/g, '');
  if (!/^[0-9a-f]{512}$/i.test(hex)) throw new Error('params.tls_auth must hold 256 bytes of hex');
  return Buffer.from(hex, 'hex');
}

/**
 * The static key holds two keys of 64 cipher + 64 HMAC bytes. Direction 0: send with key 0, receive with
 * key 1; direction 1: the reverse; none: key 0 both ways.
 */
export function tlsAuthKey(
  text: string,
  direction: 0 | 1 | null = null,
  digest: Digest = 'sha1',
): TlsAuthKey {
  const raw = parseStaticKey(text);
  const hmacOf = (k: number) => raw.subarray(k * 128 + 64, k * 128 + 64 + DIGEST_LEN[digest]);
  const outKey = direction === 1 ? 1 : 0;
  const inKey = direction === null ? 0 : 1 - outKey;
  return { digest, out: Buffer.from(hmacOf(outKey)), in: Buffer.from(hmacOf(inKey)) };
}

export function tlsAuthFromParams(params: Record<string, unknown> | undefined): TlsAuthKey | null {
  const text = params?.tls_auth;
  if (text === undefined || text === null) return null;
  if (typeof text !== 'string') throw new Error('params.tls_auth must be the static key file text');
  const dir = params?.tls_auth_key_direction ?? null;
  if (dir !== null && dir !== 0 && dir !== 1)
    throw new Error('params.tls_auth_key_direction must be 0, 1 or null');
  const digest = String(params?.tls_auth_digest ?? 'SHA1').toLowerCase();
  if (!(digest in DIGEST_LEN)) throw new Error('params.tls_auth_digest must be SHA1, SHA256 or SHA512');
  return tlsAuthKey(text, dir, digest as Digest);
}

function mac(key: Buffer, digest: Digest, parts: Buffer[]): Buffer {
  const h = createHmac(digest, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Wraps a plain control packet (op | session id | rest) for the wire. */
export function wrapTlsAuth(plain: Buffer, key: TlsAuthKey, replayId: number, timeSec: number): Buffer {
  if (plain.length < OSID) throw new Error('control packet too short');
  const pidTime = Buffer.concat([u32be(replayId), u32be(timeSec)]);
  const osid = plain.subarray(0, OSID);
  const rest = plain.subarray(OSID);
  const hmac = mac(key.out, key.digest, [pidTime, osid, rest]);
  return Buffer.concat([osid, hmac, pidTime, rest]);
}

/** Verifies a server packet's HMAC and returns the plain packet (op | session id | rest). */
export function unwrapTlsAuth(
  wire: Uint8Array,
  key: TlsAuthKey,
): { plain: Buffer; replayId: number; time: number } {
  const n = DIGEST_LEN[key.digest];
  const b = Buffer.from(wire);
  if (b.length < OSID + n + 8) throw new MalformedPacket(`tls-auth packet of ${b.length} bytes is too short`);
  const osid = b.subarray(0, OSID);
  const hmac = b.subarray(OSID, OSID + n);
  const pidTime = b.subarray(OSID + n, OSID + n + 8);
  const rest = b.subarray(OSID + n + 8);
  const expected = mac(key.in, key.digest, [pidTime, osid, rest]);
  if (!timingSafeEqual(expected, hmac))
    throw new MalformedPacket('tls-auth HMAC of the reply does not verify');
  return {
    plain: Buffer.concat([osid, rest]),
    replayId: pidTime.readUInt32BE(0),
    time: pidTime.readUInt32BE(4),
  };
}
