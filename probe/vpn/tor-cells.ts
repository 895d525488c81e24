/**
 * Tor link-protocol cells (tor-spec §3–4). Before version negotiation cells have a 2-byte circuit id;
 * from link protocol 4 on, 4 bytes. Variable-length cells (VERSIONS = 7 and commands ≥ 128) carry a
 * 2-byte length; fixed-length cells have a 509-byte payload.
 */
import { MalformedPacket, u16be } from './bytes.ts';

export const CMD = {
  PADDING: 0,
  NETINFO: 8,
  VERSIONS: 7,
  VPADDING: 128,
  CERTS: 129,
  AUTH_CHALLENGE: 130,
  AUTHENTICATE: 131,
} as const;
export const CELL_NAMES: Record<number, string> = {
  0: 'PADDING',
  7: 'VERSIONS',
  8: 'NETINFO',
  128: 'VPADDING',
  129: 'CERTS',
  130: 'AUTH_CHALLENGE',
  131: 'AUTHENTICATE',
};
export const OUR_LINK_VERSIONS = [3, 4, 5];
const FIXED_PAYLOAD = 509;
/** Tor relays send well under this before NETINFO (CERTS is the largest, ~2 KB). */
export const MAX_VAR_PAYLOAD = 16384;

/** VERSIONS cell: circ id 0 (2 bytes), command 7, length, 2-byte versions. */
export function buildVersionsCell(versions: number[] = OUR_LINK_VERSIONS): Buffer {
  return Buffer.concat([
    u16be(0),
    Buffer.from([CMD.VERSIONS]),
    u16be(versions.length * 2),
    ...versions.map(u16be),
  ]);
}

export interface Cell {
  circId: number;
  command: number;
  name: string;
  payload: Buffer;
}

export function isVariableLength(command: number): boolean {
  return command === CMD.VERSIONS || command >= 128;
}

/**
 * Reads one cell from the start of `stream` with the given circuit-id width; `null` while more bytes are
 * needed. Throws MalformedPacket for lengths no relay sends.
 */
export function readCell(stream: Uint8Array, circIdLen: 2 | 4): { cell: Cell; used: number } | null {
  const b = Buffer.from(stream.buffer, stream.byteOffset, stream.length);
  const head = circIdLen + 1;
  if (b.length < head) return null;
  const circId = circIdLen === 2 ? b.readUInt16BE(0) : b.readUInt32BE(0);
  const command = b[circIdLen];
  let start = head;
  let len = FIXED_PAYLOAD;
  if (isVariableLength(command)) {
    if (b.length < head + 2) return null;
    len = b.readUInt16BE(head);
    if (len > MAX_VAR_PAYLOAD) throw new MalformedPacket(`cell ${command} with a ${len}-byte payload`);
    start = head + 2;
  }
  if (b.length < start + len) return null;
  const name = CELL_NAMES[command] ?? `cell_${command}`;
  return {
    cell: { circId, command, name, payload: Buffer.from(b.subarray(start, start + len)) },
    used: start + len,
  };
}

export function parseVersions(payload: Buffer): number[] {
  if (payload.length % 2 !== 0 || payload.length === 0)
    throw new MalformedPacket(`VERSIONS payload of ${payload.length} bytes`);
  const out: number[] = [];
  for (let i = 0; i < payload.length; i += 2) out.push(payload.readUInt16BE(i));
  return out;
}

/** Highest version both sides support, or null. */
export function negotiate(theirs: number[], ours: number[] = OUR_LINK_VERSIONS): number | null {
  const common = theirs.filter((v) => ours.includes(v));
  return common.length ? Math.max(...common) : null;
}

export interface TorExchangeState {
  buffer: Buffer;
  versions: number[] | null;
  linkProtocol: number | null;
  cells: string[];
}

export function newTorState(): TorExchangeState {
  return { buffer: Buffer.alloc(0), versions: null, linkProtocol: null, cells: [] };
}

/**
 * Feeds bytes from the TLS stream. The first cell must be VERSIONS (2-byte circ id); later cells use the
 * negotiated width. Returns true once NETINFO was seen (the relay's side of the handshake is complete).
 */
export function feedTor(state: TorExchangeState, chunk: Uint8Array): boolean {
  state.buffer = Buffer.concat([state.buffer, chunk]);
  for (;;) {
    const width: 2 | 4 = state.versions === null || (state.linkProtocol ?? 0) < 4 ? 2 : 4;
    if (state.versions === null && state.buffer.length >= 3 && state.buffer[2] !== CMD.VERSIONS) {
      throw new MalformedPacket(
        `first cell is ${CELL_NAMES[state.buffer[2]] ?? `cell_${state.buffer[2]}`}, not VERSIONS`,
      );
    }
    const r = readCell(state.buffer, width);
    if (!r) return false;
    state.buffer = state.buffer.subarray(r.used);
    if (state.versions === null) {
      if (r.cell.command !== CMD.VERSIONS)
        throw new MalformedPacket(`first cell is ${r.cell.name}, not VERSIONS`);
      state.versions = parseVersions(r.cell.payload);
      state.linkProtocol = negotiate(state.versions);
      if (state.linkProtocol === null)
        throw new MalformedPacket(`no common link protocol in ${state.versions.join(',')}`);
    }
    if (state.cells.length < 32) state.cells.push(r.cell.name);
    if (r.cell.command === CMD.NETINFO) return true;
  }
}
