import { join } from 'node:path';
import test from 'ava';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
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
  t.is(a.db.pragma('user_version', { simple: true }), 1);
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
