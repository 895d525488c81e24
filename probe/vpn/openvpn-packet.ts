/**
 * OpenVPN control-channel packets (no tls-auth / tls-crypt): the client's
 * P_CONTROL_HARD_RESET_CLIENT_V2 and the parser for whatever comes back.
 *
 *   byte 0      opcode << 3 | key_id
 *   8 bytes     session id of the sender
 *   1 byte      ack array length n, then n × 4-byte packet ids, then (n > 0) the 8-byte remote session id
 *   4 bytes     message packet id (absent in P_ACK_V1)
 *   payload
 * Over TCP every packet is preceded by its 2-byte big-endian length.
 */
import { MalformedPacket, Reader, u16be } from './bytes.ts';

export const OPENVPN_OPCODES: Record<number, string> = {
  1: 'P_CONTROL_HARD_RESET_CLIENT_V1',
  2: 'P_CONTROL_HARD_RESET_SERVER_V1',
  3: 'P_CONTROL_SOFT_RESET_V1',
  4: 'P_CONTROL_V1',
  5: 'P_ACK_V1',
  6: 'P_DATA_V1',
  7: 'P_CONTROL_HARD_RESET_CLIENT_V2',
  8: 'P_CONTROL_HARD_RESET_SERVER_V2',
  9: 'P_DATA_V2',
  10: 'P_CONTROL_HARD_RESET_CLIENT_V3',
  11: 'P_CONTROL_WKC_V1',
};
export const OP_HARD_RESET_CLIENT_V2 = 7;
export const OP_HARD_RESET_SERVER_V2 = 8;
const OP_ACK_V1 = 5;
/** Larger than any control packet OpenVPN sends before TLS starts. */
export const OPENVPN_MAX_PACKET = 1600;

export interface OpenvpnPacket {
  opcode: number;
  opcodeName: string;
  keyId: number;
  sessionId: Buffer;
  acks: number[];
  remoteSessionId: Buffer | null;
  packetId: number | null;
  payload: Buffer;
}

/** 14 bytes: 0x38, session id, empty ack array, packet id. */
export function buildHardResetClient(sessionId: Uint8Array, packetId = 0): Buffer {
  if (sessionId.length !== 8) throw new Error('OpenVPN session id must be 8 bytes');
  const b = Buffer.alloc(14);
  b[0] = (OP_HARD_RESET_CLIENT_V2 << 3) | 0;
  Buffer.from(sessionId).copy(b, 1);
  b[9] = 0;
  b.writeUInt32BE(packetId >>> 0, 10);
  return b;
}

/** TCP framing: 2-byte big-endian length, then the packet. */
export function frameTcp(packet: Uint8Array): Buffer {
  return Buffer.concat([u16be(packet.length), packet]);
}

/**
 * One packet out of a TCP stream: `null` while more bytes are needed, else the packet and how many
 * stream bytes it used. A length outside 1..OPENVPN_MAX_PACKET is malformed (not OpenVPN).
 */
export function unframeTcp(stream: Uint8Array): { packet: Buffer; used: number } | null {
  if (stream.length < 2) return null;
  const len = (stream[0] << 8) | stream[1];
  if (len < 1 || len > OPENVPN_MAX_PACKET) {
    throw new MalformedPacket(`OpenVPN TCP length ${len} outside 1..${OPENVPN_MAX_PACKET}`);
  }
  if (stream.length < 2 + len) return null;
  return { packet: Buffer.from(stream.subarray(2, 2 + len)), used: 2 + len };
}

/** Parses a control packet; throws MalformedPacket on anything that is not one. */
export function parseOpenvpnPacket(buf: Uint8Array): OpenvpnPacket {
  if (buf.length > OPENVPN_MAX_PACKET) throw new MalformedPacket(`OpenVPN packet of ${buf.length} bytes`);
  const r = new Reader(buf, 'OpenVPN packet');
  const b0 = r.u8('opcode');
  const opcode = b0 >> 3;
  const opcodeName = OPENVPN_OPCODES[opcode];
  if (!opcodeName) throw new MalformedPacket(`unknown OpenVPN opcode ${opcode}`);
  if (opcode === 6 || opcode === 9) throw new MalformedPacket(`${opcodeName} before any handshake`);
  const sessionId = r.bytes(8, 'session id');
  const nAcks = r.u8('ack array length');
  if (nAcks > 8) throw new MalformedPacket(`ack array of ${nAcks} entries (OpenVPN sends at most 8)`);
  const acks: number[] = [];
  for (let i = 0; i < nAcks; i++) acks.push(r.u32('acked packet id'));
  const remoteSessionId = nAcks > 0 ? r.bytes(8, 'remote session id') : null;
  const packetId = opcode === OP_ACK_V1 ? null : r.u32('packet id');
  return { opcode, opcodeName, keyId: b0 & 7, sessionId, acks, remoteSessionId, packetId, payload: r.rest() };
}

export type ServerResetCheck =
  | { ok: true; packet: OpenvpnPacket }
  | {
      ok: false;
      failure: 'malformed_response' | 'protocol_mismatch';
      error: string;
      packet: OpenvpnPacket | null;
    };

/**
 * Success = P_CONTROL_HARD_RESET_SERVER_V2 that acknowledges our packet id and echoes our session id.
 * Any other well-formed OpenVPN packet is a protocol_mismatch; bytes that do not parse are malformed.
 */
export function checkServerReset(
  reply: Uint8Array,
  ourSession: Uint8Array,
  ourPacketId = 0,
): ServerResetCheck {
  let packet: OpenvpnPacket;
  try {
    packet = parseOpenvpnPacket(reply);
  } catch (err) {
    return { ok: false, failure: 'malformed_response', error: (err as Error).message, packet: null };
  }
  const mismatch = (error: string): ServerResetCheck => ({
    ok: false,
    failure: 'protocol_mismatch',
    error,
    packet,
  });
  if (packet.opcode !== OP_HARD_RESET_SERVER_V2) return mismatch(`got ${packet.opcodeName}`);
  if (!packet.acks.includes(ourPacketId)) return mismatch(`does not acknowledge packet id ${ourPacketId}`);
  if (!packet.remoteSessionId?.equals(Buffer.from(ourSession)))
    return mismatch('does not echo our session id');
  return { ok: true, packet };
}

/** The fields recorded in the Handshake step's details. */
export function describeOpenvpn(p: OpenvpnPacket): Record<string, unknown> {
  return {
    opcode: p.opcodeName,
    key_id: p.keyId,
    server_session_id: p.sessionId.toString('hex'),
    acked_packet_ids: p.acks,
    remote_session_id: p.remoteSessionId?.toString('hex') ?? null,
    packet_id: p.packetId,
    payload_bytes: p.payload.length,
  };
}
