/**
 * DNS directly over UDP to the configured resolver (dns-packet over the guarded dialer's UDP channel):
 * one query per type, retried once on silence; answers with TTLs and the rcode are recorded.
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DnsAnswer, DnsQuery } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { stepSettings } from './settings.ts';

export type QueryType = 'A' | 'AAAA';

/** `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353` → ip and port. */
export function parseResolver(spec: string): { ip: string; port: number } {
  const s = spec.trim();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { ip: v6[1], port: v6[2] ? Number(v6[2]) : 53 };
  if (isIP(s)) return { ip: s, port: 53 };
  const m = /^([^:]+):(\d+)$/.exec(s);
  if (m && isIP(m[1])) return { ip: m[1], port: Number(m[2]) };
  throw new Error(`invalid resolver "${spec}": expected IP or IP:port`);
}

const RCODE_FAILURE: Record<string, DnsQuery['failure']> = {
  NXDOMAIN: 'dns_nxdomain_error',
  SERVFAIL: 'dns_server_failure',
  REFUSED: 'dns_refused_error',
  FORMERR: 'dns_non_recoverable_failure',
  NOTIMP: 'dns_non_recoverable_failure',
};

interface Decoded {
  id?: number;
  type?: string;
  rcode?: string;
  questions?: { name: string; type: string }[];
  answers?: { type: string; name: string; ttl?: number; data?: unknown }[];
}

function toAnswers(decoded: Decoded): DnsAnswer[] {
  const out: DnsAnswer[] = [];
  for (const a of decoded.answers ?? []) {
    const ttl = typeof a.ttl === 'number' && a.ttl >= 0 ? Math.floor(a.ttl) : null;
    if (a.type === 'A' && typeof a.data === 'string' && isIP(a.data) === 4)
      out.push({ answer_type: 'A', ipv4: a.data, ttl });
    else if (a.type === 'AAAA' && typeof a.data === 'string' && isIP(a.data) === 6)
      out.push({ answer_type: 'AAAA', ipv6: a.data, ttl });
    else if (a.type === 'CNAME' && typeof a.data === 'string')
      out.push({ answer_type: 'CNAME', hostname: a.data.slice(0, 255), ttl });
  }
  return out.slice(0, 64);
}

/** Waits for a reply that matches our id and question; ignores anything else (e.g. stray or spoofed junk). */
async function awaitReply(
  channel: { receive(ms: number): Promise<Buffer | null> },
  id: number,
  hostname: string,
  deadline: number,
): Promise<Decoded | null> {
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return null;
    const buf = await channel.receive(left);
    if (!buf) return null;
    let decoded: Decoded;
    try {
      decoded = dnsPacket.decode(buf) as Decoded;
    } catch {
      continue;
    }
    const q = decoded.questions?.[0];
    if (decoded.id === id && decoded.type === 'response' && q?.name.toLowerCase() === hostname.toLowerCase())
      return decoded;
  }
}

export async function queryUdpStep(
  ctx: TestContext,
  resolver: string,
  hostname: string,
  qtype: QueryType,
  tx: number,
): Promise<DnsQuery> {
  const { trace } = ctx;
  const settings = stepSettings(ctx.settings);
  const attemptMs = Math.max(500, Math.floor(settings.stepTimeoutMs / 2));
  const t0 = trace.now();
  const entry: DnsQuery = {
    transaction_id: tx,
    t0,
    t: t0,
    engine: 'udp',
    resolver_address: resolver,
    hostname,
    query_type: qtype,
    answers: [],
    rcode: null,
    failure: null,
  };
  let channel: Awaited<ReturnType<TestContext['dialer']['udp']>> | null = null;
  try {
    const { ip, port } = parseResolver(resolver);
    channel = await ctx.dialer.udp(ip, port);
    let reply: Decoded | null = null;
    for (let attempt = 0; attempt < 2 && !reply; attempt++) {
      const id = randomInt(0, 65536);
      const packet = dnsPacket.encode({
        type: 'query',
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ type: qtype, name: hostname, class: 'IN' }],
      });
      await channel.send(packet);
      trace.network_events.push({
        transaction_id: tx,
        t0: trace.now(),
        t: trace.now(),
        operation: 'write',
        address: channel.address,
        proto: 'udp',
        num_bytes: packet.length,
        failure: null,
      });
      reply = await awaitReply(channel, id, hostname, Date.now() + attemptMs);
    }
    if (!reply) entry.failure = 'generic_timeout_error';
    else {
      entry.rcode = reply.rcode ?? null;
      entry.answers = toAnswers(reply);
      const rcodeFailure = RCODE_FAILURE[reply.rcode ?? ''];
      if (rcodeFailure) entry.failure = rcodeFailure;
      else if (!entry.answers.some((a) => a.answer_type === qtype)) entry.failure = 'dns_no_answer';
    }
  } catch (err) {
    entry.failure = failureOf(err);
  } finally {
    channel?.close();
  }
  entry.t = trace.now();
  trace.queries.push(entry);
  return entry;
}

export function addressesOf(q: DnsQuery): string[] {
  return q.answers.flatMap((a) => (a.ipv4 ? [a.ipv4] : a.ipv6 ? [a.ipv6] : []));
}
