/** Read-only helpers over a measurement's trace: entries with their JSON pointers, hosts and hops. */
import { isIP } from 'node:net';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { DnsQuery } from '../../schemas/src/steps.ts';

export interface At<T> {
  item: T;
  ptr: string;
}

export function at<T>(list: T[], base: string): At<T>[] {
  return list.map((item, i) => ({ item, ptr: `${base}/${i}` }));
}

export const PROBE = '/test_keys';
export const CONTROL = '/test_keys/control';

/** The host a web/tcp/dns input names (lowercase, no brackets), or null when it cannot be parsed. */
export function inputHost(m: Measurement): string | null {
  const input = m.input ?? '';
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input))
      return new URL(input).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return null;
  }
  const hp = /^\[?([^\]]+?)\]?(?::\d+)?$/.exec(input.trim());
  return hp ? hp[1].toLowerCase() : null;
}

export function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}

export function addressesOf(q: DnsQuery): string[] {
  return q.answers.flatMap((a) =>
    a.answer_type === 'A' && a.ipv4 ? [a.ipv4] : a.answer_type === 'AAAA' && a.ipv6 ? [a.ipv6] : [],
  );
}

/** `198.18.0.1:443` / `[::1]:443` → ip */
export function ipOfAddress(address: string): string {
  const v6 = /^\[([^\]]+)\]:\d+$/.exec(address);
  if (v6) return v6[1];
  return address.replace(/:\d+$/, '');
}

export function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Human list: `a, b and c` (at most `max` items, then `and N more`). */
export function list(items: string[], max = 4): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * The entries of the hop that failed: those that started after the last response the probe received
 * (a redirect), so a failure on a later hop is judged on its own host's entries.
 */
export function failingHop<T extends { t0: number }>(items: At<T>[], m: Measurement): At<T>[] {
  const responses = m.test_keys.requests.filter((r) => r.failure === null);
  const since = responses.length ? responses[responses.length - 1].t : -1;
  return items.filter((e) => e.item.t0 >= since);
}
