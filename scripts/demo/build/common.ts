/** Shared pieces of simulated measurements: the envelope, DNS lookups, connects, certificates, controls. */
import { createHash } from 'node:crypto';
import type { Control, Measurement, TestKeys } from '../../../schemas/src/measurement.ts';
import type { DnsQuery, NetworkEvent, TcpConnect, TlsHandshake } from '../../../schemas/src/steps.ts';
import { hashString, type Rng } from '../rng.ts';
import type { Observation } from '../schedule.ts';

export const CONTROL_SOURCE = 'raabta-collector';
export const INNOCUOUS = 'example.org';

/** The network's own resolver (documentation range 192.0.2.0/24), one per ASN. */
export function resolverOf(asn: string): string {
  return `192.0.2.${(Number(asn.slice(2)) % 200) + 20}`;
}

const r3 = (x: number) => Math.round(x * 1e6) / 1e6;

/** A little clock for one measurement's steps (seconds since its start). */
export class Clock {
  t = 0;
  constructor(private readonly r: Rng) {}
  step(lo: number, hi: number): { t0: number; t: number } {
    const t0 = r3(this.t + this.r.range(0.0002, 0.002));
    const t = r3(t0 + this.r.range(lo, hi));
    this.t = t;
    return { t0, t };
  }
}

export function lookup(
  c: Clock,
  host: string,
  ip: string | null,
  resolver: string,
  failure: DnsQuery['failure'] = null,
  udp = true,
): DnsQuery[] {
  const rtt = c.step(0.01, 0.06);
  const a = ip ? [{ answer_type: 'A' as const, ipv4: ip, ttl: null }] : [];
  const out: DnsQuery[] = [
    {
      transaction_id: 1,
      ...rtt,
      engine: 'getaddrinfo',
      resolver_address: 'system',
      hostname: host,
      query_type: 'ANY',
      answers: a,
      rcode: null,
      failure,
    },
  ];
  if (udp) {
    const nx = failure === 'dns_nxdomain_error';
    out.push({
      transaction_id: 1,
      t0: rtt.t0,
      t: r3(rtt.t + 0.002),
      engine: 'udp',
      resolver_address: resolver,
      hostname: host,
      query_type: 'A',
      answers: ip ? [{ answer_type: 'A', ipv4: ip, ttl: 300 }] : [],
      rcode: nx ? 'NXDOMAIN' : failure ? null : 'NOERROR',
      failure,
    });
  }
  return out;
}

export function connect(
  c: Clock,
  tx: number,
  ip: string,
  port: number,
  failure: TcpConnect['status']['failure'] = null,
): TcpConnect {
  const slow = failure === 'generic_timeout_error';
  return {
    transaction_id: tx,
    ...c.step(slow ? 10 : 0.02, slow ? 10.001 : 0.12),
    ip,
    port,
    status: { success: failure === null, failure },
  };
}

const ISSUERS: Record<string, string> = {
  'x.com': 'C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1',
  'twitter.com': 'C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1',
};

const fingerprints = new Map<string, string>();
function fingerprint(host: string): string {
  let f = fingerprints.get(host);
  if (!f) {
    const h = createHash('sha256').update(`demo-cert:${host}`).digest('hex').toUpperCase();
    f = h.match(/../g)!.join(':');
    fingerprints.set(host, f);
  }
  return f;
}

export function tlsHandshake(
  c: Clock,
  tx: number,
  address: string,
  sni: string,
  o: { failure?: TlsHandshake['failure']; innocuous?: boolean; certHost?: string } = {},
): TlsHandshake {
  const failure = o.failure ?? null;
  const certHost = o.certHost ?? sni;
  const ok = failure === null;
  return {
    transaction_id: tx,
    ...c.step(0.04, 0.2),
    network: 'tcp',
    address,
    server_name: sni,
    alpn: ['h2', 'http/1.1'],
    no_tls_verify: o.innocuous === true,
    tls_version: ok ? 'TLSv1.3' : null,
    cipher_suite: ok ? 'TLS_AES_128_GCM_SHA256' : null,
    negotiated_protocol: ok ? 'h2' : null,
    peer_certificates: [],
    certificates: ok
      ? [
          {
            subject: `CN=${certHost}`,
            issuer: ISSUERS[certHost] ?? "C=US, O=Let's Encrypt, CN=R11",
            not_before: '2023-12-01T00:00:00Z',
            not_after: '2025-03-01T23:59:59Z',
            fingerprint_sha256: fingerprint(certHost),
          },
        ]
      : [],
    verified: ok && !o.innocuous,
    verify_error:
      ok && o.innocuous && certHost !== sni
        ? `Hostname/IP does not match certificate's altnames: Host: ${sni}. is not in the cert's altnames: DNS:${certHost}`
        : null,
    failure,
  };
}

export function tlsRead(h: TlsHandshake, bytes: number): NetworkEvent {
  return {
    transaction_id: h.transaction_id,
    t0: h.t0,
    t: h.t,
    operation: 'tls_handshake_read',
    address: h.address,
    proto: 'tcp',
    num_bytes: bytes,
    failure: h.failure,
  };
}

export function emptyControl(): Control {
  return {
    source: CONTROL_SOURCE,
    failure: null,
    queries: [],
    tcp_connect: [],
    tls_handshakes: [],
    requests: [],
    handshakes: [],
    throughput: [],
  };
}

export function emptyKeys(): TestKeys {
  return {
    queries: [],
    tcp_connect: [],
    tls_handshakes: [],
    requests: [],
    handshakes: [],
    throughput: [],
    network_events: [],
    control: null,
    failure: null,
    failed_operation: null,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
function parts(ms: number) {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}
export const ooniTime = (ms: number) => {
  const p = parts(ms);
  return `${p.date} ${p.time}`;
};
const compact = (ms: number) => ooniTime(ms).replace(/[-: ]/g, '');

export function envelope(
  o: Observation,
  r: Rng,
  testName: string,
  keys: TestKeys,
  runtime: number,
  extra: Record<string, string> = {},
): Measurement {
  const p = o.probe;
  const t = compact(o.t_ms);
  const run = compact(o.run_ms);
  const runHex = (
    hashString(`${p.probe_id}:${o.run_ms}`).toString(16).padStart(8, '0') + p.probe_id.slice(2, 6)
  ).slice(0, 12);
  return {
    measurement_uid: `${t.slice(0, 8)}T${t.slice(8)}Z_PK_${testName}_${r.hex(16)}`,
    report_id: `${run}_${o.target.suite}_${runHex}`,
    data_format_version: '0.2.0',
    probe_asn: p.network.asn,
    probe_cc: 'PK',
    probe_network_name: p.network.name,
    probe_ip: '127.0.0.1',
    resolver_asn: p.network.asn,
    resolver_ip: resolverOf(p.network.asn),
    resolver_network_name: p.network.name,
    software_name: 'raabta-probe',
    software_version: '0.1.0',
    test_name: testName,
    test_version: '1.0.0',
    test_start_time: ooniTime(o.run_ms),
    measurement_start_time: ooniTime(o.t_ms),
    test_runtime: Math.round(runtime * 1000) / 1000,
    input: o.target.input,
    annotations: {
      platform: p.platform,
      network_type: p.network.kind,
      simulated: 'true',
      ...extra,
    },
    test_keys: keys,
    raabta: {
      format_version: '1.0.0',
      probe_id: p.probe_id,
      suite: o.target.suite,
      target_group: o.target.group,
      category_code: o.target.category_code,
      verdict: null,
      signature: null,
    },
  };
}
