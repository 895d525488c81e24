/**
 * Graceful shutdown of `raabta probe run --once` (a real probe process, its real SQLite outbox, a real
 * collector process): SIGTERM in the middle of a run over many loopback targets, some of them slow (their
 * responses held by the site). The probe starts no further target, lets the ones in progress finish, exits
 * by itself with 143, and leaves an outbox that passes SQLite's integrity check and holds only whole,
 * schema-valid measurements — which a later upload sends, each exactly once.
 */
import { join } from 'node:path';
import test from 'ava';
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
import { startHoldingSite } from '../helpers/holding-site.ts';

const TARGETS = 40;

test('SIGTERM mid-run: no new target starts, the process exits 143 by itself, the outbox is intact and uploads each measurement once', async (t) => {
  t.timeout(120_000);
  const tmp = tempDir('raabta-sigterm-');
  const site = await startHoldingSite();
  const db = join(tmp.dir, 'collector.db');
  t.teardown(async () => {
    await site.close();
    tmp.remove();
  });
  const dataDir = join(tmp.dir, 'probe');
  const config = writeJson(join(tmp.dir, 'probe.json'), {
    schedule: NO_DEFAULT_SUITES,
    step_timeout_ms: 1500,
    concurrency: 4,
  });
  // every fifth target is slow: the site holds its response until the probe's step timeout
  const targets = Array.from({ length: TARGETS }, (_, i) => [
    '--target',
    `${site.url}?n=${i}${i % 5 === 4 ? '&hold' : ''}`,
  ]).flat();
  const args = ['--config', config, ...loopbackProbeArgs(site, dataDir, [])];
  const run = spawnProbe(['run', '--once', '--no-upload', ...targets, ...args]);
  t.teardown(() => {
    run.child.kill('SIGKILL');
  });

  const measured = () => {
    try {
      return readOutbox(dataDir).rows.length;
    } catch {
      return 0; // no outbox file yet
    }
  };
  await waitFor(
    'a slow target in progress after a few measurements',
    () => site.held() > 0 && measured() >= 4,
    60_000,
    20,
  );
  run.child.kill('SIGTERM');
  const exit = await run.done;
  t.is(exit.signal, null, 'the probe exited by itself, not killed by the signal');
  t.is(exit.code, 143, exit.stderr.slice(-2000));
  t.regex(exit.stderr, /SIGTERM: finishing the targets in progress, starting no more/);
  t.regex(exit.stderr, /Interrupted: [1-9]\d* target\(s\) not started/);

  const file = join(dataDir, 'outbox.sqlite');
  const check = new Database(file, { readonly: true, fileMustExist: true });
  t.is(check.pragma('integrity_check', { simple: true }), 'ok');
  check.close();

  const outbox = readOutbox(dataDir);
  const n = outbox.rows.length;
  t.true(n >= 4 && n < TARGETS, `stopped mid-run (${n} of ${TARGETS} measured)`);
  for (const row of outbox.rows) {
    t.is(row.state, 'pending');
    const v = validateMeasurement(JSON.parse(row.body ?? 'null'));
    t.true(v.ok, `${row.uid}: ${v.ok ? '' : v.error}`);
  }
  t.is(outbox.runs.length, 1);
  t.is(outbox.runs[0].outcome, 'interrupted');
  t.is(outbox.runs[0].measurements, n, 'the run record counts what the outbox holds');

  const collector = await startCollector(db);
  t.teardown(() => collector.stop());
  const up = await runProbe([
    'upload',
    '--config',
    config,
    ...loopbackProbeArgs(site, dataDir, [collector.url]),
  ]);
  t.is(up.code, 0, up.stderr);
  await collector.stop();
  const stored = collectorCounts(db);
  t.deepEqual(
    [...stored.keys()].sort(),
    outbox.rows.map((r) => r.uid).sort(),
    'the collector has exactly these',
  );
  t.deepEqual(
    [...stored.values()].filter((c) => c !== 1),
    [],
    'each stored once',
  );
  t.deepEqual(
    readOutbox(dataDir).rows.filter((r) => r.state !== 'uploaded'),
    [],
    'all acknowledged',
  );
});
