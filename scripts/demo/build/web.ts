/**
 * Simulated `web` measurements (and the `tcp` test's, which share the first steps) in the shapes the
 * probe records (probe/tests/web.ts, tcp.ts): DNS (system + the network's resolver), TCP, TLS with the
 * innocuous-SNI check after a failed handshake, HTTP, a bounded transfer for media, and the control.
 */
import { createHash } from 'node:crypto';
import type { Control, Measurement } from '../../../schemas/src/measurement.ts';
import type { HttpRequest, Throughput } from '../../../schemas/src/steps.ts';
import type { Rng } from '../rng.ts';
import type { Observation } from '../schedule.ts';
import { addressOf, type DemoTarget } from '../targets.ts';
import {
  Clock,
  connect,
  emptyControl,
  emptyKeys,
  envelope,
  INNOCUOUS,
  lookup,
  resolverOf,
  tlsHandshake,
  tlsRead,
} from './common.ts';

const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const pages = new Map<string, { body: string; sha: string }>();

function pageOf(t: DemoTarget): { body: string; sha: string } {
  let p = pages.get(t.input);
  if (!p) {
    const title = t.title ?? t.host;
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main id="app">${title}</main></body></html>`;
    p = { body, sha: createHash('sha256').update(body).digest('hex') };
    pages.set(t.input, p);
  }
  return p;
}

function request(c: Clock, t: DemoTarget, ip: string, date: string): HttpRequest {
  const page = pageOf(t);
  const https = t.input.startsWith('https:');
  return {
    transaction_id: 2,
    ...c.step(0.08, 0.6),
    network: 'tcp',
    address: `${ip}:${t.port}`,
    alpn: https ? 'h2' : null,
    failure: null,
    request: {
      method: 'GET',
      url: t.input,
      headers_list: [
        ['Host', t.host],
        ['User-Agent', UA],
        ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
        ['Accept-Language', 'en-US;q=0.8,en;q=0.5'],
      ],
      body: null,
      body_is_truncated: false,
    },
    response: {
      code: 200,
      headers_list: [
        ['server', t.group === 'x' ? 'envoy' : 'nginx'],
        ['date', date],
        ['content-type', 'text/html; charset=utf-8'],
        ['content-length', String(page.body.length)],
      ],
      body: page.body,
      body_is_truncated: false,
      body_length: Buffer.byteLength(page.body),
      body_sha256: page.sha,
      title: t.title ?? null,
    },
  };
}

function transfer(c: Clock, t: DemoTarget, ip: string, bps: number, cap: number | null): Throughput {
  const spec = t.throughput!;
  const full = spec.maxBytes / bps;
  const duration = cap !== null && full > cap ? cap : full;
  const bytes = Math.min(spec.maxBytes, Math.round(bps * duration));
  const when = c.step(duration, duration + 0.001);
  return {
    transaction_id: 4,
    ...when,
    url: new URL(spec.path, t.input).href,
    address: `${ip}:${t.port}`,
    bytes,
    duration: Math.round(duration * 1e6) / 1e6,
    bytes_per_second: Math.round(bytes / duration),
    ttfb: Math.round(Math.min(duration, 0.05 + (duration > 2 ? 0.3 : 0.02)) * 1000) / 1000,
    complete: bytes >= spec.maxBytes,
    failure: null,
  };
}

/** The control: the same target from outside, healthy unless the server itself is down. */
function controlOf(
  t: DemoTarget,
  ip: string,
  r: Rng,
  date: string,
  serverDown: boolean,
  web: boolean,
): Control {
  const c = new Clock(r);
  const ctl = emptyControl();
  ctl.queries = lookup(c, t.host, ip, '8.8.8.8', null, false);
  if (serverDown) {
    ctl.tcp_connect = [connect(c, 2, ip, t.port, 'connection_refused')];
    ctl.failure = 'connection_refused';
    return ctl;
  }
  ctl.tcp_connect = [connect(c, 2, ip, t.port)];
  if (!web) return ctl;
  if (t.input.startsWith('https:')) ctl.tls_handshakes = [tlsHandshake(c, 2, `${ip}:${t.port}`, t.host)];
  ctl.requests = [request(c, t, ip, date)];
  if (t.throughput) ctl.throughput = [transfer(c, t, ip, r.range(15e6, 40e6), null)];
  return ctl;
}

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function buildWebLike(o: Observation, r: Rng): Measurement {
  const t = o.target;
  const web = t.kind === 'web';
  const ip = addressOf(t.host);
  const resolver = resolverOf(o.probe.network.asn);
  const date = httpDate(o.t_ms);
  const c = new Clock(r);
  const k = emptyKeys();
  const extra: Record<string, string> = {};
  const down = o.outcome === 'down';
  k.control = controlOf(t, ip, r.fork('control'), date, down, web);
  const address = `${ip}:${t.port}`;
  const https = t.input.startsWith('https:');

  if (o.outcome === 'error') {
    k.queries = lookup(c, t.host, null, resolver, 'dns_temporary_failure');
    k.queries.push(...lookup(c, INNOCUOUS, null, resolver, 'dns_temporary_failure'));
    k.failure = 'dns_temporary_failure';
    k.failed_operation = 'resolve';
    return envelope(o, r, t.kind, k, c.t + 0.5);
  }
  if (o.outcome === 'blocked' && o.method === 'dns') {
    k.queries = lookup(c, t.host, null, resolver, 'dns_nxdomain_error');
    k.queries.push(...lookup(c, INNOCUOUS, addressOf(INNOCUOUS), resolver, null, false));
    k.failure = 'dns_nxdomain_error';
    k.failed_operation = 'resolve';
    return envelope(o, r, t.kind, k, c.t + 0.3);
  }
  k.queries = lookup(c, t.host, ip, resolver);
  if (down || (o.outcome === 'blocked' && o.method === 'tcp')) {
    const f = down ? 'connection_refused' : 'generic_timeout_error';
    k.tcp_connect = [connect(c, 2, ip, t.port, f)];
    k.failure = f;
    k.failed_operation = 'connect';
    return envelope(o, r, t.kind, k, c.t + 0.2);
  }
  k.tcp_connect = [connect(c, 2, ip, t.port)];
  if (!web) return envelope(o, r, t.kind, k, c.t + 0.05);

  if (o.outcome === 'blocked' && o.method === 'tls') {
    const hs = tlsHandshake(c, 2, address, t.host, { failure: 'connection_reset' });
    k.tcp_connect.push(connect(c, 3, ip, t.port));
    const check = c.step(0, 0.0001);
    const innocuous = tlsHandshake(c, 3, address, INNOCUOUS, { innocuous: true, certHost: t.host });
    k.tls_handshakes = [hs, innocuous];
    k.network_events = [
      tlsRead(hs, 0),
      { transaction_id: 3, ...check, operation: 'innocuous_sni_check', address, proto: 'tcp', failure: null },
      tlsRead(innocuous, 3140),
    ];
    k.failure = 'connection_reset';
    k.failed_operation = 'tls_handshake';
    return envelope(o, r, t.kind, k, c.t + 0.1);
  }
  if (https) {
    const hs = tlsHandshake(c, 2, address, t.host);
    k.tls_handshakes = [hs];
    k.network_events = [tlsRead(hs, 3140)];
  }
  k.requests = [request(c, t, ip, date)];
  if (t.throughput) {
    const link = o.probe.link_bps * r.range(0.7, 1.1);
    extra.throughput_baseline_bps = String(Math.round(o.probe.link_bps * r.range(0.9, 1.2)));
    k.tcp_connect.push(connect(c, 4, ip, t.port));
    const throttled = o.outcome === 'blocked' && o.method === 'throttle';
    k.throughput = [transfer(c, t, ip, throttled ? r.range(8e3, 40e3) : link, t.throughput.maxSeconds)];
  }
  return envelope(o, r, t.kind, k, c.t + 0.05, extra);
}
