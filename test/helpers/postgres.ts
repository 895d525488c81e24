/**
 * A throw-away PostgreSQL server for tests (collector/storage/postgres/server.ts: initdb into a temp
 * directory as the `postgres` user, 127.0.0.1 on a free port, fsync off, stopped at exit or by its watchdog).
 * `RAABTA_PG_URL` in the environment uses an existing server instead.
 */
import { type PgServer, startThrowawayPostgres } from '../../collector/storage/postgres/server.ts';

export type { PgServer };

export async function startPostgres(o: { maxConnections?: number } = {}): Promise<PgServer> {
  if (process.env.RAABTA_PG_URL) return { url: process.env.RAABTA_PG_URL, cpuSeconds: () => 0, stop() {} };
  return startThrowawayPostgres({ fsync: false, maxConnections: o.maxConnections ?? 50 });
}

let shared: Promise<PgServer> | undefined;

/**
 * One server per test process (ava runs each test file in its own process), started on first use and
 * stopped when the process exits: each collector gets its own database on it (createTestDatabase).
 */
export function sharedPostgres(): Promise<PgServer> {
  shared ??= startPostgres({ maxConnections: 200 });
  return shared;
}
