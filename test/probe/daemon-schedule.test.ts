/**
 * The daemon's schedule with real node-cron timers on second-granularity cron expressions: the per-probe
 * offset (jitter) is stable, bounded and different between probes; fires land at cron time + offset; a
 * suite never overlaps itself; stop() aborts and waits for running suites.
 */
import test from 'ava';
import pino from 'pino';
import { cronPeriodMs, Scheduler, stableOffsetMs } from '../../probe/daemon/scheduler.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('the offset is stable for a probe and suite, bounded by the jitter and the period, and differs between probes', (t) => {
  t.is(cronPeriodMs('*/2 * * * * *'), 2000);
  t.is(cronPeriodMs('*/15 * * * *'), 15 * 60_000);
  const offsets = Array.from({ length: 200 }, (_, i) => stableOffsetMs(`key-${i}`, 'x', 600_000, 900_000));
  t.true(offsets.every((o) => o >= 0 && o < 600_000));
  t.true(new Set(offsets).size > 190, 'probes do not fire in lockstep');
  t.deepEqual(
    offsets.slice(0, 5),
    Array.from({ length: 5 }, (_, i) => stableOffsetMs(`key-${i}`, 'x', 600_000, 900_000)),
    'the same probe gets the same offset after a restart',
  );
  t.not(stableOffsetMs('key-0', 'x', 600_000, 900_000), stableOffsetMs('key-0', 'news', 600_000, 900_000));
  // a jitter longer than the period is cut to 0.9 of it: the offset never pushes a run into the next one
  const short = Array.from({ length: 200 }, (_, i) => stableOffsetMs(`k${i}`, 'dns', 600_000, 2000));
  t.true(short.every((o) => o < 1800));
  t.is(stableOffsetMs('k', 'dns', 0, 2000), 0, 'no jitter configured: no offset');
});

test('each run starts at the cron time plus the probe offset', async (t) => {
  // a seed whose offset is clearly away from the second boundary
  let seed = 0;
  while (stableOffsetMs(`s${seed}`, 'a', 900, 1000) < 350 || stableOffsetMs(`s${seed}`, 'a', 900, 1000) > 650)
    seed++;
  const offset = stableOffsetMs(`s${seed}`, 'a', 900, 1000);
  const starts: number[] = [];
  const s = new Scheduler({
    schedule: { a: '* * * * * *' },
    jitterMaxMs: 900,
    seed: `s${seed}`,
    log,
    run: async () => {
      starts.push(Date.now());
    },
  });
  s.start();
  t.is(s.status()[0].offsetMs, offset);
  await sleep(3600);
  t.true(await s.stop(1000));
  t.true(starts.length >= 2, `ran ${starts.length} times`);
  for (const at of starts) {
    const late = ((at % 1000) - offset + 1000) % 1000;
    t.true(late < 200, `started ${at % 1000} ms into the second; offset ${offset} ms`);
  }
});

test('a suite never overlaps itself: a fire while it still runs is skipped and counted, other suites go on', async (t) => {
  let running = 0;
  let maxRunning = 0;
  let slowRuns = 0;
  let fastRuns = 0;
  const s = new Scheduler({
    schedule: { slow: '* * * * * *', fast: '* * * * * *' },
    jitterMaxMs: 0,
    seed: 'p',
    log,
    run: async (suite) => {
      if (suite === 'fast') {
        fastRuns++;
        return;
      }
      running++;
      maxRunning = Math.max(maxRunning, running);
      slowRuns++;
      await sleep(2500);
      running--;
    },
  });
  s.start();
  await sleep(5300);
  const slow = s.status().find((x) => x.suite === 'slow')!;
  t.true(await s.stop(4000));
  t.is(maxRunning, 1, 'never two runs of the same suite at once');
  t.true(slow.skippedOverlap >= 2, `skipped ${slow.skippedOverlap}`);
  t.true(slowRuns >= 2 && slowRuns <= 3, `slow ran ${slowRuns} times`);
  t.true(fastRuns >= 4, `the other suite kept its schedule (${fastRuns} runs)`);
});

test('stop() aborts running suites and waits for them to checkpoint; a run that ignores the signal is left after the grace period', async (t) => {
  let aborted = false;
  let finished = false;
  const s = new Scheduler({
    schedule: { a: '* * * * * *' },
    jitterMaxMs: 0,
    seed: 'p',
    log,
    run: async (_suite, signal) => {
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      aborted = true;
      await sleep(200); // checkpoint
      finished = true;
    },
  });
  s.start();
  await sleep(1300);
  t.true(s.status()[0].running);
  t.true(await s.stop(5000), 'finished within the grace period');
  t.true(aborted && finished);

  const stubborn = new Scheduler({
    schedule: { a: '* * * * * *' },
    jitterMaxMs: 0,
    seed: 'p',
    log,
    run: () => sleep(3000),
  });
  stubborn.start();
  await sleep(1300);
  const at = Date.now();
  t.false(await stubborn.stop(300), 'reports that a run was still going');
  t.true(Date.now() - at < 1000, 'does not wait beyond the grace period');
  const runs = stubborn.status()[0].runs;
  await sleep(1200);
  t.is(stubborn.status()[0].runs, runs, 'no new runs after stop');
});
