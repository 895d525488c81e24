/**
 * OONI trace arrays (df-002 queries, df-005 tcp_connect, df-008 network_events) → format v1 shapes.
 * Missing fields get defaults (times 0, transaction_id 0); what our schema cannot hold is dropped and noted
 * (DNS engines other than system/udp/tcp, query and answer types other than A/AAAA/CNAME, non-IP answers).
 * TLS and HTTP are in ooni-http-tls.ts.
 */
import type { DnsAnswer, DnsQuery, NetworkEvent, TcpConnect } from '../../schemas/src/steps.ts';
import {
  arr,
  capped,
  clip,
  type ImportNotes,
  isIPv4,
  isIPv6,
  mapFailure,
  nonNegInt,
  num,
  obj,
  secs,
  str,
} from './ooni-values.ts';

/** `transaction_id`, `t0`, `t` (older OONI data has only `t`: then t0 = t). */
export function timing(o: Record<string, unknown>): { transaction_id: number; t0: number; t: number } {
  const t = secs(o.t);
  return {
    transaction_id: nonNegInt(o.transaction_id),
    t0: o.t0 === undefined ? t : Math.min(secs(o.t0), t),
    t,
  };
}

const ENGINES: Record<string, DnsQuery['engine']> = {
  system: 'getaddrinfo',
  getaddrinfo: 'getaddrinfo',
  go: 'getaddrinfo',
  udp: 'udp',
  tcp: 'tcp',
};

function mapAnswer(a: Record<string, unknown>, notes: ImportNotes): DnsAnswer | null {
  const type = str(a.answer_type);
  const ttl = num(a.ttl);
  const asn = num(a.asn);
  const base = {
    ttl: ttl === null ? null : Math.max(0, Math.trunc(ttl)),
    ...(asn && asn > 0 ? { asn } : {}),
  };
  const ip4 = str(a.ipv4);
  const ip6 = str(a.ipv6);
  const host = str(a.hostname);
  if (type === 'A' && ip4 && isIPv4(ip4)) return { answer_type: 'A', ipv4: ip4, ...base };
  if (type === 'AAAA' && ip6 && isIPv6(ip6)) return { answer_type: 'AAAA', ipv6: ip6, ...base };
  if (type === 'CNAME' && host) return { answer_type: 'CNAME', hostname: clip(host, 255), ...base };
  notes.add(
    `dns answer dropped (${type ?? 'no type'}${type === 'A' || type === 'AAAA' ? ', not an IP' : ''})`,
  );
  return null;
}

export function mapQueries(v: unknown, notes: ImportNotes): DnsQuery[] {
  const out: DnsQuery[] = [];
  for (const raw of arr(v)) {
    const q = obj(raw);
    const engine = ENGINES[str(q.engine) ?? 'system'];
    const qtype = str(q.query_type);
    if (!engine) {
      notes.add(`dns query dropped (engine ${str(q.engine)})`);
      continue;
    }
    if (qtype !== 'A' && qtype !== 'AAAA' && qtype !== 'ANY') {
      notes.add(`dns query dropped (type ${qtype})`);
      continue;
    }
    const answers = arr(q.answers)
      .map((a) => mapAnswer(obj(a), notes))
      .filter((a): a is DnsAnswer => a !== null);
    out.push({
      ...timing(q),
      engine,
      resolver_address: clip(str(q.resolver_address) || (engine === 'getaddrinfo' ? 'system' : ''), 64),
      hostname: clip(str(q.hostname) ?? '', 255),
      query_type: qtype,
      answers: capped(answers, 64, 'dns answers', notes),
      failure: mapFailure(q.failure),
    });
  }
  return capped(out, 256, 'queries', notes);
}

export function mapTcpConnect(v: unknown, notes: ImportNotes): TcpConnect[] {
  const out: TcpConnect[] = arr(v).map((raw) => {
    const c = obj(raw);
    const st = obj(c.status);
    const failure = mapFailure(st.failure);
    const blocked = typeof st.blocked === 'boolean' ? { blocked: st.blocked } : {};
    const port = nonNegInt(c.port);
    return {
      ...timing(c),
      ip: clip(str(c.ip) ?? '', 64),
      port: port > 65535 ? 0 : port,
      status: {
        success: typeof st.success === 'boolean' ? st.success : failure === null,
        failure,
        ...blocked,
      },
    };
  });
  return capped(out, 256, 'tcp_connect', notes);
}

export function mapNetworkEvents(v: unknown, notes: ImportNotes): NetworkEvent[] {
  const out: NetworkEvent[] = arr(v).map((raw) => {
    const e = obj(raw);
    const ev: NetworkEvent = {
      ...timing(e),
      operation: clip(str(e.operation) ?? '', 32),
      failure: mapFailure(e.failure),
    };
    const address = str(e.address);
    const proto = str(e.proto);
    if (address) ev.address = clip(address, 80);
    if (proto) ev.proto = clip(proto, 8);
    if (num(e.num_bytes) !== null) ev.num_bytes = nonNegInt(e.num_bytes);
    return ev;
  });
  return capped(out, 1024, 'network_events', notes);
}
