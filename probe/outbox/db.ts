/**
 * The outbox database (better-sqlite3, WAL). Every measurement is written here before any upload is tried;
 * the schema is documented in probe/README.md ("The outbox").
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS measurements (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  uid TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  suite TEXT NOT NULL,
  test_name TEXT NOT NULL,
  input TEXT,
  body TEXT,
  bytes INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'uploaded', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  acked_at INTEGER,
  acked_by TEXT,
  ack_status TEXT
);
CREATE INDEX IF NOT EXISTS measurements_state ON measurements (state, seq);
CREATE TABLE IF NOT EXISTS upload_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  collector TEXT NOT NULL,
  via TEXT,
  outcome TEXT NOT NULL,
  http_status INTEGER,
  error_code TEXT,
  error TEXT,
  sent INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  duplicate INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS drops (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  uid TEXT NOT NULL,
  state TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  suite TEXT NOT NULL,
  reason TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT,
  measurements INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX IF NOT EXISTS runs_suite ON runs (suite, started_at);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export function openDb(file: string): Db {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MB page cache; the outbox is appended to and read a batch at a
  // time, and a 1,000-target run filled ~7 MiB of it. SQLite's own default (2 MB) is plenty here.
  db.pragma('cache_size = -2000');
  db.exec(SCHEMA);
  // A run that was interrupted (SIGKILL, power cut) is closed out on the next open.
  db.prepare(
    "UPDATE runs SET outcome = 'interrupted', finished_at = started_at WHERE finished_at IS NULL AND started_at < ?",
  ).run(Date.now() - 6 * 3600_000);
  return db;
}

export function kvGet(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? row.value : null;
}

export function kvSet(db: Db, key: string, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM kv WHERE key = ?').run(key);
  else
    db.prepare(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
}
