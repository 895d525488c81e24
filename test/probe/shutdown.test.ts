/**
 * Graceful shutdown with real processes (the probe CLI and daemon, their real SQLite outbox, a collector
 * process): SIGTERM in the middle of a run over many loopback targets, some of them slow (the site holds their
 * responses). `run --once` and the daemon start no further target, let those in progress finish, record the
 * run as interrupted and exit by themselves (143 and 0); a second SIGTERM exits at once. Every time the outbox
 * passes SQLite's integrity check and holds only whole, schema-valid measurements, which a later upload
 * stores exactly once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { validateMeasurement } from '../../schemas/validate.ts';
import {
  collectorCounts,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  readOutbox,
  runProbe,
  spawnProbe,
  startCollector,
  tempDir,
  waitFor,
  writeJson,
} from '../e2e/harness.ts';
import { type HoldingSite, startHoldingSite } from '../helpers/holding-site.ts';

const TARGETS = 40;
const inputs = (site: HoldingSite) =>
  Array.from({ length: TARGETS }, (_, i) => `${site.url}?n=${i}${i % 5 === 4 ? '&hold' : ''}`);

function measured(dataDir: string): number {
  try {
    return readOutbox(dataDir).rows.length;
  } catch {
    return 0; // no outbox yet
  }
}

/** The outbox is intact, every row whole and valid; a later upload stores each exactly once. */
async function outboxIntactAndUploadsOnce(t: ExecutionContext, dataDir: string, args: string[], db: string) {
  const check = new Database(join(dataDir, 'outbox.sqlite'), { readonly: true, fileMustExist: true });
  t.is(check.pragma('integrity_check', { simple: true }), 'ok');
  check.close();
  const rows = readOutbox(dataDir).rows;
  for (const row of rows) {
    const v = validateMeasurement(JSON.parse(row.body ?? 'null'));
    t.true(v.ok, `${row.uid}: ${v.ok ? '' : v.error}`);
  }
  const collector = await startCollector(db);
  t.teardown(() => collector.stop());
  const up = await runProbe(['upload', ...args, '--collector', collector.url]);
  t.is(up.code, 0, up.stderr);
  await collector.stop();
  const stored = collectorCounts(db);
  t.deepEqual([...stored.keys()].sort(), rows.map((r) => r.uid).sort());
  t.deepEqual(
    [...stored.values()].filter((c) => c !== 1),
    [],
    'each stored once',
  );
  return rows;
}

async function setup(t: ExecutionContext, config: Record<string, unknown>) {
  const tmp = tempDir('raabta-shutdown-');
  const site = await startHoldingSite();
  t.teardown(async () => {
    await site.close();
    tmp.remove();
  });
  const dataDir = join(tmp.dir, 'probe');
  const suite = writeJson(join(tmp.dir, 'slow.json'), {
    name: 'slow',
    targets: inputs(site).map((input) => ({ input })),
  });
  const file = writeJson(join(tmp.dir, 'probe.json'), {
    schedule: { ...NO_DEFAULT_SUITES, [suite]: '* * * * * *' },
    ...config,
  });
  const args = ['--config', file, ...loopbackProbeArgs(site, dataDir, [])];
  return { tmp, site, dataDir, suite, args, db: join(tmp.dir, 'collector.db') };
}

/** Spawns the probe and waits until a slow target is in progress after a few measurements. */
async function midRun(t: ExecutionContext, s: Awaited<ReturnType<typeof setup>>, argv: string[]) {
  const p = spawnProbe([...argv, ...s.args]);
  t.teardown(() => {
    p.child.kill('SIGKILL');
  });
  await waitFor(
    'a slow target in progress after a few measurements',
    () => s.site.held() > 0 && measured(s.dataDir) >= 4,
    60_000,
    20,
  );
  return p;
}

test('run --once: SIGTERM mid-run starts no new target, lets those in progress finish, exits 143 by itself', async (t) => {
  t.timeout(120_000);
  const s = await setup(t, { step_timeout_ms: 1500, concurrency: 4 });
  const run = await midRun(t, s, ['run', '--once', '--no-upload', '--suite', s.suite]);
  run.child.kill('SIGTERM');
  const exit = await run.done;
  t.is(exit.signal, null, 'the probe exited by itself, not killed by the signal');
  t.is(exit.code, 143, exit.stderr.slice(-2000));
  t.regex(exit.stderr, /SIGTERM: finishing the targets in progress, starting no more/);
  t.regex(exit.stderr, /Interrupted: [1-9]\d* target\(s\) not started/);
  const o = readOutbox(s.dataDir);
  t.true(o.rows.length < TARGETS, `stopped mid-run (${o.rows.length} of ${TARGETS} measured)`);
  t.is(o.runs.length, 1);
  t.like(o.runs[0], { outcome: 'interrupted', measurements: o.rows.length });
  await outboxIntactAndUploadsOnce(t, s.dataDir, s.args, s.db);
});

test('daemon: SIGTERM mid-run lets the targets in progress finish, records the run as interrupted and exits 0', async (t) => {
  t.timeout(120_000);
  const s = await setup(t, { jitter_max_seconds: 0, step_timeout_ms: 1500, concurrency: 4 });
  const daemon = await midRun(t, s, ['start', '--no-upload']);
  daemon.child.kill('SIGTERM');
  const exit = await daemon.done;
  t.is(exit.signal, null);
  t.is(exit.code, 0, exit.stderr.slice(-2000));
  t.regex(exit.stderr, /"msg":"stopped"/);
  t.false(existsSync(join(s.dataDir, 'daemon.json')), 'the pid file is removed');
  const o = readOutbox(s.dataDir);
  t.is(o.runs.length, 1, 'no run started after the signal');
  t.like(o.runs[0], { outcome: 'interrupted', measurements: o.rows.length });
  t.true(o.rows.length < TARGETS, `stopped mid-run (${o.rows.length} of ${TARGETS})`);
  await outboxIntactAndUploadsOnce(t, s.dataDir, s.args, s.db);
});

test('run --once: a second SIGTERM exits at once without waiting for slow targets; the outbox stays intact', async (t) => {
  t.timeout(120_000);
  // slow targets would take a minute (the step timeout): the second signal must not wait for them
  const s = await setup(t, { step_timeout_ms: 60_000, concurrency: 4 });
  const run = await midRun(t, s, ['run', '--once', '--no-upload', '--suite', s.suite]);
  run.child.kill('SIGTERM');
  await waitFor('the first signal acknowledged', () => run.stderr().includes('starting no more'), 30_000, 20);
  run.child.kill('SIGTERM');
  const exit = await run.done;
  t.is(exit.signal, null);
  t.is(exit.code, 143, exit.stderr.slice(-2000));
  t.regex(exit.stderr, /second SIGTERM: exiting now/);
  const rows = await outboxIntactAndUploadsOnce(t, s.dataDir, s.args, s.db);
  t.true(rows.length < TARGETS, `stopped mid-run (${rows.length} of ${TARGETS})`);
  t.true(s.site.heldTotal() > 0, 'slow targets were in progress');
  t.deepEqual(
    rows
      .map((r) => (JSON.parse(r.body ?? '{}') as { input: string }).input)
      .filter((i) => i.includes('hold')),
    [],
    'the slow targets in progress were not waited for',
  );
});
