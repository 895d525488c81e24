/** Minimal VPN handshake packets used by the lab self-test (raw bytes, hex-encoded for the agent). */
import { randomBytes } from 'node:crypto';

/** OpenVPN P_CONTROL_HARD_RESET_CLIENT_V2 (opcode 7, key id 0): 14 bytes, no tls-auth. */
export function openvpnHardReset(): Buffer {
  return Buffer.concat([Buffer.from([0x38]), randomBytes(8), Buffer.from([0x00, 0, 0, 0, 0])]);
}

/** The same over TCP: 2-byte length prefix. */
export function openvpnHardResetTcp(): Buffer {
  const pkt = openvpnHardReset();
  const len = Buffer.alloc(2);
  len.writeUInt16BE(pkt.length);
  return Buffer.concat([len, pkt]);
}

function transform(type: number, id: number, last: boolean, attrs = Buffer.alloc(0)): Buffer {
  const t = Buffer.alloc(8);
  t[0] = last ? 0 : 3;
  t.writeUInt16BE(8 + attrs.length, 2);
  t[4] = type;
  t.writeUInt16BE(id, 6);
  return Buffer.concat([t, attrs]);
}

function payload(next: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h[0] = next;
  h.writeUInt16BE(4 + body.length, 2);
  return Buffer.concat([h, body]);
}

/** IKEv2 IKE_SA_INIT request: SA (aes128-sha256-modp2048), KE (group 14), Nonce. */
export function ikeSaInit(): Buffer {
  const keyLen = Buffer.from([0x80, 0x0e, 0x00, 0x80]);
  const transforms = Buffer.concat([
    transform(1, 12, false, keyLen),
    transform(2, 5, false),
    transform(3, 12, false),
    transform(4, 14, true),
  ]);
  const prop = Buffer.alloc(8);
  prop.writeUInt16BE(8 + transforms.length, 2);
  prop[4] = 1;
  prop[5] = 1;
  prop[7] = 4;
  const sa = payload(34, Buffer.concat([prop, transforms]));
  const keData = randomBytes(256);
  keData[0] &= 0x7f;
  const ke = payload(40, Buffer.concat([Buffer.from([0, 14, 0, 0]), keData]));
  const nonce = payload(0, randomBytes(32));
  const body = Buffer.concat([sa, ke, nonce]);
  const hdr = Buffer.alloc(28);
  randomBytes(8).copy(hdr, 0);
  hdr[16] = 33;
  hdr[17] = 0x20;
  hdr[18] = 34;
  hdr[19] = 0x08;
  hdr.writeUInt32BE(28 + body.length, 24);
  return Buffer.concat([hdr, body]);
}

/** A tor VERSIONS cell (variable-length, 2-byte circuit id): versions 3, 4, 5. */
export const TOR_VERSIONS_CELL = '0000070006000300040005';

/** 148 bytes shaped like a WireGuard handshake initiation (type 1, three zero bytes, junk). */
export function wireguardLikeInit(type = 1): Buffer {
  const b = randomBytes(148);
  b.writeUInt32BE(type << 24, 0);
  return b;
}
