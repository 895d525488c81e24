/**
 * For test/collector/pg-read-replica.test.ts: a throw-away PostgreSQL primary (replication on) and its hot
 * standby made with pg_basebackup (collector/storage/postgres/server.ts), one pair per test process, and the
 * collectors, uploads and CLI runs the tests use on them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import pino from 'pino';
import { type RunningCollector, type StartOptions, start } from '../../collector/server.ts';
import { createPool } from '../../collector/storage/postgres/pool.ts';
import {
  type PgServer,
  startStreamingStandby,
  startThrowawayPostgres,
} from '../../collector/storage/postgres/server.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { http, type TestProbe, upload } from './helpers.ts';

export const CLI = new URL('../../collector/cli.ts', import.meta.url).pathname;
export const silent = pino({ level: 'silent' });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: Promise<{ primary: PgServer; standby: PgServer }> | undefined;
/** The primary and its streaming standby, started on first use (both also stop at process exit). */
function replicated() {
  cluster ??= (async () => {
    const primary = await startThrowawayPostgres({ replication: true, maxConnections: 100 });
    return { primary, standby: await startStreamingStandby(primary) };
  })();
  return cluster;
}
test.after.always(async () => {
  const c = await cluster?.catch(() => undefined);
  c?.standby.stop();
  c?.primary.stop();
});

export async function waitFor<T>(what: string, fn: () => Promise<T | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : last}`);
    await sleep(100);
  }
}

/** A fresh database on the primary, its URL on the standby, and SQL on either (all dropped after the test). */
export async function database(t: ExecutionContext) {
  const { primary, standby } = await replicated();
  const db = await createTestDatabase(primary.url, 'raabta_replica');
  t.teardown(() => db.drop());
  const replicaUrl = Object.assign(new URL(db.url), { port: new URL(standby.url).port }).toString();
  const sql = (url: string) => {
    const pool = createPool(url, { max: 1, applicationName: 'raabta-test' });
    t.teardown(() => pool.end());
    return {
      engine: 'postgres' as const,
      query: async <T = Record<string, unknown>>(q: string, params: unknown[] = []) => {
        let n = 0;
        return (
          await pool.query(
            q.replace(/\?/g, () => `$${++n}`),
            params,
          )
        ).rows as T[];
      },
    };
  };
  const onPrimary = sql(db.url);
  const onReplica = sql(replicaUrl);
  const version = async (on: typeof onPrimary) =>
    (await on.query<{ v: number }>('SELECT max(version)::int AS v FROM raabta_schema'))[0].v;
  /** waits until the standby has replayed the schema version of the primary (> 0: a collector migrated it) */
  const schemaOnReplica = async (): Promise<number> => {
    const v = await version(onPrimary);
    if (!(v > 0)) throw new Error('the database on the primary has no schema');
    await waitFor(`schema version ${v} on the replica`, async () => (await version(onReplica)) === v);
    return v;
  };
  return { url: db.url, replicaUrl, onPrimary, onReplica, schemaOnReplica };
}

export async function collector(t: ExecutionContext, o: Partial<StartOptions> & { db: string }) {
  // no background jobs unless a test asks for them (a detection run could write to the database)
  const c = await start({
    port: 0,
    demo: false,
    prepareWorkers: 0,
    log: silent,
    dashboardDir: null,
    detectEveryMs: 0,
    publishDatasetsEveryMs: 0,
    ...o,
  });
  t.teardown(() => c.close());
  return c;
}

export function batch(p: TestProbe, n: number, hour: number) {
  return Array.from({ length: n }, (_, i) =>
    sampleMeasurement({
      probe_id: p.probeId,
      start: new Date(Date.UTC(2024, 10, 10, hour, i)),
      verdict: i % 2 ? { status: 'ok', method: null } : { status: 'blocked', method: 'dns' },
    }),
  );
}

export async function ingest(
  t: ExecutionContext,
  c: RunningCollector,
  p: TestProbe,
  n: number,
  hour: number,
) {
  const ms = batch(p, n, hour);
  const r = await upload(c.url, p, ms);
  t.is(r.status, 200, r.text);
  t.is(r.json.accepted, n);
  return ms;
}

export const uidsAt = async (url: string, probeId: string) =>
  ((await http(`${url}/api/v1/measurements?probe_id=${probeId}`)).json?.results ?? [])
    .map((m: { measurement_uid: string }) => m.measurement_uid)
    .sort();

/** The real CLI, started and read until its `listening on` line. */
export async function cli(
  t: ExecutionContext,
  args: string[],
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RAABTA_LOG_LEVEL: 'warn' },
  });
  const exited = new Promise((r) => child.once('exit', r));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exit ${code}\n${out}${err}`)));
  });
  return { url, child };
}

/** The CLI run to its end: exit code and output. */
export async function cliRun(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RAABTA_LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  return { code, out };
}
