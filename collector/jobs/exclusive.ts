/**
 * Background work (disruption detection, dataset publishing) runs once at a time across every collector on
 * the same database. On PostgreSQL a job holds a session-level advisory lock on a connection of its own
 * while it runs: the collectors that find it taken skip their turn, and when the holder dies — SIGKILL,
 * power cut, network gone — PostgreSQL ends its session and frees the lock, so the next turn of any other
 * collector takes over. SQLite is opened by one collector process, so a lock within the process is enough.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Storage } from '../storage/types.ts';

export interface ExclusiveLock {
  /** Runs `fn` while holding the named lock; null (and `fn` not called) when someone else holds it. */
  run<T>(name: string, fn: () => Promise<T>): Promise<T | null>;
}

/** Within one process: a name is busy while a run under it is in progress. */
export function processLock(): ExclusiveLock {
  const busy = new Set<string>();
  return {
    async run(name, fn) {
      if (busy.has(name)) return null;
      busy.add(name);
      try {
        return await fn();
      } finally {
        busy.delete(name);
      }
    },
  };
}

/** The advisory lock key of a name: 64 bits of its SHA-256, as PostgreSQL's signed bigint. */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`raabta:${name}`).digest().readBigInt64BE(0).toString();
}

/** Across processes on one PostgreSQL database (and within this one: the same session would re-enter). */
export function postgresLock(pool: pg.Pool): ExclusiveLock {
  const local = processLock();
  return {
    run: (name, fn) =>
      local.run(name, async () => {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          const key = advisoryKey(name);
          const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
            key,
          ]);
          if (!got.rows[0]?.ok) return null;
          try {
            return await fn();
          } finally {
            await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch((err: Error) => {
              broken = err; // a connection that could not unlock is closed below, which frees the lock
            });
          }
        } finally {
          client.release(broken);
        }
      }),
  };
}

/** The lock that fits the storage engine. */
export function lockFor(storage: Storage): ExclusiveLock {
  const pool = (storage as Storage & { pool?: pg.Pool }).pool;
  return storage.kind === 'postgres' && pool ? postgresLock(pool) : processLock();
}
