/**
 * How long the PostgreSQL schema upgrade from version 1 (moving measurements and verdicts into monthly
 * partitions) takes: a version-1 database of N synthetic measurements over 12 months, then the migration
 * the first start of a version-3 collector runs (through the empty version 2), timed. Run by hand (not part of `npm run bench`):
 *   npx tsx scripts/bench/pg-partition-upgrade.ts [N=1000000]
 * Throw-away PostgreSQL with the benchmark settings (durable, 256 MB shared buffers), loopback only.
 */
import pg from 'pg';
import { KEY_SEQ_SPAN } from '../../collector/storage/measurement-keys.ts';
import { MIGRATIONS, migrate } from '../../collector/storage/postgres/migrations.ts';
import { BENCH_SETTINGS, startThrowawayPostgres } from '../../collector/storage/postgres/server.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const server = await startThrowawayPostgres(BENCH_SETTINGS);
try {
  const db = await createTestDatabase(server.url, 'upgrade');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => {});
  await migrate(pool, MIGRATIONS.slice(0, 1));
  const t0 = Date.UTC(2024, 0, 1) / 1000;
  const span = 365 * 86_400;
  let t = performance.now();
  await pool.query(`
    INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length, probe_id, probe_asn, probe_cc,
      network_name, test_name, input, target_group, simulated)
    SELECT s * ${KEY_SEQ_SPAN} + i % ${KEY_SEQ_SPAN}, 'u_' || lpad(i::text, 12, '0'), s * 1000, i / 100, 0, 0,
      'p_' || (i % 500), 'AS' || (1000 + i % 12), 'PK', NULL, 'web', 'https://site' || (i % 60) || '.example/',
      'group' || (i % 8), 0
    FROM (SELECT i, ${t0} + (i * ${span}) / ${n} AS s FROM generate_series(0::bigint, ${n - 1}) AS i) g`);
  await pool.query(`
    INSERT INTO verdicts SELECT id, 'collector', 1, 'synthetic', CASE WHEN id % 13 = 0 THEN 'blocked' ELSE 'ok' END,
      CASE WHEN id % 13 = 0 THEN 'dns' END, 0.9, 'synthetic', '[]' FROM measurements`);
  await pool.query('VACUUM ANALYZE');
  console.log(
    `version-1 database: ${n} measurements filled in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const size = async () =>
    (await pool.query('SELECT pg_size_pretty(pg_database_size(current_database())) AS s')).rows[0]
      .s as string;
  console.log(`size before: ${await size()}`);
  t = performance.now();
  await migrate(pool);
  const s = (performance.now() - t) / 1000;
  const parts = await pool.query(
    "SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'measurements'::regclass",
  );
  const rows = await pool.query(
    'SELECT (SELECT count(*) FROM measurements)::int AS m, (SELECT count(*) FROM measurement_uids)::int AS u',
  );
  console.log(
    `upgrade to version 3: ${s.toFixed(1)} s (${Math.round(n / s)} measurements/s), ${parts.rows[0].n} monthly partitions, ` +
      `${rows.rows[0].m} measurements, ${rows.rows[0].u} uids; size after: ${await size()}`,
  );
  await pool.end();
  await db.drop();
} finally {
  server.stop();
}
