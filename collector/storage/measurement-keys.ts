/**
 * Measurement keys, the same in both engines: `measurements.id` = measurement start (whole seconds) × 2^21 + a
 * sequence number, so rows are appended in time order (fast inserts), a time range is a key range (and, on
 * PostgreSQL, a month is a partition), and the cursor is stable. Time ↔ key ranges and the opaque cursor.
 */
import { StorageInputError } from './types.ts';

export const KEY_SEQ_BITS = 21;
export const KEY_SEQ_SPAN = 2 ** KEY_SEQ_BITS;

/** First key of measurements that started at or after `ms` (starts have whole-second precision). */
export function keyAtOrAfter(ms: number): number {
  return Math.ceil(ms / 1000) * KEY_SEQ_SPAN;
}

export function encodeCursor(key: number): string {
  return Buffer.from(`m:${key}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^m:(\d{1,16})$/.exec(s);
  if (!m) throw new StorageInputError('bad_cursor', 'cursor: not a cursor returned by this API');
  return Number(m[1]);
}
