/**
 * kill -9 mid-ingest: every acknowledged measurement survives exactly once, and the rollups still equal a
 * recount from the raw rows. A child process runs the collector on a temp SQLite file (WAL, synchronous
 * normal), or with RAABTA_TEST_STORAGE=postgres on a fresh PostgreSQL database (committed = acknowledged).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { sign } from 'node:crypto';
import test from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { batchBody, http, registerProbe, type TestProbe, tempDir, testDb } from './helpers.ts';

const CLI = new URL('../../collector/cli.ts', import.meta.url).pathname;

async function startChild(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'start',
      '--db',
      db,
      '--port',
      '0',
      '--no-demo',
      '--uploads-per-minute',
      '100000',
      '--workers',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAABTA_LOG_LEVEL: 'warn' } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`collector exited early (${code})`)));
  });
  return { child, url };
}

async function send(url: string, p: TestProbe, n: number, seq: number) {
  const ms = Array.from({ length: n }, (_, i) =>
    sampleMeasurement({
      probe_id: p.probeId,
      start: new Date(Date.UTC(2024, 10, 10, 8, 0, 0) + (seq * n + i) * 7_000),
      input: `https://site${i % 7}.example/`,
      target_group: `g${i % 3}`,
      verdict: i % 2 ? { status: 'ok', method: null } : { status: 'blocked', method: 'dns' },
    }),
  );
  const body = batchBody(p.probeId, ms);
  const r = await http(`${url}/api/v1/measurements`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-raabta-probe-id': p.probeId,
      'x-raabta-signature': sign(null, body, p.privateKey).toString('base64'),
    },
    body,
  });
  return { r, uids: ms.map((m) => m.measurement_uid), raw: ms.map((m) => JSON.stringify(m)) };
}

test('every acknowledged measurement survives kill -9 exactly once, with consistent rollups', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const database = await testDb(tmp.dir, 'crash.db');
  t.teardown(() => database.drop());
  const db = database.db;
  const first = await startChild(db);
  const probes = await Promise.all([0, 1, 2, 3].map(() => registerProbe(first.url)));
  const acked = new Map<string, string>();
  let seq = 0;
  let killed = false;
  let failures = 0;
  const loops = Array.from({ length: 8 }, async (_, lane) => {
    while (!killed) {
      const mine = seq++;
      // the lane that sees enough acknowledged kills the collector right after handing over its own request,
      // so at least that one is in flight whatever the scheduling
      const killNow = acked.size >= 40 * 50;
      const sending = send(first.url, probes[lane % probes.length], 50, mine);
      if (killNow && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
      try {
        const { r, uids, raw } = await sending;
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
        for (const [i, u] of uids.entries()) acked.set(u, raw[i]);
      } catch (err) {
        if (!killed) throw err;
        failures++;
      }
    }
  });
  // some batches go through, then a lane kills the collector without warning while requests are in flight
  await Promise.all(loops);
  await new Promise((r) =>
    first.child.exitCode !== null || first.child.signalCode ? r(null) : first.child.once('exit', r),
  );
  t.true(failures > 0, 'requests were in flight when the process died');

  const second = await startChild(db);
  t.is((await http(`${second.url}/healthz`)).status, 200, 'restarts on the same file');
  const again = await send(second.url, probes[0], 10, seq + 1000);
  t.is(again.r.status, 200, 'and accepts uploads again');
  for (const [i, u] of again.uids.entries()) acked.set(u, again.raw[i]);
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));

  const stored = new Map<string, number>();
  for (const r of await database.query<{ uid: string; n: number | string }>(
    'SELECT uid, count(*) AS n FROM measurements GROUP BY uid',
  ))
    stored.set(r.uid, Number(r.n));
  let missing = 0;
  let duplicated = 0;
  for (const uid of acked.keys()) {
    const n = stored.get(uid) ?? 0;
    if (n === 0) missing++;
    if (n > 1) duplicated++;
  }
  t.is(missing, 0, `all ${acked.size} acknowledged measurements are stored`);
  t.is(duplicated, 0);
  const storage = await database.open();
  t.teardown(() => storage.close());
  t.deepEqual(await storage.verifyRollups(), [], 'rollups equal a recount from raw rows');
  const sample = [...acked.entries()].filter((_, i) => i % 97 === 0);
  for (const [uid, raw] of sample) t.is((await storage.getMeasurement(uid))?.raw.toString('utf8'), raw);
});
