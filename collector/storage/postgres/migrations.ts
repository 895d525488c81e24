/**
 * PostgreSQL schema migrations (the statements of every version: ../schema-versions.ts), applied in order at
 * open, one transaction each (DDL is transactional here), under a session advisory lock so collectors starting
 * together never race. `raabta_schema` records the versions applied; a database from a newer collector is
 * refused, never downgraded.
 */
import type pg from 'pg';
import { migrationsFor } from '../schema-versions.ts';
import { LOCK_MIGRATIONS } from './locks.ts';

export const MIGRATIONS: string[] = migrationsFor('postgres');

export async function schemaVersion(c: pg.ClientBase): Promise<number> {
  const exists = await c.query("SELECT to_regclass('raabta_schema') IS NOT NULL AS e");
  if (!exists.rows[0].e) return 0;
  const r = await c.query('SELECT coalesce(max(version), 0)::int AS v FROM raabta_schema');
  return r.rows[0].v as number;
}

/** Applies the missing migrations; returns how many ran. Safe to run from several processes at once. */
export async function migrate(pool: pg.Pool, migrations = MIGRATIONS): Promise<number> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [LOCK_MIGRATIONS.toString()]);
    try {
      await c.query(
        'CREATE TABLE IF NOT EXISTS raabta_schema (version integer PRIMARY KEY, applied_ms bigint NOT NULL)',
      );
      const current = await schemaVersion(c);
      if (current > migrations.length) {
        throw new Error(
          `database schema version ${current} is newer than this collector knows (${migrations.length}): upgrade`,
        );
      }
      for (let v = current; v < migrations.length; v++) {
        await c.query('BEGIN');
        try {
          if (migrations[v]) await c.query(migrations[v]);
          await c.query('INSERT INTO raabta_schema (version, applied_ms) VALUES ($1, $2)', [
            v + 1,
            Date.now(),
          ]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK');
          throw new Error(`migration ${v + 1} failed: ${(err as Error).message}`);
        }
      }
      return migrations.length - current;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [LOCK_MIGRATIONS.toString()]);
    }
  } finally {
    c.release();
  }
}
