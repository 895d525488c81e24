/** `recent()`: a costly gauge value (database stats) read once per window, shared, and never a stale failure. */
import test from 'ava';
import { recent } from '../../collector/metrics.ts';

test('a value is read once per window and shared by the calls inside it', async (t) => {
  let now = 0;
  let reads = 0;
  const get = recent(
    async () => ++reads,
    10_000,
    () => now,
  );
  t.deepEqual(await Promise.all([get(), get(), get()]), [1, 1, 1]);
  now = 9_999;
  t.is(await get(), 1);
  now = 10_001;
  t.is(await get(), 2, 'read again after the window');
  t.is(reads, 2);
});

test('a failed read is not kept: the next call reads again', async (t) => {
  let fail = true;
  let reads = 0;
  const get = recent(
    async () => {
      reads++;
      if (fail) throw new Error('database away');
      return 'ok';
    },
    60_000,
    () => 0,
  );
  await t.throwsAsync(get, { message: 'database away' });
  fail = false;
  t.is(await get(), 'ok');
  t.is(reads, 2);
});
