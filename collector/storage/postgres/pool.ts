/** The connection pool: int8 as JS numbers (every key and count here is below 2^53), transactions, retries. */
import pg from 'pg';

const INT8 = 20;

const types: pg.CustomTypesConfig = {
  // biome-ignore lint/suspicious/noExplicitAny: pg-types' overloaded signature
  getTypeParser: ((oid: number, format?: any) =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export function createPool(url: string, o: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max ?? 8,
    types,
    application_name: o.applicationName ?? 'raabta-collector',
    idleTimeoutMillis: 30_000,
  });
  // a client losing its connection (server restart, a terminated session) must not crash the process: idle
  // ones are reported on the pool; a checked-out one (a transaction, a job's lock) emits on itself, and its
  // query in progress — or its next one — fails with the error instead, which the caller handles
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

export type Tx = pg.PoolClient;

/** SQLSTATEs worth retrying the whole transaction for: deadlock, serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);

export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has((err as { code?: string })?.code ?? '');
}

/** Runs `fn` in one transaction (READ COMMITTED); retried from scratch on deadlock or serialization failure. */
export async function transaction<T>(pool: pg.Pool, fn: (c: Tx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const c = await pool.connect();
    let broken = false;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await c.query('ROLLBACK');
      } catch {
        broken = true;
      }
      if (attempt < attempts && isRetryable(err)) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        continue;
      }
      throw err;
    } finally {
      c.release(broken);
    }
  }
}
