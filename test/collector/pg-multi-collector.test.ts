/**
 * Two collector processes (the real CLI, real HTTP on port 0) on one PostgreSQL database: the same and
 * different signed batches go to both at once; then one is killed with SIGKILL mid-ingest while the other
 * keeps taking uploads, including the batches the dead one never answered (as a probe retries them at its
 * next collector). Every acknowledged measurement must be stored exactly once, nothing unsent may appear,
 * and the rollups must equal a recount from the raw rows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { sign } from 'node:crypto';
import test from 'ava';
import { openPostgresStorage } from '../../collector/storage/postgres/index.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { batchBody, http, registerProbe, type TestProbe } from './helpers.ts';

const CLI = new URL('../../collector/cli.ts', import.meta.url).pathname;

interface Child {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

async function startChild(db: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'start',
      '--port',
      '0',
      '--no-demo',
      '--uploads-per-minute',
      '1000000',
      '--workers',
      '1',
    ],
    // the database comes from the environment here (RAABTA_DB_URL), the way a deployment passes a secret
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RAABTA_LOG_LEVEL: 'warn', RAABTA_DB_URL: db },
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`collector exited early (${code}): ${err}`)));
  });
  return { child, url, exited };
}

let seq = 0;
function makeBatch(p: TestProbe, n: number) {
  const mine = seq++;
  const ms = Array.from({ length: n }, (_, i) =>
    sampleMeasurement({
      probe_id: p.probeId,
      // many batches share hours and seconds: rollup rows are contended by both collectors
      start: new Date(Date.UTC(2024, 10, 10, 8, 0, 0) + ((mine * n + i) % 5000) * 3_000),
      input: `https://site${i % 7}.example/`,
      target_group: `g${i % 3}`,
      verdict: i % 2 ? { status: 'ok', method: null } : { status: 'blocked', method: 'dns' },
    }),
  );
  return {
    probe: p,
    body: batchBody(p.probeId, ms),
    uids: ms.map((m) => m.measurement_uid),
    raw: ms.map((m) => JSON.stringify(m)),
  };
}
type Batch = ReturnType<typeof makeBatch>;

async function post(url: string, b: Batch): Promise<string[]> {
  const r = await http(`${url}/api/v1/measurements`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-raabta-probe-id': b.probe.probeId,
      'x-raabta-signature': sign(null, b.body, b.probe.privateKey).toString('base64'),
    },
    body: b.body,
  });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
  return (r.json.results as { status: string }[]).map((x) => x.status);
}

test('two collectors on one PostgreSQL: every acknowledged measurement once, through a SIGKILL of one', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.stop());
  const db = await createTestDatabase(pg.url);
  const children: Child[] = [];
  t.teardown(async () => {
    for (const c of children) {
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await c.exited;
    }
    await db.drop();
  });
  // both start at once on an empty database: one migrates, the other waits for it
  const [a, b] = await Promise.all([startChild(db.url), startChild(db.url)]);
  children.push(a, b);
  // a probe registered at one collector is known to the other (one database)
  const probes = [await registerProbe(a.url), await registerProbe(b.url), await registerProbe(a.url)];

  const sent = new Map<string, string>(); // uid → raw, everything ever sent
  const acked = new Set<string>();
  const record = (batch: Batch, statuses: string[]) => {
    for (const [i, u] of batch.uids.entries()) {
      t.true(statuses[i] === 'accepted' || statuses[i] === 'duplicate');
      acked.add(u);
    }
  };

  // phase 1: the same batches to both collectors at the same moment, and different ones to each
  let acceptedTwice = 0;
  let acceptedOnce = 0;
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let i = 0; i < 12; i++) {
        const same = makeBatch(probes[lane % 3], 40);
        const own = makeBatch(probes[(lane + 1) % 3], 40);
        for (const x of [same, own]) for (const [j, u] of x.uids.entries()) sent.set(u, x.raw[j]);
        const [ra, rb, ro] = await Promise.all([
          post(a.url, same),
          post(b.url, same),
          post(lane % 2 ? a.url : b.url, own),
        ]);
        record(same, ra);
        record(same, rb);
        record(own, ro);
        for (let j = 0; j < same.uids.length; j++) {
          const n = (ra[j] === 'accepted' ? 1 : 0) + (rb[j] === 'accepted' ? 1 : 0);
          if (n === 1) acceptedOnce++;
          else acceptedTwice += n === 2 ? 1 : 0;
        }
      }
    }),
  );
  t.is(acceptedTwice, 0, 'no measurement sent to both collectors was accepted by both');
  t.is(acceptedOnce, 4 * 12 * 40, 'each was accepted by exactly one of them');

  // phase 2: load on both, then SIGKILL A while its requests are in flight; B must keep serving. The lane
  // that reaches the threshold kills A right after handing its own request over, so at least that request is
  // in flight whatever the scheduling (the other lanes' requests may or may not have been answered by then).
  let killed = false;
  let failedAtA = 0;
  let failedAtB = 0;
  const unanswered: Batch[] = [];
  const lanes = Array.from({ length: 6 }, async (_, lane) => {
    const target = lane % 2 ? b : a;
    for (let i = 0; i < (target === b ? 40 : 1e9); i++) {
      if (target === a && killed) break;
      const x = makeBatch(probes[lane % 3], 50);
      for (const [j, u] of x.uids.entries()) sent.set(u, x.raw[j]);
      const killNow = target === a && !killed && acked.size >= sent.size * 0.3 + 4000;
      const reply = post(target.url, x);
      if (killNow) {
        killed = true;
        a.child.kill('SIGKILL');
      }
      try {
        record(x, await reply);
      } catch (err) {
        if (target === a && killed) {
          failedAtA++;
          unanswered.push(x);
        } else {
          failedAtB++;
          throw err;
        }
      }
    }
  });
  await Promise.all(lanes);
  await a.exited;
  t.true(failedAtA > 0, 'requests to the killed collector were in flight');
  t.is(failedAtB, 0, 'the other collector served every request meanwhile');
  // the probes retry what A never acknowledged at B: stored already (committed before the kill) or now
  for (const x of unanswered) record(x, await post(b.url, x));
  t.is((await http(`${b.url}/healthz`)).status, 200);

  const s = await openPostgresStorage({ url: db.url, maxConnections: 2 });
  t.teardown(() => s.close());
  const rows = await s.pool.query('SELECT uid FROM measurements');
  const stored = rows.rows.map((r) => r.uid as string);
  const storedSet = new Set(stored);
  t.is(storedSet.size, stored.length, 'no measurement stored twice');
  const missing = [...acked].filter((u) => !storedSet.has(u));
  t.deepEqual(missing, [], `all ${acked.size} acknowledged measurements are stored`);
  t.deepEqual(
    stored.filter((u) => !sent.has(u)),
    [],
    'nothing stored that was not sent',
  );
  t.is(stored.length, acked.size, 'everything sent was acknowledged in the end, and stored once');
  t.deepEqual(await s.verifyRollups(), [], 'rollups equal a recount from the raw rows');
  t.is((await s.stats()).measurements, stored.length, 'coverage counts agree');
  const day = await s.timeline({
    bucket: '1d',
    since_ms: Date.UTC(2024, 10, 1),
    until_ms: Date.UTC(2024, 11, 1),
    group_by: 'target_group',
    by_asn: false,
  });
  const total = day.reduce((n, c) => n + Object.values(c.counts).reduce((x, y) => x + y, 0), 0);
  t.is(total, stored.length, 'the daily timeline adds up to the stored measurements');
  for (const [uid, raw] of [...sent.entries()].filter((_, i) => i % 211 === 0)) {
    t.is((await s.getMeasurement(uid))?.raw.toString('utf8'), raw);
  }
  b.child.kill('SIGTERM');
  await b.exited;
});
