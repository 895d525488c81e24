/**
 * IKEv2 IKE_SA_INIT request (RFC 7296 §1.2): SA with one IKE proposal, KE with a real public value,
 * Nonce, and the NAT_DETECTION_SOURCE_IP / _DESTINATION_IP notifies. On UDP 4500 the message is
 * prefixed by the 4-byte non-ESP marker.
 */
import { createECDH, createHash, getDiffieHellman, randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { u16be, u32be } from './bytes.ts';
import {
  ATTR_KEY_LENGTH,
  EXCHANGE_IKE_SA_INIT,
  FLAG_INITIATOR,
  IKE_HEADER_LEN,
  IKE_VERSION,
  NAT_T_PORT,
  NON_ESP_MARKER,
  NOTIFY,
  PAYLOAD,
} from './ikev2-names.ts';
import { generatePair } from './wireguard-crypto.ts';

export type DhGroup = 14 | 19 | 31;

/** [transform type, id, key length in bits or 0] — AES-CBC-256/128, PRF/INTEG HMAC-SHA2-256, DH 14/19/31. */
export const DEFAULT_TRANSFORMS: [number, number, number][] = [
  [1, 12, 256],
  [1, 12, 128],
  [2, 5, 0],
  [3, 12, 0],
  [4, 14, 0],
  [4, 19, 0],
  [4, 31, 0],
];

export function genericPayload(next: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([next, 0]), u16be(4 + body.length), body]);
}

function transform(last: boolean, type: number, id: number, keyBits: number): Buffer {
  const attrs = keyBits ? Buffer.concat([u16be(0x8000 | ATTR_KEY_LENGTH), u16be(keyBits)]) : Buffer.alloc(0);
  return Buffer.concat([
    Buffer.from([last ? 0 : 3, 0]),
    u16be(8 + attrs.length),
    Buffer.from([type, 0]),
    u16be(id),
    attrs,
  ]);
}

export function saBody(transforms: [number, number, number][] = DEFAULT_TRANSFORMS): Buffer {
  const ts = Buffer.concat(
    transforms.map(([type, id, bits], i) => transform(i === transforms.length - 1, type, id, bits)),
  );
  // last proposal, length, proposal #1, protocol IKE (1), SPI size 0, transform count
  const head = Buffer.concat([
    Buffer.from([0, 0]),
    u16be(8 + ts.length),
    Buffer.from([1, 1, 0, transforms.length]),
  ]);
  return Buffer.concat([head, ts]);
}

/** A fresh public value of the group (modp2048: 256 bytes; ECP-256: x||y; Curve25519: 32 bytes). */
export function kePublicValue(group: DhGroup): Buffer {
  if (group === 14) {
    const pub = getDiffieHellman('modp14').generateKeys();
    return Buffer.concat([Buffer.alloc(256 - pub.length), pub]);
  }
  if (group === 19) {
    const ecdh = createECDH('prime256v1');
    return ecdh.generateKeys().subarray(1);
  }
  return generatePair().publicRaw;
}

/** RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | port); SPIr is zero in the first message. */
export function natDetectionHash(spiI: Uint8Array, ip: string, port: number): Buffer {
  const addr = isIPv4(ip) ? Buffer.from(ip.split('.').map(Number)) : Buffer.alloc(16);
  return createHash('sha1').update(spiI).update(Buffer.alloc(8)).update(addr).update(u16be(port)).digest();
}

export interface SaInitOptions {
  spiI?: Uint8Array;
  dhGroup?: DhGroup;
  kePublic?: Uint8Array;
  nonce?: Uint8Array;
  dstIp: string;
  dstPort: number;
  /**
   * The probe does not know (and does not reveal) its own address: the source hash is computed over
   * 0.0.0.0:0, which a responder reads as "the initiator is behind NAT" — true for most probes anyway.
   */
  srcIp?: string;
  srcPort?: number;
}

export interface SaInitRequest {
  spiI: Buffer;
  /** the IKE message (without the non-ESP marker) */
  message: Buffer;
  /** what goes into the datagram: the message, with the non-ESP marker on port 4500 */
  datagram: Buffer;
}

/** A random SPI whose first byte is not an OpenVPN HARD_RESET opcode (0x38-0x3f, 0x50-0x57). */
export function randomSpi(): Buffer {
  const spi = randomBytes(8);
  while ((spi[0] & 0xf8) === 0x38 || (spi[0] & 0xf8) === 0x50 || spi[0] === 0) spi[0] = randomBytes(1)[0];
  return spi;
}

export function buildSaInit(o: SaInitOptions): SaInitRequest {
  const spiI = Buffer.from(o.spiI ?? randomSpi());
  const group = o.dhGroup ?? 14;
  const ke = Buffer.concat([u16be(group), u16be(0), o.kePublic ?? kePublicValue(group)]);
  const natNotify = (type: number, hash: Buffer) => Buffer.concat([Buffer.from([0, 0]), u16be(type), hash]);
  const src = natNotify(
    NOTIFY.NAT_DETECTION_SOURCE_IP,
    natDetectionHash(spiI, o.srcIp ?? '0.0.0.0', o.srcPort ?? 0),
  );
  const dst = natNotify(NOTIFY.NAT_DETECTION_DESTINATION_IP, natDetectionHash(spiI, o.dstIp, o.dstPort));
  const body = Buffer.concat([
    genericPayload(PAYLOAD.KE, saBody()),
    genericPayload(PAYLOAD.NONCE, ke),
    genericPayload(PAYLOAD.NOTIFY, o.nonce ?? randomBytes(32)),
    genericPayload(PAYLOAD.NOTIFY, src),
    genericPayload(PAYLOAD.NONE, dst),
  ]);
  const header = Buffer.concat([
    spiI,
    Buffer.alloc(8),
    Buffer.from([PAYLOAD.SA, IKE_VERSION, EXCHANGE_IKE_SA_INIT, FLAG_INITIATOR]),
    u32be(0),
    u32be(IKE_HEADER_LEN + body.length),
  ]);
  const message = Buffer.concat([header, body]);
  const datagram = o.dstPort === NAT_T_PORT ? Buffer.concat([NON_ESP_MARKER, message]) : message;
  return { spiI, message, datagram };
}
