/** The shared storage contract on PostgreSQL, plus what is PostgreSQL's own: migrations, backup, concurrency. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import pg from 'pg';
import { openPostgresStorage, pgProgram } from '../../collector/storage/postgres/index.ts';
import { MIGRATIONS, migrate, schemaVersion } from '../../collector/storage/postgres/migrations.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { type PgServer, startPostgres } from '../helpers/postgres.ts';
import { tempDir } from './helpers.ts';
import { batchOf, storageContract } from './storage-contract.ts';

/** A plain pool for the migration tests; a terminated connection fails its query instead of the process. */
function testPool(o: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(o);
  pool.on('error', () => {});
  pool.on('connect', (c) => c.on('error', () => {}));
  return pool;
}

let server: Promise<PgServer> | undefined;
const pgServer = () => {
  server ??= startPostgres();
  return server;
};
test.after.always(async () => {
  if (server) (await server).stop();
});

async function freshStorage() {
  const db = await createTestDatabase((await pgServer()).url);
  const storage = await openPostgresStorage({ url: db.url, maxConnections: 4 });
  return {
    storage,
    db,
    cleanup: async () => {
      await storage.close();
      await db.drop();
    },
  };
}

storageContract('postgres', freshStorage);

test('postgres: an empty database is migrated to the current version, and a second run changes nothing', async (t) => {
  const db = await createTestDatabase((await pgServer()).url);
  t.teardown(() => db.drop());
  const pool = testPool({ connectionString: db.url, max: 2 });
  t.teardown(() => pool.end());
  t.is(await migrate(pool), MIGRATIONS.length);
  const c = await pool.connect();
  t.is(await schemaVersion(c), MIGRATIONS.length);
  c.release();
  const tables = async () =>
    (
      await pool.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      )
    ).rows.map((r) => r.table_name as string);
  const before = await tables();
  t.true(before.includes('measurements') && before.includes('rollups') && before.includes('events'));
  t.is(await migrate(pool), 0, 'nothing to apply the second time');
  t.deepEqual(await tables(), before);
  t.is((await pool.query('SELECT count(*)::int AS n FROM raabta_schema')).rows[0].n, MIGRATIONS.length);
});

test('postgres: collectors opening an empty database at the same moment migrate it exactly once', async (t) => {
  const db = await createTestDatabase((await pgServer()).url);
  t.teardown(() => db.drop());
  const opened = await Promise.all(
    [1, 2, 3, 4].map(() => openPostgresStorage({ url: db.url, maxConnections: 2 })),
  );
  t.teardown(async () => {
    for (const s of opened) await s.close();
  });
  const r = await opened[0].pool.query('SELECT version FROM raabta_schema ORDER BY version');
  t.deepEqual(
    r.rows.map((x) => x.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
  const x = sampleMeasurement({ probe_id: 'p_a' });
  await opened[3].ingest([batchOf('p_a', [x])]);
  t.is((await opened[1].getMeasurement(x.measurement_uid))?.raw.toString(), JSON.stringify(x));
});

test('postgres: a database from a newer collector is refused, not downgraded', async (t) => {
  const db = await createTestDatabase((await pgServer()).url);
  t.teardown(() => db.drop());
  const pool = testPool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  await migrate(pool, [...MIGRATIONS, 'CREATE TABLE from_the_future (x int)']);
  await t.throwsAsync(() => openPostgresStorage({ url: db.url }), { message: /newer than this collector/ });
});

test('postgres: a failing migration leaves the previous version intact', async (t) => {
  const db = await createTestDatabase((await pgServer()).url);
  t.teardown(() => db.drop());
  const pool = testPool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  await t.throwsAsync(() => migrate(pool, [...MIGRATIONS, 'CREATE TABLE half (x int); SELECT 1/0']), {
    message: new RegExp(`migration ${MIGRATIONS.length + 1} failed`),
  });
  const c = await pool.connect();
  t.is(await schemaVersion(c), MIGRATIONS.length);
  c.release();
  t.is((await pool.query("SELECT to_regclass('half') AS r")).rows[0].r, null, 'rolled back whole');
});

test('postgres: the same uids ingested by many connections at once are stored once, rollups exact', async (t) => {
  const { storage, cleanup } = await freshStorage();
  t.teardown(cleanup);
  const others = await Promise.all(
    [1, 2, 3].map(() =>
      openPostgresStorage({
        url: (storage.pool.options as { connectionString: string }).connectionString,
        maxConnections: 2,
      }),
    ),
  );
  t.teardown(async () => {
    for (const s of others) await s.close();
  });
  const ms = Array.from({ length: 60 }, (_, i) =>
    sampleMeasurement({
      probe_id: 'p_a',
      start: new Date(Date.UTC(2024, 10, 10, 8, 0, i % 5)),
      target_group: `g${i % 3}`,
      verdict: i % 2 ? { status: 'ok', method: null } : { status: 'blocked', method: 'dns' },
    }),
  );
  const all = [storage, ...others];
  // each writer sends every measurement, in its own order and batch split: maximal overlap
  const results = await Promise.all(
    all.map(async (s, w) => {
      const order = w % 2 ? [...ms].reverse() : ms;
      const out = [];
      for (let i = 0; i < order.length; i += 7 + w) {
        out.push(...(await s.ingest([batchOf('p_a', order.slice(i, i + 7 + w))])));
      }
      return out;
    }),
  );
  const accepted = results
    .flat()
    .flatMap((o) => ('statuses' in o ? o.statuses : [o.error]))
    .filter((s) => s === 'accepted').length;
  t.is(accepted, ms.length, 'each measurement accepted by exactly one writer');
  t.true(
    results.flat().every((o) => 'statuses' in o),
    'no batch failed',
  );
  t.is((await storage.stats()).measurements, ms.length);
  const n = await storage.pool.query(
    'SELECT count(*)::int AS n, count(DISTINCT uid)::int AS d FROM measurements',
  );
  t.deepEqual(n.rows[0], { n: ms.length, d: ms.length });
  t.deepEqual(await storage.verifyRollups(), []);
});

test('postgres: backup is a pg_dump that restores into a complete, consistent database', async (t) => {
  const { storage, cleanup } = await freshStorage();
  t.teardown(cleanup);
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const x = sampleMeasurement({ probe_id: 'p_a' });
  await storage.ingest([batchOf('p_a', [x])]);
  const file = join(tmp.dir, 'raabta.dump');
  await storage.backup(file);
  const target = await createTestDatabase((await pgServer()).url);
  t.teardown(() => target.drop());
  const r = spawnSync(pgProgram('pg_restore'), ['--dbname', target.url, '--no-owner', file], {
    encoding: 'utf8',
  });
  t.is(r.status, 0, r.stderr);
  const copy = await openPostgresStorage({ url: target.url, maxConnections: 2 });
  t.teardown(() => copy.close());
  t.is((await copy.getMeasurement(x.measurement_uid))?.raw.toString(), JSON.stringify(x));
  t.deepEqual(await copy.verifyRollups(), []);
  t.is((await copy.stats()).measurements, 1);
});

test('postgres: verify reports a rollup count that differs from the raw rows', async (t) => {
  const { storage, cleanup } = await freshStorage();
  t.teardown(cleanup);
  await storage.ingest([batchOf('p_a', [sampleMeasurement({ probe_id: 'p_a' })])]);
  t.deepEqual(await storage.verifyRollups(), []);
  await storage.pool.query('UPDATE rollups SET ok = ok + 1 WHERE bucket = 3600');
  const problems = await storage.verifyRollups();
  t.true(problems.some((p) => p.includes('rollups: missing')));
  t.true(problems.some((p) => p.includes('rollups: not in recount')));
});
