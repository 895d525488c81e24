/**
 * The write queue's group commit with announced uploads (collector/ingest/write-queue.ts), on a real SQLite
 * storage: a commit waits for a batch still being prepared, and stops waiting when that upload is cancelled.
 * The lingers are set far beyond the test's timeout, so a queue that waited for them would fail the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { WriteQueue } from '../../collector/ingest/write-queue.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { batchOf, H, m, T0 } from './storage-contract-kit.ts';

const HOUR = 3_600_000;

async function withQueue(
  fn: (q: WriteQueue, s: ReturnType<typeof openSqliteStorage>) => Promise<void>,
  o: ConstructorParameters<typeof WriteQueue>[1],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-wq-'));
  const s = openSqliteStorage({ path: join(dir, 'c.db'), backgroundCheckpoints: false });
  try {
    await fn(new WriteQueue(s, o), s);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const one = (i: number) => batchOf('p_a', [m({ start: new Date(T0 + i * H) })]);

test('a batch waits for an announced batch still being prepared: both go in one commit', async (t) => {
  await withQueue(
    async (q, s) => {
      const first = q.announce();
      const second = q.announce();
      const a = first.submit(one(0));
      // the first batch must not be committed alone while the second is announced
      await new Promise((r) => setTimeout(r, 20));
      t.is(q.commitCount(), 0);
      const b = second.submit(one(1));
      t.deepEqual(await Promise.all([a, b]), [['accepted'], ['accepted']]);
      t.is(q.commitCount(), 1, 'one commit for both');
      t.is((await s.stats()).measurements, 2);
      t.deepEqual(await s.verifyRollups(), []);
    },
    { lingerMs: 0, maxLingerMs: HOUR },
  );
});

test('a cancelled announcement (failed preparation) stops the wait', async (t) => {
  await withQueue(
    async (q) => {
      const first = q.announce();
      const failed = q.announce();
      const a = first.submit(one(0));
      failed.cancel();
      failed.cancel(); // twice is harmless
      t.deepEqual(await a, ['accepted']);
      t.is(q.commitCount(), 1);
    },
    { lingerMs: 0, maxLingerMs: HOUR },
  );
});

test('with enough batches waiting a commit starts without waiting for announced ones', async (t) => {
  await withQueue(
    async (q) => {
      q.announce(); // never arrives
      const all = [0, 1, 2].map((i) => q.submit(one(i)));
      t.deepEqual(await Promise.all(all), [['accepted'], ['accepted'], ['accepted']]);
      t.is(q.commitCount(), 1);
    },
    { lingerMs: HOUR, maxLingerMs: HOUR, groupTarget: 3 },
  );
});
