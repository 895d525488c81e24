/** The runner's work queue: limits, order around busy hosts, failures; and the settings steps resolve. */
import test from 'ava';
import { runQueue } from '../../probe/run-queue.ts';
import { stepSettings } from '../../probe/steps/settings.ts';

/** A queue whose items finish only when the test says so, recording starts in order. */
function controlled() {
  const started: string[] = [];
  const finish = new Map<string, (err?: Error) => void>();
  const work = (item: string) =>
    new Promise<void>((resolve, reject) => {
      started.push(item);
      finish.set(item, (err) => (err ? reject(err) : resolve()));
    });
  const settle = async (item: string, err?: Error) => {
    const f = finish.get(item);
    if (!f) throw new Error(`${item} has not started`);
    f(err);
    await flush();
  };
  return { started, work, settle };
}

/** Lets the workers run up to their next wait (microtasks only: no clock involved). */
async function flush() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const host = (item: string) => item[0];

test('at most `concurrency` items run, an item of a busy host waits while later hosts go ahead', async (t) => {
  const q = controlled();
  const done = runQueue(['a1', 'a2', 'b1', 'c1', 'a3'], { concurrency: 2, perKey: 1, key: host }, q.work);
  await flush();
  t.deepEqual(q.started, ['a1', 'b1'], 'a2 is held: host a is busy');
  await q.settle('b1');
  t.deepEqual(q.started, ['a1', 'b1', 'c1'], 'a2 still held, c1 goes ahead');
  await q.settle('a1');
  t.deepEqual(q.started, ['a1', 'b1', 'c1', 'a2'], 'a held item goes first once its host is free');
  await q.settle('a2');
  t.deepEqual(q.started, ['a1', 'b1', 'c1', 'a2', 'a3']);
  await q.settle('c1');
  await q.settle('a3');
  await done;
  t.is(q.started.length, 5);
});

test('without a key only the overall limit applies, and every item runs exactly once', async (t) => {
  const seen: number[] = [];
  let running = 0;
  let most = 0;
  const items = Array.from({ length: 50 }, (_, i) => i);
  await runQueue(items, { concurrency: 3 }, async (i) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setImmediate(r));
    seen.push(i);
    running--;
  });
  t.is(most, 3);
  t.deepEqual(
    [...seen].sort((a, b) => a - b),
    items,
  );
});

test('a failing item stops new items; those in progress finish; the first error is thrown', async (t) => {
  const q = controlled();
  const done = runQueue(['a', 'b', 'c', 'd'], { concurrency: 2 }, q.work);
  const outcome = t.throwsAsync(done, { message: 'boom' });
  await q.settle('a', new Error('boom'));
  t.deepEqual(q.started, ['a', 'b'], 'nothing new starts after the failure');
  await q.settle('b');
  await outcome;
  t.deepEqual(q.started, ['a', 'b']);
});

test('an empty list resolves at once', async (t) => {
  await runQueue([], { concurrency: 4 }, async () => {
    t.fail('no work for an empty list');
  });
  t.pass();
});

test('step settings: defaults and bounds applied, resolved once per settings object', (t) => {
  const settings = { resolver: null, stepTimeoutMs: 0, bodyCapBytes: 10_000_000 };
  const s = stepSettings(settings);
  t.is(s.stepTimeoutMs, 10_000);
  t.is(s.bodyCapBytes, 150_000);
  t.is(s.innocuousSni, 'example.org');
  t.is(stepSettings(settings), s, 'the same object, not a new one per call');
  t.is(stepSettings(s), s);
  const other = stepSettings({ ...settings, innocuousSni: 'example.com', maxAddresses: 99 });
  t.is(other.innocuousSni, 'example.com');
  t.is(other.canaryName, 'example.com');
  t.is(other.maxAddresses, 8);
});
