/**
 * The probe's two budgets, through the real CLI (`raabta probe run --once`, `status`) and its real outbox:
 * the disk budget (`outbox_max_mb`: oldest unacknowledged measurements dropped first, each logged, recorded
 * and counted in status) and the daily bandwidth budget (`daily_bandwidth_mb`: no target is started once
 * today's estimated bytes reach it, in `run --once` and in the daemon's scheduled runs; the run says so and
 * records the bytes it used).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import {
  type LoopbackTarget,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  readOutbox,
  runProbe,
  spawnProbe,
  startLoopbackTarget,
  tempDir,
  waitFor,
  writeJson,
} from '../e2e/harness.ts';

function setup(t: { teardown(fn: () => unknown): void }, config: Record<string, unknown>) {
  const tmp = tempDir('raabta-budget-');
  const state = { target: null as LoopbackTarget | null };
  t.teardown(async () => {
    await state.target?.close();
    tmp.remove();
  });
  const file = writeJson(join(tmp.dir, 'probe.json'), { schedule: NO_DEFAULT_SUITES, ...config });
  return { tmp, state, config: file, dataDir: join(tmp.dir, 'probe') };
}

const targetsArgs = (url: string, n: number) =>
  Array.from({ length: n }, (_, i) => ['--target', `${url}?n=${i}`]).flat();

test('outbox over its disk budget: the oldest measurements are dropped first, each logged, recorded and counted in status', async (t) => {
  t.timeout(90_000);
  // one loopback measurement is a few KB: 12 KB holds only a few of ten
  const s = setup(t, { outbox_max_mb: 12 / 1024, concurrency: 2 });
  const target = await startLoopbackTarget();
  s.state.target = target;
  const out = join(s.tmp.dir, 'made.jsonl');
  const args = ['--config', s.config, ...loopbackProbeArgs(target, s.dataDir, [])];
  const run = await runProbe([
    'run',
    '--once',
    '--no-upload',
    '--output',
    out,
    ...targetsArgs(target.url, 10),
    ...args,
  ]);
  t.is(run.code, 0, run.stderr);

  // --output lists the measurements in the order they entered the outbox
  const made = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { measurement_uid: string }).measurement_uid);
  t.is(made.length, 10);
  const kept = readOutbox(s.dataDir).rows.map((r) => r.uid);
  const db = new Database(join(s.dataDir, 'outbox.sqlite'), { readonly: true });
  const drops = db.prepare('SELECT uid, reason FROM drops ORDER BY id').all() as {
    uid: string;
    reason: string;
  }[];
  const held = (
    db.prepare("SELECT SUM(bytes) AS b FROM measurements WHERE state != 'uploaded'").get() as { b: number }
  ).b;
  db.close();
  t.true(drops.length > 0 && kept.length > 0, `${drops.length} dropped, ${kept.length} kept`);
  t.deepEqual(
    drops.map((d) => d.uid),
    made.slice(0, drops.length),
    'the oldest went first, in order',
  );
  t.deepEqual(kept, made.slice(drops.length), 'the newest are kept');
  t.true(held <= 12 * 1024, `the outbox holds ${held} bytes, within its budget`);
  t.regex(drops[0].reason, /outbox over its budget of 12288 bytes/);
  const logged = run.stderr
    .split('\n')
    .filter((l) => l.includes('outbox over budget: dropped the oldest measurement'));
  t.is(logged.length, drops.length, 'each drop is logged');
  for (const d of drops)
    t.true(
      logged.some((l) => l.includes(d.uid)),
      `drop of ${d.uid} logged`,
    );

  const status = await runProbe(['status', '--config', s.config, '--data-dir', s.dataDir]);
  t.is(status.code, 0, status.stderr);
  t.regex(
    status.stdout,
    new RegExp(`Outbox: ${kept.length} pending .*, ${drops.length} dropped over the disk budget`),
  );
});

test('daily bandwidth budget: the run stops starting targets, says so, records the bytes it used; a later run the same day starts none', async (t) => {
  t.timeout(90_000);
  const s = setup(t, { daily_bandwidth_mb: 30 / 1024, concurrency: 1 });
  const target = await startLoopbackTarget();
  s.state.target = target;
  const args = ['--config', s.config, ...loopbackProbeArgs(target, s.dataDir, [])];
  const first = await runProbe(['run', '--once', '--no-upload', ...targetsArgs(target.url, 20), ...args]);
  t.is(first.code, 0, first.stderr);
  const m =
    /Stopped early: daily bandwidth budget of [\d.]+ MB reached: (\d+) of 20 target\(s\) not started/.exec(
      first.stderr,
    );
  t.truthy(m, first.stderr);
  t.regex(first.stderr, /daily bandwidth budget reached: no more targets started today/);
  const notStarted = Number(m?.[1]);
  const o = readOutbox(s.dataDir);
  t.true(notStarted > 0 && o.rows.length > 0, `${o.rows.length} measured, ${notStarted} not started`);
  t.is(o.rows.length + notStarted, 20);
  t.is(o.runs[0].outcome, 'budget_reached');
  t.is(o.runs[0].measurements, o.rows.length);
  const bytes = Number(o.runs[0].bytes);
  t.true(bytes >= 30 * 1024, `the run recorded ${bytes} bytes, at least the budget`);

  // two groups (the --target list and a suite file): once the first stops for the budget, the second is not run
  const suite = writeJson(join(s.tmp.dir, 'more.json'), { name: 'more', targets: [{ input: target.url }] });
  const second = await runProbe([
    'run',
    '--once',
    '--no-upload',
    ...targetsArgs(target.url, 3),
    '--suite',
    suite,
    ...args,
  ]);
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /0 measurement\(s\) written/);
  t.regex(second.stderr, /budget of [\d.]+ MB reached: 4 of 4 target\(s\) not started/);
  const runs = readOutbox(s.dataDir).runs;
  t.is(runs.length, 2, 'the second group started no run');
  t.like(runs[1], { outcome: 'budget_reached', measurements: 0, bytes: 0 });

  const status = await runProbe(['status', '--config', s.config, '--data-dir', s.dataDir, '--json']);
  const st = JSON.parse(status.stdout) as { bytes_today: number; daily_budget_mb: number };
  t.is(st.bytes_today, bytes, 'status counts the bytes used today');
  t.is(st.daily_budget_mb, 30 / 1024);
});

test('daemon: a scheduled run stops starting targets at the daily bandwidth budget; the runs after it are skipped and status shows why', async (t) => {
  t.timeout(90_000);
  const target = await startLoopbackTarget();
  const tmp = tempDir('raabta-budget-daemon-');
  t.teardown(async () => {
    await target.close();
    tmp.remove();
  });
  const inputs = Array.from({ length: 20 }, (_, i) => ({ input: `${target.url}?n=${i}` }));
  const suite = writeJson(join(tmp.dir, 'many.json'), { name: 'many', targets: inputs });
  const config = writeJson(join(tmp.dir, 'probe.json'), {
    schedule: { ...NO_DEFAULT_SUITES, [suite]: '*/2 * * * * *' },
    jitter_max_seconds: 0,
    daily_bandwidth_mb: 30 / 1024,
    concurrency: 1,
  });
  const dataDir = join(tmp.dir, 'probe');
  const args = ['--config', config, ...loopbackProbeArgs(target, dataDir, [])];
  const daemon = spawnProbe(['start', '--no-upload', ...args]);
  t.teardown(() => {
    daemon.child.kill('SIGKILL');
  });
  const runs = () => {
    try {
      return readOutbox(dataDir).runs.filter((r) => r.finished_at !== null);
    } catch {
      return []; // no outbox yet
    }
  };
  await waitFor('a budget-reached run and a skipped one', () => runs().length >= 2, 60_000, 100);
  const status = await runProbe(['status', ...args]);
  daemon.child.kill('SIGTERM');
  t.is((await daemon.done).code, 0);
  const [first, second] = runs();
  const o = readOutbox(dataDir);
  t.like(first, { outcome: 'budget_reached', measurements: o.rows.length });
  t.true(o.rows.length > 0 && o.rows.length < 20, `${o.rows.length} of 20 measured`);
  t.regex(
    String(first.error),
    /daily bandwidth budget of [\d.]+ MB reached: \d+ of 20 target\(s\) not started/,
  );
  t.like(second, { outcome: 'skipped_budget', measurements: 0 });
  t.regex(daemon.stderr(), /daily bandwidth budget reached: no more targets started today/);
  t.regex(status.stdout, /Bandwidth today: [\d.]+ MB of [\d.]+ MB/);
  t.regex(status.stdout, /last .* ago: (budget_reached|skipped_budget), .*\(daily bandwidth budget/);
});
