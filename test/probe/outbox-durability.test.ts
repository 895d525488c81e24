/**
 * The durable outbox against real processes: the probe daemon (`probe start`) and CLI, a collector process on
 * a temp SQLite file, the probe's real SQLite outbox. Measurements are never lost and never stored twice:
 * not while the collector is away, not when the probe is killed between the collector's commit and its
 * acknowledgement.
 */
import { join } from 'node:path';
import test from 'ava';
import {
  collectorCounts,
  LOOPBACK_ALLOW,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  readOutbox,
  runProbe,
  spawnProbe,
  startCollector,
  startHoldingRelay,
  startLoopbackTarget,
  tempDir,
  waitFor,
  writeJson,
} from '../e2e/harness.ts';

test('collector stopped for many runs and failed upload rounds: when it returns every measurement arrives exactly once', async (t) => {
  t.timeout(100_000);
  const tmp = tempDir('raabta-outbox-away-');
  const target = await startLoopbackTarget();
  const db = join(tmp.dir, 'collector.db');
  let collector = await startCollector(db);
  const { port, url } = collector;
  t.teardown(async () => {
    await collector.stop();
    await target.close();
    tmp.remove();
  });
  await collector.stop(); // away from the start: the probe has never reached it
  const dataDir = join(tmp.dir, 'probe');
  const suite = writeJson(join(tmp.dir, 'loop.json'), { name: 'loop', targets: [{ input: target.url }] });
  const config = writeJson(join(tmp.dir, 'probe.json'), {
    schedule: { ...NO_DEFAULT_SUITES, [suite]: '*/2 * * * * *' },
    jitter_max_seconds: 1,
    upload_schedule: '* * * * * *',
    upload_retry_min_seconds: 0.5,
    upload_retry_max_seconds: 1,
    step_timeout_ms: 2000,
  });
  const daemon = spawnProbe(['start', '--config', config, ...loopbackProbeArgs(target, dataDir, [url])]);
  t.teardown(() => {
    daemon.child.kill('SIGKILL');
  });

  const pending = () => readOutbox(dataDir).rows.filter((r) => r.state === 'pending').length;
  const failedRounds = () =>
    readOutbox(dataDir).attempts.filter((a) => a.error_code === 'connection_refused').length;
  await waitFor(
    'six measurements kept while the collector is away',
    () => {
      try {
        return pending() >= 6 && failedRounds() >= 3;
      } catch {
        return false; // the outbox file does not exist yet
      }
    },
    60_000,
    250,
  );
  const away = readOutbox(dataDir);
  t.true(
    away.rows.every((r) => r.state === 'pending'),
    'nothing is marked uploaded while unacknowledged',
  );
  t.true(
    new Set(away.runs.map((r) => r.suite)).size === 1 && away.runs.length >= 6,
    'the schedule kept going',
  );

  const status = await runProbe(['status', '--config', config, '--data-dir', dataDir, '--collector', url]);
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /Daemon: running/);
  t.regex(status.stdout, /Outbox: \d+ pending \(oldest/);
  t.regex(status.stdout, /Last upload error: .*could not reach .*the connection was refused/);

  collector = await startCollector(db, { port });
  await waitFor(
    'the outbox to drain',
    () =>
      readOutbox(dataDir)
        .rows.filter((r) => r.uid && away.rows.some((a) => a.uid === r.uid))
        .every((r) => r.state === 'uploaded'),
    30_000,
    250,
  ).catch((err: Error) => {
    t.log(JSON.stringify(readOutbox(dataDir).attempts.slice(-3)), daemon.stderr().slice(-3000));
    throw err;
  });
  daemon.child.kill('SIGTERM');
  const exit = await daemon.done;
  t.is(exit.code, 0, `graceful exit on SIGTERM: ${exit.stderr.slice(-2000)}`);
  // whatever was measured after the last automatic round goes now (idempotent)
  const flush = await runProbe([
    'upload',
    '--config',
    config,
    '--data-dir',
    dataDir,
    '--collector',
    url,
    '--allow',
    LOOPBACK_ALLOW,
  ]);
  t.is(flush.code, 0, flush.stderr);
  await collector.stop();

  const outbox = readOutbox(dataDir);
  const stored = collectorCounts(db);
  t.true(outbox.rows.length >= 6);
  t.deepEqual(
    outbox.rows.filter((r) => r.state !== 'uploaded').map((r) => r.uid),
    [],
    'every measurement was acknowledged',
  );
  t.deepEqual(
    [...stored.keys()].sort(),
    outbox.rows.map((r) => r.uid).sort(),
    'the collector has exactly these',
  );
  t.deepEqual(
    [...stored.values()].filter((n) => n !== 1),
    [],
    'each stored once',
  );
  t.true(outbox.attempts.some((a) => a.outcome === 'ok' && Number(a.accepted) > 0));
});

test('probe SIGKILLed after the collector committed a batch but before it saw the acknowledgement: nothing lost, nothing duplicated', async (t) => {
  t.timeout(100_000);
  const tmp = tempDir('raabta-outbox-kill-');
  const target = await startLoopbackTarget();
  const db = join(tmp.dir, 'collector.db');
  const collector = await startCollector(db);
  const relay = await startHoldingRelay(collector.port);
  t.teardown(async () => {
    await relay.close();
    await collector.stop();
    await target.close();
    tmp.remove();
  });
  const dataDir = join(tmp.dir, 'probe');
  const config = writeJson(join(tmp.dir, 'probe.json'), { batch_size: 2, schedule: NO_DEFAULT_SUITES });
  const args = ['--config', config, ...loopbackProbeArgs(target, dataDir, [relay.url])];
  const targets = Array.from({ length: 12 }, (_, i) => ['--target', `${target.url}?n=${i}`]).flat();
  const measured = await runProbe(['run', '--once', '--no-upload', ...targets, ...args]);
  t.is(measured.code, 0, measured.stderr);
  const uids = readOutbox(dataDir).rows.map((r) => r.uid);
  t.is(uids.length, 12);

  const upload = spawnProbe(['upload', ...args]);
  t.teardown(() => {
    upload.child.kill('SIGKILL');
  });
  // Let responses through one at a time until the collector has stored at least two batches and a
  // response is waiting: that batch is committed, and the probe has not seen its acknowledgement.
  await waitFor(
    'a committed batch whose acknowledgement is held',
    () => {
      if (relay.held() === 0) return false;
      if ((collectorCounts(db).size ?? 0) >= 4) return true;
      relay.release();
      return false;
    },
    60_000,
    50,
  );
  upload.child.kill('SIGKILL');
  const killed = await upload.done;
  t.is(killed.signal, 'SIGKILL');
  const storedAtKill = collectorCounts(db).size;
  const atKill = readOutbox(dataDir);
  const uploadedAtKill = atKill.rows.filter((r) => r.state === 'uploaded').length;
  t.true(storedAtKill > uploadedAtKill, 'the collector holds measurements the probe still has as pending');
  t.true(storedAtKill < 12, 'killed mid-upload, not after it');

  relay.passThrough();
  const again = await runProbe(['upload', ...args]);
  t.is(again.code, 0, again.stderr);
  const outbox = readOutbox(dataDir);
  const stored = collectorCounts(db);
  t.deepEqual(
    outbox.rows.map((r) => r.state),
    Array(12).fill('uploaded'),
  );
  t.deepEqual([...stored.keys()].sort(), [...uids].sort(), 'all twelve, none lost');
  t.deepEqual(
    [...stored.values()].filter((n) => n !== 1),
    [],
    'none stored twice',
  );
  t.is(
    outbox.rows.filter((r) => r.ack_status === 'duplicate').length,
    storedAtKill - uploadedAtKill,
    'the batch committed before the kill was acknowledged as a duplicate on retry',
  );
});
