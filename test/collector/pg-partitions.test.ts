/**
 * PostgreSQL keeps measurements and verdicts in monthly partitions (schema version 3): rows land in the month
 * they started in, months appear as measurements arrive (also when several collectors meet a new month at
 * once), time-bounded reads touch only their months, the uid stays unique across months, and a version-1
 * database with rows is moved into partitions without losing or changing anything.
 */
import test from 'ava';
import pg from 'pg';
import { KEY_SEQ_SPAN } from '../../collector/storage/measurement-keys.ts';
import { openPostgresStorage, type PostgresStorage } from '../../collector/storage/postgres/index.ts';
import { MIGRATIONS, migrate } from '../../collector/storage/postgres/migrations.ts';
import { monthOf } from '../../collector/storage/postgres/partitions.ts';
import { listQuery, listSteps } from '../../collector/storage/postgres/reads.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { RECOUNT_BASE, RECOUNTS } from '../../collector/storage/postgres/verify.ts';
import { sharedPostgres } from '../helpers/postgres.ts';
import { batchOf, m } from './storage-contract-kit.ts';

async function fresh(t: { teardown(fn: () => Promise<void>): void }): Promise<PostgresStorage> {
  const db = await createTestDatabase((await sharedPostgres()).url);
  const storage = await openPostgresStorage({ url: db.url, maxConnections: 4 });
  t.teardown(async () => {
    await storage.close();
    await db.drop();
  });
  return storage;
}

const at = (y: number, mo: number, d = 10, h = 12) => new Date(Date.UTC(y, mo - 1, d, h));

/** the attached partitions of `measurements` and `verdicts`, as `table month` */
async function listPartitions(c: pg.Pool): Promise<string[]> {
  const r = await c.query(
    `SELECT child.relname AS table FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent
       JOIN pg_class child ON child.oid = i.inhrelid
     WHERE parent.relname IN ('measurements', 'verdicts') ORDER BY child.relname`,
  );
  return r.rows.map((x) => `${x.table} ${(x.table as string).replace(/^.*_(\d{4})_(\d{2})$/, '$1-$2')}`);
}

/** rows with every value as text (a plain pool reads int8 as strings, the storage's as numbers) */
const asText = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));

/** rows per partition of `measurements` / `verdicts`, by the table each row really sits in */
async function rowsByPartition(s: PostgresStorage, table: 'measurements' | 'verdicts') {
  const r = await s.pool.query(
    `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM ${table} GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.part as string, x.n as number]));
}

test('month of a start time is the UTC month of its whole second', (t) => {
  t.is(monthOf(Date.UTC(2024, 10, 30, 23, 59, 59, 999)), '2024-11-01');
  t.is(monthOf(Date.UTC(2024, 11, 1)), '2024-12-01');
  t.is(monthOf(Date.UTC(2000, 0, 1)), '2000-01-01');
});

test('postgres: measurements and their verdicts land in the partition of the month they started in', async (t) => {
  const s = await fresh(t);
  const ms = [
    m({ start: at(2019, 3), verdict: { status: 'ok', method: null } }),
    m({ start: at(2024, 11, 10), verdict: { status: 'blocked', method: 'dns' } }),
    m({ start: at(2024, 11, 30, 23), verdict: { status: 'ok', method: null } }),
    m({ start: at(2024, 12, 1, 0), verdict: { status: 'blocked', method: 'tls' } }),
  ];
  const [out] = await s.ingest([batchOf('p_a', ms)]);
  t.deepEqual(out, { statuses: ['accepted', 'accepted', 'accepted', 'accepted'] });
  const expected = { measurements_2019_03: 1, measurements_2024_11: 2, measurements_2024_12: 1 };
  t.deepEqual(await rowsByPartition(s, 'measurements'), expected);
  t.deepEqual(await rowsByPartition(s, 'verdicts'), {
    verdicts_2019_03: 1,
    verdicts_2024_11: 2,
    verdicts_2024_12: 1,
  });
  const parts = await listPartitions(s.pool);
  t.deepEqual(parts, [
    'measurements_2019_03 2019-03',
    'measurements_2024_11 2024-11',
    'measurements_2024_12 2024-12',
    'verdicts_2019_03 2019-03',
    'verdicts_2024_11 2024-11',
    'verdicts_2024_12 2024-12',
  ]);
  // every stored uid is claimed once, pointing at its row
  const uids = await s.pool.query(
    'SELECT count(*)::int AS n FROM measurement_uids u JOIN measurements x ON x.id = u.id AND x.uid = u.uid',
  );
  t.is(uids.rows[0].n, 4);
  for (const x of ms) {
    const got = await s.getMeasurement(x.measurement_uid);
    t.is(got?.summary.start_ms, Date.parse(`${x.measurement_start_time.replace(' ', 'T')}Z`));
  }
  const dec = await s.listMeasurements({
    since_ms: Date.UTC(2024, 10, 1),
    until_ms: Date.UTC(2024, 11, 1),
    limit: 10,
  });
  t.deepEqual(
    dec.rows.map((r) => r.uid).sort(),
    [ms[1].measurement_uid, ms[2].measurement_uid].sort(),
    'November only',
  );
  t.deepEqual(await s.verifyRollups(), []);
});

test('postgres: a listing bounded to one month reads only the partitions of that month', async (t) => {
  const s = await fresh(t);
  await s.ingest([
    batchOf('p_a', [m({ start: at(2024, 10) }), m({ start: at(2024, 11) }), m({ start: at(2024, 12) })]),
  ]);
  await s.pool.query('ANALYZE measurements, verdicts');
  // the storage's own listing query, with the values of a November listing
  const q = listQuery({ since_ms: Date.UTC(2024, 10, 1), until_ms: Date.UTC(2024, 11, 1), limit: 10 });
  const plan = await s.pool.query(`EXPLAIN (FORMAT JSON) ${q.text}`, q.args);
  const text = JSON.stringify(plan.rows[0]['QUERY PLAN']);
  const touched = [...new Set(text.match(/(measurements|verdicts)_\d{4}_\d{2}/g))].sort();
  t.deepEqual(touched, ['measurements_2024_11', 'verdicts_2024_11'], text);
});

test('postgres: a listing without since pages through every month newest first, the recent weeks read first', async (t) => {
  const s = await fresh(t);
  const day = 86_400_000;
  const now = Math.floor(Date.now() / 1000) * 1000;
  const starts = [
    now - day,
    now - 2 * day,
    now - 60 * day,
    now - 61 * day,
    now - 62 * day,
    at(2024, 11).getTime(),
  ];
  const ms = starts.map((ms) => m({ start: new Date(ms) }));
  await s.ingest([batchOf('p_a', ms)]);
  const expected = ms.map((x) => x.measurement_uid); // starts are newest first already
  for (const limit of [1, 2, 3, 10]) {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.listMeasurements({ limit, cursor });
      t.true(page.rows.length <= limit);
      seen.push(...page.rows.map((r) => r.uid));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    t.deepEqual(seen, expected, `pages of ${limit}`);
  }
  // the first step reads only the months from 31 days before its upper end (here: before now + 1 day)
  const [first, rest] = listSteps({ limit: 10 }, now);
  t.is(rest.until_ms, first.since_ms, 'the two steps meet');
  const q = listQuery(first);
  const plan = JSON.stringify((await s.pool.query(`EXPLAIN (FORMAT JSON) ${q.text}`, q.args)).rows[0]);
  const recentMonths = [...new Set(starts.map(monthOf))].filter((mo) => mo >= monthOf(first.since_ms ?? 0));
  t.true(recentMonths.length >= 1 && recentMonths.length < 3, recentMonths.join());
  t.deepEqual(
    [...new Set(plan.match(/(measurements|verdicts)_\d{4}_\d{2}/g))].sort(),
    recentMonths
      .flatMap((mo) => [
        `measurements_${mo.slice(0, 7).replace('-', '_')}`,
        `verdicts_${mo.slice(0, 7).replace('-', '_')}`,
      ])
      .sort(),
    'the older months are pruned',
  );
});

test('postgres: several collectors meeting a new month at the same moment create its partitions once', async (t) => {
  const first = await fresh(t);
  const url = (first.pool.options as { connectionString: string }).connectionString;
  const others = await Promise.all([1, 2, 3].map(() => openPostgresStorage({ url, maxConnections: 2 })));
  t.teardown(async () => {
    for (const o of others) await o.close();
  });
  const all = [first, ...others];
  // each collector its own measurements, all in two months no one has seen yet
  const outs = await Promise.all(
    all.map((s, w) =>
      s.ingest([
        batchOf(`p_${w}`, [
          m({ probe_id: `p_${w}`, start: at(2025, 1, 5 + w) }),
          m({ probe_id: `p_${w}`, start: at(2025, 2, 5 + w) }),
        ]),
      ]),
    ),
  );
  t.true(
    outs.flat().every((o) => 'statuses' in o && o.statuses.every((x) => x === 'accepted')),
    JSON.stringify(outs),
  );
  t.deepEqual(await rowsByPartition(first, 'measurements'), {
    measurements_2025_01: 4,
    measurements_2025_02: 4,
  });
  t.is((await listPartitions(first.pool)).length, 4);
  t.deepEqual(await first.verifyRollups(), []);
});

test('postgres: a measurement whose key collides with another of the same second gets a new key', async (t) => {
  const s = await fresh(t);
  const second = at(2024, 11, 10);
  const a = m({ start: second });
  await s.ingest([batchOf('p_a', [a])]);
  const idA = (await s.pool.query('SELECT id FROM measurements')).rows[0].id as number;
  // the next sequence number maps onto A's key: B, started in the same second, collides with A
  await s.pool.query('SELECT setval($1, $2)', ['measurement_seq', (idA % KEY_SEQ_SPAN) + KEY_SEQ_SPAN - 1]);
  const b = m({ start: second });
  const [out] = await s.ingest([batchOf('p_a', [b])]);
  t.deepEqual(out, { statuses: ['accepted'] });
  const rows = await s.pool.query(
    'SELECT u.uid, u.id, x.uid AS row_uid FROM measurement_uids u JOIN measurements x ON x.id = u.id ORDER BY u.id',
  );
  t.is(rows.rows.length, 2);
  t.true(
    rows.rows.every((r) => r.uid === r.row_uid),
    'each uid points at its own row',
  );
  t.not(rows.rows[0].id, rows.rows[1].id);
  t.is((await s.getMeasurement(b.measurement_uid))?.summary.uid, b.measurement_uid);
  t.deepEqual(await s.verifyRollups(), []);
});

test('postgres: a version-1 database with rows is moved into monthly partitions, nothing lost or changed', async (t) => {
  const db = await createTestDatabase((await sharedPostgres()).url);
  t.teardown(() => db.drop());
  // a version-1 database, filled by version-1 statements (one flat table, uid UNIQUE on it)
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => {});
  await migrate(pool, MIGRATIONS.slice(0, 1));
  const olds = [at(2024, 10, 31, 23), at(2024, 11, 10), at(2024, 11, 10, 13), at(2025, 1, 2)].map((d) =>
    m({ start: d }),
  );
  await pool.query(
    `INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length, probe_id, probe_asn, probe_cc,
       network_name, test_name, input, target_group, simulated)
     SELECT s * ${KEY_SEQ_SPAN} + i, uid, s * 1000, 1, 0, 2, 'p_a', 'AS' || (i % 2), 'PK', NULL, 'web',
       'https://x' || i || '.example/', 'g' || (i % 2), 0
     FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS x(s, uid, i)`,
    [
      olds.map((x) => Date.parse(`${x.measurement_start_time.replace(' ', 'T')}Z`) / 1000),
      olds.map((x) => x.measurement_uid),
    ],
  );
  await pool.query(
    `INSERT INTO verdicts SELECT id, 'collector', 1, 'v1', CASE WHEN id % 2 = 0 THEN 'blocked' ELSE 'ok' END,
       CASE WHEN id % 2 = 0 THEN 'dns' END, 0.9, 'r', '[]' FROM measurements`,
  );
  for (const [table, { columns, recount }] of Object.entries(RECOUNTS))
    await pool.query(`INSERT INTO ${table} (${columns}) ${RECOUNT_BASE} ${recount}`);
  const before = await pool.query(
    `SELECT m.*, v.status, v.method FROM measurements m JOIN verdicts v ON v.measurement_id = m.id ORDER BY m.id`,
  );
  await pool.end();

  const s = await openPostgresStorage({ url: db.url, maxConnections: 2 });
  t.teardown(() => s.close());
  const after = await s.pool.query(
    `SELECT m.*, v.status, v.method FROM measurements m JOIN verdicts v ON v.measurement_id = m.id ORDER BY m.id`,
  );
  t.deepEqual(asText(after.rows), asText(before.rows), 'same rows, same keys');
  t.deepEqual(await rowsByPartition(s, 'measurements'), {
    measurements_2024_10: 1,
    measurements_2024_11: 2,
    measurements_2025_01: 1,
  });
  t.is((await s.pool.query('SELECT count(*)::int AS n FROM measurement_uids')).rows[0].n, 4);
  t.is(
    (await s.pool.query("SELECT to_regclass('measurements_v1') IS NULL AS gone")).rows[0].gone,
    true,
    'the old table is gone',
  );
  t.deepEqual(await s.verifyRollups(), []);
  const uids = olds.map((x) => x.measurement_uid);
  t.deepEqual(
    (await s.summariesByUid(uids)).map((x) => x.verdict?.status),
    uids.map((u) => before.rows.find((r) => r.uid === u)?.status),
    'read by uid through the uid table',
  );
  // the moved uids still make a re-upload a duplicate; a new measurement goes in beside them
  const [out] = await s.ingest([batchOf('p_a', [olds[1], m({ start: at(2024, 11, 11) })])]);
  t.deepEqual(out, { statuses: ['duplicate', 'accepted'] });
  t.deepEqual(await s.verifyRollups(), []);
});
