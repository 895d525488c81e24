/**
 * Scheduler.update(), what the daemon calls when a check-in brings a different schedule, with real node-cron
 * timers on second-granularity crons: an unchanged suite keeps its task and timing, an added one gets the same
 * stable offset it would get at start, a changed cron takes effect, a removed suite stops (also a fire waiting
 * out its offset); a run in progress is neither interrupted nor started twice.
 */
import test from 'ava';
import pino from 'pino';
import { Scheduler, stableOffsetMs } from '../../probe/daemon/scheduler.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const EVERY_SECOND = '* * * * * *';
const NEVER_SOON = '0 0 1 1 *';

test('an update leaves an unchanged suite alone, starts an added one with its stable offset, applies a changed cron and stops a removed one', async (t) => {
  const starts: { suite: string; at: number }[] = [];
  const s = new Scheduler({
    schedule: { keep: EVERY_SECOND, drop: EVERY_SECOND, change: NEVER_SOON },
    jitterMaxMs: 500,
    seed: 'probe-key',
    log,
    run: async (suite) => {
      starts.push({ suite, at: Date.now() });
    },
  });
  t.teardown(() => s.stop(1000));
  s.start();
  await sleep(1500);
  const keepBefore = s.status().find((x) => x.suite === 'keep')!;
  const updatedAt = Date.now();
  const changes = s.update({ keep: EVERY_SECOND, change: EVERY_SECOND, added: '*/2 * * * * *' });
  t.deepEqual(
    changes.sort((a, b) => a.suite.localeCompare(b.suite)),
    [
      { suite: 'added', change: 'added', cron: '*/2 * * * * *', previous: null },
      { suite: 'change', change: 'changed', cron: EVERY_SECOND, previous: NEVER_SOON },
      { suite: 'drop', change: 'removed', cron: null, previous: EVERY_SECOND },
    ],
  );
  const after = new Map(s.status().map((x) => [x.suite, x]));
  t.deepEqual([...after.keys()].sort(), ['added', 'change', 'keep']);
  const { nextRun: nextBefore, ...keepState } = keepBefore;
  const { nextRun: nextAfter, ...keepNow } = after.get('keep')!;
  t.deepEqual(keepNow, keepState, 'the unchanged suite: same cron, offset and counts');
  // the same fire (unless a second boundary passed during update(): then the one after)
  t.true([0, 1000].includes(nextAfter!.getTime() - nextBefore!.getTime()), 'and the same timing');
  t.is(
    after.get('added')!.offsetMs,
    stableOffsetMs('probe-key', 'added', 500, 2000),
    'the usual offset rule',
  );
  t.deepEqual(
    s.update({ keep: EVERY_SECOND, change: EVERY_SECOND, added: '*/2 * * * * *' }),
    [],
    'idempotent',
  );

  await sleep(2600);
  const since = (suite: string) => starts.filter((x) => x.suite === suite && x.at > updatedAt).length;
  t.is(since('drop'), 0, 'a removed suite does not run, not even a fire that was waiting out its offset');
  t.true(since('change') >= 2, `the changed cron took effect (${since('change')} runs)`);
  t.true(since('added') >= 1, 'the added suite runs');
  t.true(since('keep') >= 2, 'the unchanged suite keeps running');
});

test('a run in progress is neither interrupted nor duplicated when its suite is changed, removed and added back', async (t) => {
  let running = 0;
  let maxRunning = 0;
  let aborted = 0;
  let finished = 0;
  const s = new Scheduler({
    schedule: { slow: EVERY_SECOND },
    jitterMaxMs: 0,
    seed: 'p',
    log,
    run: async (_suite, signal) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(2200);
      if (signal.aborted) aborted++;
      running--;
      finished++;
    },
  });
  t.teardown(() => s.stop(3000));
  s.start();
  const deadline = Date.now() + 3000;
  while (running === 0 && Date.now() < deadline) await sleep(50);
  t.is(running, 1, 'the first run started');

  t.deepEqual(
    s.update({ slow: '*/2 * * * * *' }).map((c) => c.change),
    ['changed'],
  );
  t.deepEqual(
    s.update({}).map((c) => c.change),
    ['removed'],
  );
  t.deepEqual(s.status(), [], 'off the schedule while its last run finishes');
  t.deepEqual(
    s.update({ slow: EVERY_SECOND }).map((c) => c.change),
    ['added'],
  );
  const back = s.status()[0];
  t.true(back.running, 'added back: still known to be running, so no second run starts beside it');

  await sleep(3500);
  t.is(maxRunning, 1, 'never two runs of the suite at once');
  t.is(aborted, 0, 'no run was interrupted');
  t.true(finished >= 1, 'the run in progress finished');
  t.true(s.status()[0].skippedOverlap >= 1, 'fires during the run were skipped');
  t.true(s.status()[0].runs >= 2, 'and the suite went on running on its schedule');
});
