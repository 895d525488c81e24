/**
 * Second line of defence for the probe's privacy: any occurrence of the caller's address in an uploaded
 * batch is replaced by `[scrubbed]` before anything is stored (the probe already scrubs its public IPs).
 * `127.0.0.1` is the schema's placeholder for `probe_ip` in every measurement and is never scrubbed.
 */
import { isIP } from 'node:net';

export const SCRUBBED = '[scrubbed]';
const PLACEHOLDERS = new Set(['127.0.0.1', '::1', '']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms of one address worth looking for: `::ffff:1.2.3.4` is also looked for as `1.2.3.4`. */
export function addressForms(ip: string): string[] {
  const forms = new Set<string>();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) forms.add(mapped[1]);
  if (isIP(ip)) forms.add(ip);
  return [...forms].filter((f) => !PLACEHOLDERS.has(f));
}

/** A matcher for these addresses that does not match inside a longer address (1.2.3.4 in 11.2.3.45). */
export function scrubPattern(ips: string[]): RegExp | null {
  const alternatives: string[] = [];
  for (const ip of ips) {
    for (const f of addressForms(ip)) {
      alternatives.push(
        isIP(f) === 4
          ? `(?<![0-9.])${escapeRegExp(f)}(?![0-9])`
          : `(?<![0-9A-Fa-f:])${escapeRegExp(f)}(?![0-9A-Fa-f:])`,
      );
    }
  }
  return alternatives.length ? new RegExp(alternatives.join('|'), 'gi') : null;
}

/** Cheap pre-check on the raw bytes before any regular expression runs. */
export function mayContain(buf: Buffer, ips: string[]): boolean {
  for (const ip of ips) {
    // IPv6 may be written in either case: let the case-insensitive pattern decide
    for (const f of addressForms(ip)) if (isIP(f) === 6 || buf.indexOf(f) >= 0) return true;
  }
  return false;
}
