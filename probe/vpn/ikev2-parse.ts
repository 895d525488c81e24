/** Parser for IKEv2 messages and the check that a reply is the IKE_SA_INIT response to our request. */
import { MalformedPacket, Reader } from './bytes.ts';
import {
  EXCHANGE_IKE_SA_INIT,
  FLAG_RESPONSE,
  IKE_HEADER_LEN,
  notifyName,
  PAYLOAD,
  payloadName,
  transformName,
} from './ikev2-names.ts';

/** Larger than any IKE_SA_INIT response without fragmentation (certificates come later). */
export const IKE_MAX_MESSAGE = 9000;

export interface IkePayload {
  type: number;
  critical: boolean;
  body: Buffer;
}

export interface IkeMessage {
  spiI: Buffer;
  spiR: Buffer;
  version: number;
  exchange: number;
  flags: number;
  messageId: number;
  payloads: IkePayload[];
}

export function parseIkeMessage(buf: Uint8Array): IkeMessage {
  if (buf.length > IKE_MAX_MESSAGE) throw new MalformedPacket(`IKE message of ${buf.length} bytes`);
  const r = new Reader(buf, 'IKE message');
  const spiI = r.bytes(8, 'SPIi');
  const spiR = r.bytes(8, 'SPIr');
  let next = r.u8('next payload');
  const version = r.u8('version');
  const exchange = r.u8('exchange type');
  const flags = r.u8('flags');
  const messageId = r.u32('message id');
  const length = r.u32('length');
  if (version >> 4 !== 2) throw new MalformedPacket(`IKE major version ${version >> 4}, expected 2`);
  if (length !== buf.length)
    throw new MalformedPacket(`IKE length field ${length}, datagram has ${buf.length} bytes`);
  const payloads: IkePayload[] = [];
  while (next !== PAYLOAD.NONE) {
    if (payloads.length >= 64) throw new MalformedPacket('more than 64 IKE payloads');
    const type = next;
    next = r.u8(`${payloadName(type)} next payload`);
    const critical = (r.u8('critical flag') & 0x80) !== 0;
    const len = r.u16(`${payloadName(type)} length`);
    if (len < 4) throw new MalformedPacket(`${payloadName(type)} payload length ${len}`);
    payloads.push({ type, critical, body: r.bytes(len - 4, `${payloadName(type)} body`) });
  }
  if (r.remaining !== 0) throw new MalformedPacket(`${r.remaining} bytes after the last IKE payload`);
  if (r.offset < IKE_HEADER_LEN) throw new MalformedPacket('short IKE header');
  return { spiI, spiR, version, exchange, flags, messageId, payloads };
}

export interface NotifyInfo {
  type: number;
  name: string;
  data: Buffer;
}

export function parseNotify(body: Buffer): NotifyInfo {
  const r = new Reader(body, 'Notify payload');
  r.u8('protocol id');
  const spiSize = r.u8('SPI size');
  const type = r.u16('notify type');
  r.bytes(spiSize, 'SPI');
  return { type, name: notifyName(type), data: r.rest() };
}

/** The transforms of the chosen proposal, e.g. ["ENCR:AES_CBC/256", "PRF:PRF_HMAC_SHA2_256", …]. */
export function parseChosenProposal(body: Buffer): string[] {
  const r = new Reader(body, 'SA payload');
  r.u8('last/more');
  r.u8('reserved');
  const propLen = r.u16('proposal length');
  const p = new Reader(r.bytes(propLen - 4, 'proposal'), 'proposal');
  p.u8('proposal number');
  p.u8('protocol id');
  const spiSize = p.u8('SPI size');
  const count = p.u8('transform count');
  p.bytes(spiSize, 'SPI');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    p.u16('transform last/reserved');
    const tlen = p.u16('transform length');
    const t = new Reader(p.bytes(tlen - 4, 'transform'), 'transform');
    const type = t.u8('transform type');
    t.u8('reserved');
    const id = t.u16('transform id');
    let bits = 0;
    while (t.remaining >= 4) {
      const at = t.u16('attribute type');
      const val = t.u16('attribute value');
      if ((at & 0x7fff) === 14) bits = val;
    }
    out.push(`${transformName(type, id)}${bits ? `/${bits}` : ''}`);
  }
  return out;
}

export interface SaInitSummary {
  spi_r: string;
  payloads: string[];
  notifies: string[];
  chosen_proposal: string[] | null;
  ke_group: number | null;
  /** INVALID_KE_PAYLOAD carries the group the responder wants */
  requested_group: number | null;
  vendor_ids: string[];
}

export type SaInitCheck =
  | { ok: true; summary: SaInitSummary }
  | { ok: false; failure: 'malformed_response' | 'protocol_mismatch'; error: string };

/**
 * Any IKE_SA_INIT response to OUR SPIi is success (NO_PROPOSAL_CHOSEN and INVALID_KE_PAYLOAD included:
 * an IKE responder answered). `datagram` may carry the 4-byte non-ESP marker (UDP 4500).
 */
export function checkSaInitResponse(datagram: Uint8Array, spiI: Uint8Array, natT: boolean): SaInitCheck {
  let bytes = Buffer.from(datagram);
  if (natT) {
    if (bytes.length < 4 || bytes.readUInt32BE(0) !== 0) {
      return { ok: false, failure: 'malformed_response', error: 'no non-ESP marker on the UDP 4500 reply' };
    }
    bytes = bytes.subarray(4);
  }
  let msg: IkeMessage;
  try {
    msg = parseIkeMessage(bytes);
    const summary = summarize(msg);
    if (!msg.spiI.equals(Buffer.from(spiI)))
      return { ok: false, failure: 'protocol_mismatch', error: 'reply for another SPIi' };
    if (msg.exchange !== EXCHANGE_IKE_SA_INIT)
      return { ok: false, failure: 'protocol_mismatch', error: `exchange type ${msg.exchange}` };
    if (!(msg.flags & FLAG_RESPONSE))
      return { ok: false, failure: 'protocol_mismatch', error: 'not a response' };
    return { ok: true, summary };
  } catch (err) {
    return { ok: false, failure: 'malformed_response', error: (err as Error).message };
  }
}

export function summarize(msg: IkeMessage): SaInitSummary {
  const s: SaInitSummary = {
    spi_r: msg.spiR.toString('hex'),
    payloads: [],
    notifies: [],
    chosen_proposal: null,
    ke_group: null,
    requested_group: null,
    vendor_ids: [],
  };
  for (const p of msg.payloads) {
    s.payloads.push(payloadName(p.type));
    if (p.type === PAYLOAD.NOTIFY) {
      const n = parseNotify(p.body);
      s.notifies.push(n.name);
      if (n.name === 'INVALID_KE_PAYLOAD' && n.data.length >= 2) s.requested_group = n.data.readUInt16BE(0);
    } else if (p.type === PAYLOAD.SA) s.chosen_proposal = parseChosenProposal(p.body);
    else if (p.type === PAYLOAD.KE) s.ke_group = new Reader(p.body, 'KE payload').u16('DH group');
    else if (p.type === PAYLOAD.VENDOR_ID) s.vendor_ids.push(p.body.subarray(0, 32).toString('hex'));
  }
  return s;
}
