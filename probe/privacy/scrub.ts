/**
 * The probe never uploads its own IP address. Every string in a measurement (bodies, headers, titles,
 * failures, keys…) has each occurrence of the probe's public IP replaced by `[scrubbed]` — whole addresses
 * only: 1.2.3.4 does not match inside 11.2.3.45. The top-level `probe_ip` is the schema's constant 127.0.0.1.
 */
import { isIP } from 'node:net';
import type { Measurement } from '../../schemas/src/measurement.ts';

export const SCRUBBED = '[scrubbed]';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every textual form of `ip` worth looking for (v4-mapped v6, expanded/compressed v6). */
function forms(ip: string): string[] {
  const out = new Set<string>([ip]);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) out.add(mapped[1]);
  if (isIP(ip) === 4) out.add(`::ffff:${ip}`);
  if (isIP(ip) === 6) {
    out.add(ip.toLowerCase());
    out.add(ip.toUpperCase());
  }
  return [...out];
}

/**
 * Loopback and unspecified addresses identify nobody (a collector on the same machine sees 127.0.0.1), and
 * 127.0.0.1 is the format's own `probe_ip` placeholder: scrubbing them would only destroy loopback targets'
 * data. The collector's second-line scrub leaves 127.0.0.1 alone for the same reason.
 */
export function identifiesProbe(ip: string): boolean {
  const v4 = ip.replace(/^::ffff:/i, '');
  if (isIP(v4) === 4) return !v4.startsWith('127.') && v4 !== '0.0.0.0';
  if (isIP(ip) === 6) return !/^(::1?|0*:(0*:)*0*1?)$/i.test(ip);
  return false;
}

/** A function replacing every whole occurrence of any of `ips` in a string. */
export function ipScrubber(ips: string[]): (s: string) => string {
  const alternatives: string[] = [];
  for (const ip of ips.filter(identifiesProbe)) {
    for (const f of forms(ip)) {
      alternatives.push(
        isIP(f) === 4
          ? `(?<![0-9.])${escapeRe(f)}(?![0-9]|\\.[0-9])`
          : `(?<![0-9A-Fa-f:.])${escapeRe(f)}(?![0-9A-Fa-f:]|\\.[0-9])`,
      );
    }
  }
  if (alternatives.length === 0) return (s) => s;
  // longest first, so ::ffff:1.2.3.4 is replaced whole rather than leaving "::ffff:"
  alternatives.sort((a, b) => b.length - a.length);
  const re = new RegExp(alternatives.join('|'), 'g');
  return (s) => s.replace(re, SCRUBBED);
}

/** Fields with an IP-address format in the schema: a scrubbed value must stay a valid address. */
const ADDRESS_FIELDS: Record<string, string> = { ipv4: '0.0.0.0', ipv6: '::' };

function walk(value: unknown, scrub: (s: string) => string, key: string | null, hit: { n: number }): unknown {
  if (typeof value === 'string') {
    const out = scrub(value);
    if (out === value) return value;
    hit.n++;
    return key && key in ADDRESS_FIELDS ? ADDRESS_FIELDS[key] : out;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, scrub, null, hit));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const nk = scrub(k);
      if (nk !== k) hit.n++;
      out[nk] = walk(v, scrub, k, hit);
    }
    return out;
  }
  return value;
}

/**
 * A copy of `m` with the probe's IP addresses scrubbed everywhere; `annotations.ip_scrubbed` counts the
 * replacements so analysts know something was removed.
 */
export function scrubMeasurement(m: Measurement, probeIps: (string | null | undefined)[]): Measurement {
  const ips = probeIps.filter((i): i is string => !!i);
  if (ips.length === 0) return m;
  const hit = { n: 0 };
  const { probe_ip, ...rest } = m;
  const out = walk(rest, ipScrubber(ips), null, hit) as Omit<Measurement, 'probe_ip'>;
  const scrubbed = { ...out, probe_ip } as Measurement;
  if (hit.n > 0) {
    const prev = Number(m.annotations.ip_scrubbed ?? 0);
    scrubbed.annotations = { ...scrubbed.annotations, ip_scrubbed: String(prev + hit.n) };
  }
  return scrubbed;
}
