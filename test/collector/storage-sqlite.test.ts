import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { MIGRATIONS } from '../../collector/storage/sqlite/open.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { tempDir } from './helpers.ts';
import { batchOf, storageContract } from './storage-contract.ts';

storageContract('sqlite', async () => {
  const tmp = tempDir();
  const storage = openSqliteStorage({ path: join(tmp.dir, 'c.db') });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      tmp.remove();
    },
  };
});

test('sqlite: the schema version is recorded and reopening migrates nothing twice', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const path = join(tmp.dir, 'c.db');
  const a = openSqliteStorage({ path });
  await a.ingest([batchOf('p_a', [sampleMeasurement({ probe_id: 'p_a' })])]);
  t.is(a.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  t.is(a.db.pragma('journal_mode', { simple: true }), 'wal');
  await a.close();
  const b = openSqliteStorage({ path });
  t.is((await b.stats()).measurements, 1);
  await b.close();
});

test('sqlite: the online backup is a complete, openable copy', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const s = openSqliteStorage({ path: join(tmp.dir, 'live.db') });
  const x = sampleMeasurement({ probe_id: 'p_a' });
  await s.ingest([batchOf('p_a', [x])]);
  await s.backup(join(tmp.dir, 'copy.db'));
  await s.close();
  const copy = openSqliteStorage({ path: join(tmp.dir, 'copy.db') });
  t.is((await copy.getMeasurement(x.measurement_uid))?.raw.toString(), JSON.stringify(x));
  t.deepEqual(await copy.verifyRollups(), []);
  await copy.close();
});

test('sqlite: a version-1 database is migrated with its rollups regrouped, consistent with the raw rows', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const path = join(tmp.dir, 'v1.db');
  const db = new Database(path);
  db.exec(MIGRATIONS[0]);
  db.pragma('user_version = 1');
  // a v1 rollup row and distinct-probe row for one stored measurement, as v1 wrote them
  db.exec(`INSERT INTO measurements VALUES (1, 'uid-00000001', 1731225600000, 1, 0, 2, 'p_a', 'AS1', 'PK', NULL, 'web', 'https://a/', 'x', 0);
    INSERT INTO raw_batches VALUES (1, 'p_a', 0, x'1f8b0800000000000003ab0600fa7c2bac02000000', NULL);`);
  for (const [bucket, t0] of [
    [600, 1731225600],
    [3600, 1731225600],
    [86400, 1731196800],
  ]) {
    db.prepare(
      `INSERT INTO rollups VALUES (?, ?, 'x', 'AS1', 'PK', 'https://a/', 0, 'inconclusive', '', 1)`,
    ).run(bucket, t0);
    db.prepare(`INSERT INTO rollup_probes VALUES (?, ?, 'x', 'AS1', 'PK', 'https://a/', 0, 'p_a')`).run(
      bucket,
      t0,
    );
  }
  db.close();
  const s = openSqliteStorage({ path });
  t.teardown(() => s.close());
  t.deepEqual(await s.verifyRollups(), []);
  const cells = await s.timeline({
    bucket: '1h',
    since_ms: 1731225600000,
    until_ms: 1731229200000,
    group_by: 'target_group',
    by_asn: false,
  });
  t.like(cells[0], { probes: 1, counts: { inconclusive: 1 } });
});
