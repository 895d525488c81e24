/**
 * OONI web_connectivity's `control` (the test helper's answer: `dns`, `tcp_connect` and `tls_handshake` maps
 * keyed by "ip:port", `http_request`) → format v1's Control, whose arrays have the same shapes as the probe's,
 * so our tables and analysis can compare probe and control the same way. The test helper reports no timings
 * (0) and no certificates; `source` is the test helper's address from the envelope's `test_helpers`.
 */
import type { Control } from '../../schemas/src/measurement.ts';
import type { DnsAnswer, HttpRequest, TcpConnect, TlsHandshake } from '../../schemas/src/steps.ts';
import {
  arr,
  clip,
  clipOrNull,
  type ImportNotes,
  isIPv4,
  isIPv6,
  mapFailure,
  num,
  obj,
  str,
} from './ooni-values.ts';

const T = { transaction_id: 0, t0: 0, t: 0 };

/** "1.2.3.4:443" or "[2001:db8::1]:443" → ip and port. */
export function splitEndpoint(key: string): { ip: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(key) ?? /^([^:]+):(\d+)$/.exec(key);
  if (!m) return { ip: clip(key, 64), port: 0 };
  const port = Number(m[2]);
  return { ip: clip(m[1], 64), port: port <= 65535 ? port : 0 };
}

function hostOf(input: string | null): string {
  try {
    return input ? new URL(input).hostname.replace(/^\[|\]$/g, '') : '';
  } catch {
    return '';
  }
}

function controlDns(
  dns: Record<string, unknown>,
  input: string | null,
  notes: ImportNotes,
): Control['queries'] {
  const answers: DnsAnswer[] = [];
  for (const a of arr(dns.addrs)) {
    if (typeof a === 'string' && isIPv4(a)) answers.push({ answer_type: 'A', ipv4: a, ttl: null });
    else if (typeof a === 'string' && isIPv6(a)) answers.push({ answer_type: 'AAAA', ipv6: a, ttl: null });
    else notes.add('control dns answer dropped (not an IP)');
  }
  const q = {
    ...T,
    engine: 'getaddrinfo' as const,
    resolver_address: 'system',
    hostname: clip(hostOf(input), 255),
    query_type: 'ANY' as const,
    answers: answers.slice(0, 64),
    failure: mapFailure(dns.failure),
  };
  return [q];
}

function controlTcp(map: Record<string, unknown>): TcpConnect[] {
  return Object.entries(map)
    .slice(0, 256)
    .map(([key, v]) => {
      const o = obj(v);
      const failure = mapFailure(o.failure);
      return { ...T, ...splitEndpoint(key), status: { success: o.status === true, failure } };
    });
}

function controlTls(map: Record<string, unknown>): TlsHandshake[] {
  return Object.entries(map)
    .slice(0, 64)
    .map(([key, v]) => {
      const o = obj(v);
      const failure = mapFailure(o.failure);
      return {
        ...T,
        network: 'tcp' as const,
        address: clip(key, 80),
        server_name: clip(str(o.server_name) ?? '', 255),
        alpn: [],
        no_tls_verify: false,
        tls_version: null,
        cipher_suite: null,
        negotiated_protocol: null,
        peer_certificates: [],
        certificates: [],
        verified: o.status === true && failure === null,
        verify_error: failure?.startsWith('ssl_') ? failure : null,
        failure,
      };
    });
}

function controlHttp(h: Record<string, unknown>, input: string | null): HttpRequest {
  const code = Math.trunc(num(h.status_code) ?? 0);
  const headers = Object.entries(obj(h.headers))
    .slice(0, 200)
    .map(([k, v]): string[] => [clip(k, 8192), clip(typeof v === 'string' ? v : JSON.stringify(v), 8192)]);
  return {
    ...T,
    network: 'tcp',
    address: '',
    alpn: null,
    failure: mapFailure(h.failure),
    request: {
      method: 'GET',
      url: clip(input ?? '', 4096),
      headers_list: [],
      body: null,
      body_is_truncated: false,
    },
    response: {
      code: code > 0 && code <= 999 ? code : 0,
      headers_list: headers,
      body: null,
      body_is_truncated: false,
      body_length: Math.max(0, Math.trunc(num(h.body_length) ?? 0)),
      body_sha256: null,
      title: clipOrNull(h.title, 512) || null,
    },
  };
}

export function mapWebControl(
  tk: Record<string, unknown>,
  input: string | null,
  testHelpers: unknown,
  notes: ImportNotes,
): Control | null {
  const c = obj(tk.control);
  const controlFailure = mapFailure(tk.control_failure);
  if (!Object.keys(c).length && controlFailure === null) return null;
  const backend = obj(obj(testHelpers).backend);
  return {
    source: clip(str(backend.address) ?? 'OONI web_connectivity test helper', 512),
    failure: controlFailure,
    queries: c.dns ? controlDns(obj(c.dns), input, notes) : [],
    tcp_connect: controlTcp(obj(c.tcp_connect)),
    tls_handshakes: controlTls(obj(c.tls_handshake)),
    requests: c.http_request ? [controlHttp(obj(c.http_request), input)] : [],
    handshakes: [],
    throughput: [],
  };
}
