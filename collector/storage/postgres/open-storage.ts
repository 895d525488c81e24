/** Opens the storage a `--db` value names: a `postgres://` (or `postgresql://`) URL, else a SQLite file path. */
import { openSqliteStorage } from '../sqlite/index.ts';
import type { Synchronous } from '../sqlite/open.ts';
import type { Storage } from '../types.ts';
import { openPostgresStorage } from './index.ts';
import { isPostgresUrl, redactUrl } from './pool.ts';

export async function openStorage(
  db: string,
  o: { synchronous?: Synchronous; readOnly?: boolean } = {},
): Promise<Storage> {
  if (isPostgresUrl(db)) return openPostgresStorage({ url: db, readOnly: o.readOnly });
  if (o.readOnly) throw new Error('--read-only needs a PostgreSQL database (--db postgres://…)');
  return openSqliteStorage({ path: db, synchronous: o.synchronous });
}

/** What may be logged about a `--db` value (no password). */
export function describeDb(db: string): string {
  return isPostgresUrl(db) ? redactUrl(db) : db;
}
