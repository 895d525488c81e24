/** Opens (creating if needed) the SQLite file: WAL, the chosen synchronous level, migrations. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrationsFor } from '../schema-versions.ts';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer.ts';

/** The SQLite statements of every schema version (../schema-versions.ts). */
export const MIGRATIONS: string[] = migrationsFor('sqlite');

export type Synchronous = 'normal' | 'full';

export interface SqliteOptions {
  path: string;
  /**
   * `normal` (default): a committed batch survives a crash of the process (kill -9); a power loss or OS
   * crash can lose the last transactions. `full`: also survives power loss, at the cost of an fsync per batch.
   */
  synchronous?: Synchronous;
  readonly?: boolean;
  /** checkpoint the WAL from a background thread (default true) */
  backgroundCheckpoints?: boolean;
}

export function openDatabase(o: SqliteOptions): Database.Database {
  if (!o.readonly) mkdirSync(dirname(o.path), { recursive: true });
  const db = new Database(o.path, { readonly: o.readonly ?? false, fileMustExist: o.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (!o.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    if (o.backgroundCheckpoints !== false) db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  }
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  if (!o.readonly) migrate(db);
  return db;
}

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this collector knows (${MIGRATIONS.length}): upgrade`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      if (MIGRATIONS[v]) db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
