/**
 * Background jobs once at a time across collectors on one PostgreSQL database (collector/jobs/exclusive.ts):
 * two storages with their own connection pools stand for two collector processes, and a child process
 * holding the detection lock is killed with SIGKILL in the middle of its run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { startDetectJob } from '../../collector/jobs/detect-job.ts';
import { postgresLock } from '../../collector/jobs/exclusive.ts';
import { startPublishJob } from '../../collector/jobs/publish-datasets.ts';
import { openPostgresStorage, type PostgresStorage } from '../../collector/storage/postgres/index.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { sharedPostgres } from '../helpers/postgres.ts';

const CHILD = new URL('./pg-lock-child.ts', import.meta.url).pathname;
const silent = pino({ level: 'silent' });

async function twoCollectors(t: { teardown(fn: () => Promise<void>): void }) {
  const db = await createTestDatabase((await sharedPostgres()).url);
  t.teardown(() => db.drop());
  const open = async () => {
    const s = await openPostgresStorage({ url: db.url, maxConnections: 4 });
    t.teardown(() => s.close());
    return s;
  };
  return { url: db.url, a: await open(), b: await open() };
}

/** A detection job whose detector only counts its calls (no events: the lock is what is tested). */
function countingDetectJob(storage: PostgresStorage) {
  const calls = { n: 0 };
  const job = startDetectJob(storage, silent, {
    everyMs: 0,
    detect: () => {
      calls.n++;
      return [];
    },
  });
  return { job, calls };
}

test('while one collector runs detection the other skips its turn, takes other jobs, and runs once it is free', async (t) => {
  const { a, b } = await twoCollectors(t);
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let started = () => {};
  const running = new Promise<void>((r) => {
    started = r;
  });
  const holding = postgresLock(a.pool).run('detect', async () => {
    started();
    await gate;
    return 'a';
  });
  await running;

  const atB = countingDetectJob(b);
  t.is(await atB.job.runOnce(), 0);
  t.is(atB.calls.n, 0, 'B did not detect while A held the turn');
  t.is(
    await postgresLock(b.pool).run('publish-datasets', async () => 'b'),
    'b',
    'another job is not held up',
  );
  t.is(await postgresLock(b.pool).run('detect', async () => 'b'), null);

  release();
  t.is(await holding, 'a');
  await atB.job.runOnce();
  t.is(atB.calls.n, 1, 'B detects once A is done');
  const atA = countingDetectJob(a);
  await atA.job.runOnce();
  t.is(atA.calls.n, 1, 'and the lock was given back by B too');
});

test('two collectors starting detection at the same moment: exactly one of them runs it', async (t) => {
  const { a, b } = await twoCollectors(t);
  for (let round = 0; round < 5; round++) {
    let inside = 0;
    let most = 0;
    let skipped = 0;
    // the run that gets the turn holds it until the other two have been turned away (or 10 s have passed)
    const hold = async () => {
      most = Math.max(most, ++inside);
      for (let i = 0; i < 1000 && skipped < 2; i++) await new Promise((r) => setTimeout(r, 10));
      inside--;
      return true;
    };
    const attempt = (pool: PostgresStorage['pool']) =>
      postgresLock(pool)
        .run('detect', hold)
        .then((r) => {
          if (r === null) skipped++;
          return r;
        });
    const ran = await Promise.all([attempt(a.pool), attempt(b.pool), attempt(a.pool)]);
    t.is(ran.filter(Boolean).length, 1, `round ${round}: one run, the others skipped`);
    t.is(most, 1);
  }
});

test('a collector killed with SIGKILL mid-detection frees the turn: another collector takes over', async (t) => {
  const { url, b } = await twoCollectors(t);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, 'detect'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (String(d).includes('held')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before holding the lock: ${err}`)));
  });
  const atB = countingDetectJob(b);
  await atB.job.runOnce();
  t.is(atB.calls.n, 0, 'held by the child');

  child.kill('SIGKILL');
  await exited;
  // PostgreSQL ends the dead collector's session when its connection drops, which frees the lock
  for (let i = 0; i < 100 && atB.calls.n === 0; i++) {
    await atB.job.runOnce();
    if (atB.calls.n === 0) await new Promise((r) => setTimeout(r, 100));
  }
  t.is(atB.calls.n, 1, 'B ran detection after the holder died');
});

test('dataset publishing is one collector at a time too: the other does not touch the datasets directory', async (t) => {
  const { a, b } = await twoCollectors(t);
  const dir = mkdtempSync(join(tmpdir(), 'raabta-exclusive-'));
  t.teardown(async () => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'datasets');
  let release = () => {};
  let held = () => {};
  const holds = new Promise<void>((r) => {
    held = r;
  });
  const holding = postgresLock(a.pool).run(
    'publish-datasets',
    () =>
      new Promise<void>((r) => {
        release = r;
        held();
      }),
  );
  await holds;
  const atB = startPublishJob(b, silent, { datasetsDir: root, everyMs: 0 });
  t.teardown(() => atB.stop());
  t.deepEqual(await atB.runOnce(), { published: [], failed: [], pending: 0 });
  t.false(existsSync(root), 'a run would have created the root and its staging area');
  release();
  await holding;
  await atB.runOnce();
  t.true(existsSync(root), 'B publishes once A is done');
});

test('a job whose lock connection is terminated mid-run does not bring its collector down; the turn is free again', async (t) => {
  const { a, b } = await twoCollectors(t);
  let release = () => {};
  let held = () => {};
  const holds = new Promise<void>((r) => {
    held = r;
  });
  const holding = postgresLock(a.pool).run('detect', async () => {
    held();
    await new Promise<void>((r) => {
      release = r;
    });
    return 'a';
  });
  await holds;
  // the session holding the advisory lock ends (a DBA, a failover): its client is checked out and idle
  const killed = await b.pool.query<{ ok: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  t.deepEqual(
    killed.rows.map((r) => r.ok),
    [true],
  );
  let ranAtB: string | null = null;
  for (let i = 0; i < 100 && ranAtB === null; i++) {
    ranAtB = await postgresLock(b.pool).run('detect', async () => 'b');
    if (ranAtB === null) await new Promise((r) => setTimeout(r, 50));
  }
  t.is(ranAtB, 'b', 'the lock went with the session');
  release();
  t.is(
    await holding,
    'a',
    'the run at A finishes; its unlock fails quietly and the broken connection is dropped',
  );
  t.is((await a.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one, 1, 'A keeps working');
});
