/**
 * UDP path evidence when a UDP handshake met silence. A datagram to a CLOSED port of the same address
 * draws an ICMP port unreachable from the host — if it gets there. We send (1) the protocol's own
 * handshake bytes and (2) an innocuous datagram (a DNS query) to that port:
 *   protocol bytes answered by ICMP            → the network passes this protocol's packets to the host:
 *                                                the silence on the real port is a port block or the server;
 *   protocol bytes silent, innocuous answered  → the packets are dropped for their CONTENT (protocol DPI);
 *   both silent                                → UDP (or ICMP) to that address is filtered: no content evidence.
 * Hosts rate-limit ICMP (Linux: a burst of 6, then 1/s per peer), so the protocol bytes are sent again
 * after the innocuous datagram got its answer and a pause; only silence on every try counts as dropped.
 */
import { randomBytes } from 'node:crypto';
import type { Handshake } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { type Judgement, udpHandshake } from './udp-exchange.ts';

/** traceroute's first port: closed on almost every host, and a datagram to it looks like nothing special. */
export const DEFAULT_CLOSED_UDP_PORT = 33434;
const WAIT_MS = 1200;
const PAUSE_MS = 1100;

/** A DNS A query for `name`; the transaction id's first byte stays below 0x30 (not an OpenVPN opcode). */
export function innocuousDnsQuery(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.');
  const qname = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const id = randomBytes(2);
  id[0] &= 0x2f;
  return Buffer.concat([
    id,
    Buffer.from([0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
    qname,
    Buffer.from([0, 1, 0, 1]),
  ]);
}

const anyReply = (): Judgement => ({ kind: 'match', response: 'reply_from_closed_port' });

export interface ClosedPortEvidence {
  protocolProbes: Handshake[];
  innocuous: Handshake | null;
}

const reached = (h: Handshake) =>
  h.failure === 'udp_port_unreachable' || h.response === 'reply_from_closed_port';

export async function closedPortProbe(
  ctx: TestContext,
  o: {
    protocol: Handshake['protocol'];
    ip: string;
    port: number;
    datagram: () => Buffer;
    innocuousName: string;
  },
): Promise<ClosedPortEvidence> {
  const probe = (
    protocol: Handshake['protocol'],
    payload: 'protocol' | 'innocuous',
    datagram: () => Buffer,
  ) =>
    udpHandshake(ctx, {
      protocol,
      ip: o.ip,
      port: o.port,
      tx: ctx.trace.nextTransaction(),
      datagram,
      judge: anyReply,
      attempts: 1,
      timeoutMs: WAIT_MS,
      details: { role: 'closed_port_probe', payload },
    }).then((r) => r.entry);
  const first = await probe(o.protocol, 'protocol', o.datagram);
  if (reached(first)) return { protocolProbes: [first], innocuous: null };
  const innocuous = await probe('dns', 'innocuous', () => innocuousDnsQuery(o.innocuousName));
  if (!reached(innocuous)) return { protocolProbes: [first], innocuous };
  await new Promise((r) => setTimeout(r, PAUSE_MS));
  const second = await probe(o.protocol, 'protocol', o.datagram);
  return { protocolProbes: [first, second], innocuous };
}
