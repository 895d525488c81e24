/** Time ↔ key ranges and the opaque cursor. */
import { StorageInputError } from '../types.ts';
import { KEY_SEQ_SPAN } from './migrations.ts';

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
