/**
 * Small, defensive readers for OONI's JSON (any field may be missing, null or of an older shape), the
 * failure-string mapping onto our closed vocabulary, and the notes an import leaves about what it changed.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { FAILED_OPERATIONS, FAILURES } from '../../schemas/src/failures.ts';

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
export { isIPv4, isIPv6 };

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return s.slice(0, end);
}

export const clipOrNull = (v: unknown, max: number): string | null => {
  const s = str(v);
  return s === null ? null : clip(s, max);
};

/** Seconds ≥ 0 (OONI's `t`/`t0`); missing or negative → 0. */
export const secs = (v: unknown): number => Math.max(0, num(v) ?? 0);
export const nonNegInt = (v: unknown): number => Math.max(0, Math.trunc(num(v) ?? 0));

const KNOWN_FAILURES = new Set<string>(FAILURES.filter((f) => f !== 'unknown_failure'));

/**
 * OONI failure → ours: null stays null; a name in our vocabulary stays; `unknown_failure: …` stays (clipped);
 * any other OONI name (e.g. `connection_already_closed`, `dns_lookup_error`) becomes
 * `unknown_failure: <that name>` so nothing is lost and the schema's closed list holds.
 */
export function mapFailure(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (KNOWN_FAILURES.has(s)) return s;
  if (s.startsWith('unknown_failure: ')) return clip(s, 512);
  return clip(`unknown_failure: ${s}`, 512);
}

const OPS = new Set<string>(FAILED_OPERATIONS);
const OP_ALIASES: Record<string, string> = {
  http_round_trip: 'http_transaction',
  http_transaction_done: 'http_transaction',
  tls_handshake_done: 'tls_handshake',
  quic_handshake: 'tls_handshake',
};

/** OONI `failed_operation` → ours; anything unrecognised with a failure is `top_level`. */
export function mapFailedOperation(v: unknown, failure: string | null): string | null {
  const s = str(v);
  if (s && OPS.has(s)) return s;
  if (s && OP_ALIASES[s]) return OP_ALIASES[s];
  return failure || s ? 'top_level' : null;
}

/** Counts of what the import dropped or changed, rendered into `annotations.ooni_import_notes`. */
export class ImportNotes {
  private readonly counts = new Map<string, number>();
  add(note: string, n = 1): void {
    if (n > 0) this.counts.set(note, (this.counts.get(note) ?? 0) + n);
  }
  get size(): number {
    return this.counts.size;
  }
  render(): string {
    return clip([...this.counts].map(([k, n]) => (n === 1 ? k : `${k} ×${n}`)).join('; '), 512);
  }
}

/** Keeps at most `max` items, noting how many were dropped. */
export function capped<T>(items: T[], max: number, what: string, notes: ImportNotes): T[] {
  if (items.length <= max) return items;
  notes.add(`${what}: ${items.length - max} dropped over the cap of ${max}`);
  return items.slice(0, max);
}
