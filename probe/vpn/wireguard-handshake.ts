/**
 * WireGuard's Noise_IKpsk2 handshake, initiator side: build the 148-byte handshake initiation, then
 * decrypt and authenticate the 92-byte handshake response (whitepaper §5.4.2–5.4.4).
 */

import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { MalformedPacket, Reader, u32le } from './bytes.ts';
import {
  aeadDecrypt,
  aeadEncrypt,
  dh,
  generatePair,
  hash,
  kdf,
  mac,
  pairFromPrivate,
  tai64n,
} from './wireguard-crypto.ts';

export const CONSTRUCTION = Buffer.from('Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s');
export const IDENTIFIER = Buffer.from('WireGuard v1 zx2c4 Jason@zx2c4.com');
export const LABEL_MAC1 = Buffer.from('mac1----');
export const INITIATION_LEN = 148;
export const RESPONSE_LEN = 92;
export const COOKIE_REPLY_LEN = 64;
export const MSG_INITIATION = 1;
export const MSG_RESPONSE = 2;
export const MSG_COOKIE_REPLY = 3;

export interface InitiatorKeys {
  serverPublic: Uint8Array;
  clientPrivate: Uint8Array;
  presharedKey?: Uint8Array | null;
}

/** What the initiator keeps to process the response. */
export interface InitiatorState {
  senderIndex: number;
  chainKey: Buffer;
  hash: Buffer;
  ephemeral: KeyObject;
  staticPrivate: KeyObject;
  staticPublic: Buffer;
  presharedKey: Buffer;
}

export interface Initiation {
  packet: Buffer;
  state: InitiatorState;
}

export interface InitiationOptions {
  senderIndex?: number;
  nowMs?: number;
  /** fixed ephemeral private key (tests only) */
  ephemeralPrivate?: Uint8Array;
}

/** mac1 key for messages sent TO the holder of `publicKey`: HASH(LABEL_MAC1 || publicKey). */
export function mac1Key(publicKey: Uint8Array): Buffer {
  return hash(LABEL_MAC1, publicKey);
}

/** C and H after mixing in the responder's static public key (the same for initiator and responder). */
export function initialChainAndHash(responderStatic: Uint8Array): { c: Buffer; h: Buffer } {
  const c = hash(CONSTRUCTION);
  return { c, h: hash(hash(c, IDENTIFIER), responderStatic) };
}

export function createInitiation(keys: InitiatorKeys, opts: InitiationOptions = {}): Initiation {
  const me = pairFromPrivate(keys.clientPrivate);
  const eph = opts.ephemeralPrivate ? pairFromPrivate(opts.ephemeralPrivate) : generatePair();
  const senderIndex = opts.senderIndex ?? randomBytes(4).readUInt32LE(0);
  let { c, h } = initialChainAndHash(keys.serverPublic);
  [c] = kdf(1, c, eph.publicRaw);
  h = hash(h, eph.publicRaw);
  let k: Buffer;
  [c, k] = kdf(2, c, dh(eph.privateKey, keys.serverPublic));
  const encStatic = aeadEncrypt(k, 0n, me.publicRaw, h);
  h = hash(h, encStatic);
  [c, k] = kdf(2, c, dh(me.privateKey, keys.serverPublic));
  const encTime = aeadEncrypt(k, 0n, tai64n(opts.nowMs ?? Date.now()), h);
  h = hash(h, encTime);
  const head = Buffer.concat([
    Buffer.from([MSG_INITIATION, 0, 0, 0]),
    u32le(senderIndex),
    eph.publicRaw,
    encStatic,
    encTime,
  ]);
  const mac1 = mac(mac1Key(keys.serverPublic), head);
  const packet = Buffer.concat([head, mac1, Buffer.alloc(16)]);
  const psk = Buffer.from(keys.presharedKey ?? Buffer.alloc(32));
  return {
    packet,
    state: {
      senderIndex,
      chainKey: c,
      hash: h,
      ephemeral: eph.privateKey,
      staticPrivate: me.privateKey,
      staticPublic: me.publicRaw,
      presharedKey: psk,
    },
  };
}

export interface ParsedResponse {
  senderIndex: number;
  receiverIndex: number;
  ephemeral: Buffer;
  encryptedNothing: Buffer;
  mac1: Buffer;
  mac2: Buffer;
}

/** Message type of a WireGuard datagram (the first 4 bytes little-endian), or null if too short. */
export function messageType(buf: Uint8Array): number | null {
  return buf.length >= 4 ? Buffer.from(buf).readUInt32LE(0) : null;
}

export function parseResponse(buf: Uint8Array): ParsedResponse {
  if (messageType(buf) !== MSG_RESPONSE)
    throw new MalformedPacket('not a WireGuard handshake response (type 2)');
  if (buf.length !== RESPONSE_LEN)
    throw new MalformedPacket(`handshake response of ${buf.length} bytes, expected ${RESPONSE_LEN}`);
  const r = new Reader(buf, 'WireGuard handshake response');
  r.bytes(4, 'type');
  const senderIndex = r.bytes(4, 'sender index').readUInt32LE(0);
  const receiverIndex = r.bytes(4, 'receiver index').readUInt32LE(0);
  return {
    senderIndex,
    receiverIndex,
    ephemeral: r.bytes(32, 'ephemeral'),
    encryptedNothing: r.bytes(16, 'empty'),
    mac1: r.bytes(16, 'mac1'),
    mac2: r.bytes(16, 'mac2'),
  };
}

export type ResponseCheck =
  | { ok: true; response: ParsedResponse; sendingKey: Buffer; receivingKey: Buffer }
  | { ok: false; failure: 'malformed_response' | 'protocol_mismatch'; error: string };

/**
 * Completes the handshake: mac1 (keyed with the probe's own public key), receiver index, then the Noise
 * computation — responder ephemeral, two DHs, PSK, decryption of the empty payload. Only a response made
 * by the holder of the server's private key (who also knows our static key) passes.
 */
export function consumeResponse(state: InitiatorState, buf: Uint8Array): ResponseCheck {
  let resp: ParsedResponse;
  try {
    resp = parseResponse(buf);
  } catch (err) {
    return { ok: false, failure: 'malformed_response', error: (err as Error).message };
  }
  if (resp.receiverIndex !== state.senderIndex) {
    return {
      ok: false,
      failure: 'protocol_mismatch',
      error: `response for index ${resp.receiverIndex}, not ours`,
    };
  }
  const expectedMac1 = mac(mac1Key(state.staticPublic), Buffer.from(buf).subarray(0, 60));
  if (!expectedMac1.equals(resp.mac1))
    return { ok: false, failure: 'malformed_response', error: 'mac1 of the response does not verify' };
  try {
    let c = state.chainKey;
    let h = state.hash;
    [c] = kdf(1, c, resp.ephemeral);
    h = hash(h, resp.ephemeral);
    [c] = kdf(1, c, dh(state.ephemeral, resp.ephemeral));
    [c] = kdf(1, c, dh(state.staticPrivate, resp.ephemeral));
    const [c3, t, k] = kdf(3, c, state.presharedKey);
    h = hash(h, t);
    const empty = aeadDecrypt(k, 0n, resp.encryptedNothing, h);
    if (empty.length !== 0) throw new Error('non-empty payload');
    const [sendingKey, receivingKey] = kdf(2, c3, Buffer.alloc(0));
    return { ok: true, response: resp, sendingKey, receivingKey };
  } catch (err) {
    return {
      ok: false,
      failure: 'malformed_response',
      error: `response does not authenticate: ${(err as Error).message}`,
    };
  }
}
