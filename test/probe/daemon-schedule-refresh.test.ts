/**
 * The probe daemon follows the central schedule without a restart: the real collector CLI serving an operator's
 * check-in directory (`--check-in-dir`, reloaded on SIGHUP) and the real probe daemon (`raabta probe start`,
 * guard 127.0.0.0/8, check-in every second) measuring a loopback HTTPS site. Runs are read from the probe's
 * outbox (`runs`), schedule changes from its log. The operator changes the schedule → the next check-in adds,
 * changes and withdraws suites; the volunteer's own crons (or null) stay; a centrally added suite in a risky
 * category the volunteer did not enable measures nothing; with the collector away the schedule in force stays.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  type LoopbackTarget,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  readOutbox,
  spawnProbe,
  startCollector,
  startLoopbackTarget,
  tempDir,
  waitFor,
} from '../e2e/harness.ts';

let tmp: ReturnType<typeof tempDir>;
let target: LoopbackTarget;
/** paths (with query) the loopback site was asked for */
const requested: string[] = [];

test.before(async () => {
  tmp = tempDir('raabta-schedule-refresh-');
  target = await startLoopbackTarget();
  target.https.on('request', (req) => requested.push(req.url ?? ''));
});
test.after.always(async () => {
  await target?.close();
  tmp?.remove();
});

const EVERY_SECOND = '* * * * * *';

function suite(name: string, q: string, category = 'NEWS') {
  const t = { input: `${target.url}?${q}`, kind: 'web', suite: name, group: name, category_code: category };
  return { suite: name, version: '2026-01-01', targets: [t] };
}

function put(dir: string, rel: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, rel), JSON.stringify(value, null, 2));
}

type Run = {
  suite: string;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  measurements: number;
};
type LogLine = { msg: string; time: number; suite?: string; change?: string; source?: string };

/** A collector on `name`'s check-in directory and a daemon checking in every second; both stopped at the end. */
async function setup(t: ExecutionContext, name: string, files: Record<string, unknown>, config = {}) {
  const dir = join(tmp.dir, `lists-${name}`);
  for (const [rel, value] of Object.entries(files)) put(dir, rel, value);
  const collector = await startCollector(join(tmp.dir, `${name}.db`), { extra: ['--check-in-dir', dir] });
  t.teardown(() => collector.stop());
  const dataDir = join(tmp.dir, `probe-${name}`);
  const configFile = join(tmp.dir, `${name}-config.json`);
  writeFileSync(
    configFile,
    JSON.stringify({ jitter_max_seconds: 0, check_in_interval_seconds: 1, ...config }, null, 2),
  );
  const daemon = spawnProbe([
    'start',
    '--config',
    configFile,
    ...loopbackProbeArgs(target, dataDir, [collector.url]),
  ]);
  t.teardown(async () => {
    daemon.child.kill('SIGKILL');
    await daemon.done;
  });
  const logs = () =>
    daemon
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const runs = (s?: string): Run[] => {
    try {
      return (readOutbox(dataDir).runs as Run[]).filter((r) => s === undefined || r.suite === s);
    } catch {
      return []; // the outbox is not there yet
    }
  };
  /** rewrites the central schedule and tells the collector to re-read its directory */
  const changeSchedule = (schedule: Record<string, string>) => {
    put(dir, 'schedule.json', schedule);
    collector.child.kill('SIGHUP');
  };
  const changeLine = (s: string, change: string) =>
    logs().find(
      (l) => l.msg.startsWith('schedule changed at check-in') && l.suite === s && l.change === change,
    );
  return { collector, daemon, dataDir, logs, runs, changeSchedule, changeLine };
}

test.serial(
  "a changed central schedule reaches the running daemon at its next check-in: a new suite runs, a withdrawn one stops, the volunteer's own crons stay",
  async (t) => {
    t.timeout(60_000);
    const p = await setup(
      t,
      'change',
      {
        'alpha.json': suite('alpha', 'alpha'),
        'beta.json': suite('beta', 'beta'),
        'gamma.json': suite('gamma', 'gamma'),
        'delta.json': suite('delta', 'delta'),
        'schedule.json': { alpha: EVERY_SECOND, gamma: EVERY_SECOND, delta: EVERY_SECOND },
      },
      // gamma: the volunteer's own cron (1 January only); delta: turned off by the volunteer
      { schedule: { ...NO_DEFAULT_SUITES, gamma: '0 0 1 1 *', delta: null } },
    );
    await waitFor('alpha to run on the central schedule', () =>
      p.runs('alpha').some((r) => r.measurements > 0),
    );
    t.is(p.runs('beta').length, 0, 'beta is not on the central schedule yet');

    p.changeSchedule({ beta: EVERY_SECOND, gamma: '*/2 * * * * *', delta: '*/2 * * * * *' });
    await waitFor(
      'the daemon to add beta and withdraw alpha',
      () => !!p.changeLine('beta', 'added') && !!p.changeLine('alpha', 'removed'),
    );
    const removedAt = p.changeLine('alpha', 'removed')!.time;
    t.like(p.changeLine('beta', 'added'), { source: 'central' });
    // both every second: had alpha stayed on the schedule, it would have run beside beta
    await waitFor('two runs of beta', () => p.runs('beta').filter((r) => r.measurements > 0).length >= 2);

    t.deepEqual(
      p.runs('alpha').filter((r) => r.started_at > removedAt),
      [],
      'no run of alpha started after it was withdrawn',
    );
    t.true(requested.includes('/?beta'), 'the new suite measured the site');
    t.deepEqual(p.runs('gamma'), [], "the volunteer's cron for gamma is kept, whatever the central one says");
    t.deepEqual(p.runs('delta'), [], 'a suite the volunteer turned off stays off');
    const changed = p.logs().filter((l) => l.msg.startsWith('schedule changed at check-in'));
    t.deepEqual(changed.map((l) => `${l.suite} ${l.change}`).sort(), ['alpha removed', 'beta added']);
  },
);

test.serial(
  'a suite the central schedule adds in a risky category the volunteer did not enable measures nothing',
  async (t) => {
    t.timeout(60_000);
    const p = await setup(
      t,
      'risky',
      {
        'adult.json': suite('adult', 'adult-porn', 'PORN'),
        'papers.json': suite('papers', 'papers'),
        'schedule.json': {},
      },
      { schedule: NO_DEFAULT_SUITES },
    );
    await waitFor('the daemon to start', () => p.logs().some((l) => l.msg === 'probe daemon started'));
    p.changeSchedule({ adult: EVERY_SECOND, papers: EVERY_SECOND });
    await waitFor(
      'both suites on the schedule',
      () => !!p.changeLine('adult', 'added') && !!p.changeLine('papers', 'added'),
    );
    await waitFor(
      'two runs of each',
      () => p.runs('adult').length >= 2 && p.runs('papers').filter((r) => r.measurements > 0).length >= 2,
    );

    t.true(requested.includes('/?papers'), 'the suite without risky targets measured');
    t.false(requested.includes('/?adult-porn'), 'the PORN target was never requested');
    for (const r of p.runs('adult')) t.like(r, { outcome: 'skipped_risky', measurements: 0 });
    t.true(
      p
        .logs()
        .some(
          (l) =>
            l.suite === 'adult' &&
            /run skipped: every target is in a risky category not enabled \(PORN\)/.test(l.msg),
        ),
    );
  },
);

test.serial(
  'with the collector away at check-in the schedule in force stays, even without a cached copy on disk',
  async (t) => {
    t.timeout(60_000);
    const p = await setup(
      t,
      'away',
      { 'alpha.json': suite('alpha', 'away-alpha'), 'schedule.json': { alpha: EVERY_SECOND } },
      { schedule: NO_DEFAULT_SUITES },
    );
    await waitFor('alpha to run', () => p.runs('alpha').some((r) => r.measurements > 0));
    await p.collector.stop();
    rmSync(join(p.dataDir, 'check-in.json'));
    await waitFor(
      'two failed check-ins',
      () => p.logs().filter((l) => l.msg.startsWith('check-in failed: the schedule in force')).length >= 2,
    );
    const failedAt = p.logs().find((l) => l.msg.startsWith('check-in failed: the schedule in force'))!.time;
    await waitFor(
      'two runs of alpha after a failed check-in',
      () => p.runs('alpha').filter((r) => r.started_at > failedAt && r.finished_at !== null).length >= 2,
    );

    const after = p.runs('alpha').filter((r) => r.started_at > failedAt && r.finished_at !== null);
    for (const r of after)
      t.like(r, { outcome: 'ok', measurements: 1 }, 'the central suite is still measured');
    t.false(
      p.logs().some((l) => l.msg.startsWith('schedule changed at check-in')),
      'nothing dropped',
    );
  },
);
