/**
 * `raabta collector start --read-only` on a real PostgreSQL streaming replica: a throw-away primary
 * (replication on) and a hot standby made from it with pg_basebackup (collector/storage/postgres/server.ts),
 * one pair per test file. A writing collector on the primary ingests signed measurements; read-only
 * collectors (in-process, and the real CLI) on the standby serve them once replication has caught up, refuse
 * every write with 503 read_only, and run no job that writes. Read-only collectors are also pointed at the
 * writable primary database, where a write would succeed if one were attempted: nothing may change there.
 */

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { start } from '../../collector/server.ts';
import { dbFingerprint, http, newKey, registerProbe, tempDir, upload } from './helpers.ts';
import {
  batch,
  cli,
  cliRun,
  collector,
  database,
  ingest,
  silent,
  sleep,
  uidsAt,
  waitFor,
} from './replica-kit.ts';

test('a read-only collector on the streaming replica serves what the primary ingested, and what arrives later', async (t) => {
  const d = await database(t);
  const writer = await collector(t, { db: d.url });
  const probe = await registerProbe(writer.url);
  const first = await ingest(t, writer, probe, 6, 8);
  const dash = tempDir();
  t.teardown(dash.remove);
  writeFileSync(join(dash.dir, 'index.html'), '<!doctype html><title>replica dashboard</title>');
  // the database and its migrations reach the standby by replication, like everything else
  await d.schemaOnReplica();
  const reader = await collector(t, { db: d.replicaUrl, readOnly: true, dashboardDir: dash.dir });
  const [recovery] = await d.onReplica.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
  t.true(recovery.r, 'the read-only collector reads a standby');

  const firstUids = first.map((m) => m.measurement_uid).sort();
  await waitFor('the first batch at the replica', async () =>
    JSON.stringify(await uidsAt(reader.url, probe.probeId)) === JSON.stringify(firstUids) ? true : null,
  );
  for (const m of first.slice(0, 2)) {
    const raw = await http(`${reader.url}/api/v1/measurements/${m.measurement_uid}/raw`);
    t.is(raw.text, JSON.stringify(m), 'the stored bytes, as uploaded');
  }
  // a batch that arrives while the read-only collector runs streams over too
  const later = await ingest(t, writer, probe, 4, 9);
  const all = [...first, ...later].map((m) => m.measurement_uid).sort();
  await waitFor('the later batch at the replica', async () =>
    JSON.stringify(await uidsAt(reader.url, probe.probeId)) === JSON.stringify(all) ? true : null,
  );
  for (const path of [
    '/api/v1/timeline?bucket=1h&since=2024-11-10T00:00:00Z&until=2024-11-11T00:00:00Z',
    '/api/v1/probes',
    '/api/v1/events',
    `/api/v1/measurements/${later[0].measurement_uid}`,
  ]) {
    const [w, r] = [await http(`${writer.url}${path}`), await http(`${reader.url}${path}`)];
    t.is(r.status, 200, path);
    t.deepEqual(r.json, w.json, `${path}: the same answer as the primary's collector`);
  }
  const timeline = (await http(`${reader.url}/api/v1/timeline?bucket=1d&since=2024-11-01T00:00:00Z`)).json;
  const counted = timeline.series.flatMap((s: { buckets: Record<string, number>[] }) => s.buckets);
  t.is(
    counted.reduce((n: number, b: Record<string, number>) => n + b.ok + b.blocked, 0),
    10,
  );
  const health = (await http(`${reader.url}/healthz`)).json;
  t.like(health, { ok: true, read_only: true });
  t.is(typeof health.replica_lag_seconds, 'number', 'a replica reports its lag');
  t.deepEqual((await http(`${writer.url}/healthz`)).json, { ok: true });
  t.regex((await http(`${reader.url}/metrics`)).text, /^raabta_read_only 1$/m);
  t.regex((await http(`${reader.url}/`)).text, /replica dashboard/, 'the dashboard files are served');
});

// serial (ava runs these first, alone): pausing replay holds back the standby for every database on it
test.serial(
  'a read-only collector reports how far its replica is behind, and 0 once it has caught up',
  async (t) => {
    const d = await database(t);
    const writer = await collector(t, { db: d.url });
    const probe = await registerProbe(writer.url);
    await ingest(t, writer, probe, 2, 8);
    await d.schemaOnReplica();
    const reader = await collector(t, { db: d.replicaUrl, readOnly: true });
    const lag = async () => (await http(`${reader.url}/healthz`)).json.replica_lag_seconds as number | null;
    await waitFor('the replica caught up', async () => (await lag()) === 0);
    await d.onReplica.query('SELECT pg_wal_replay_pause()');
    t.teardown(() => d.onReplica.query('SELECT pg_wal_replay_resume()').then(() => {}));
    await sleep(1100); // the next transaction replayed is then more than a second old
    const later = await ingest(t, writer, probe, 3, 9);
    const behind = await waitFor('a lag while replay is paused', async () => {
      const s = await lag();
      return s !== null && s > 0 ? s : null;
    });
    t.true(behind > 0 && behind < 60, `lag ${behind} s`);
    const gauge = /^raabta_replica_lag_seconds (\S+)$/m.exec((await http(`${reader.url}/metrics`)).text);
    t.true(Number(gauge?.[1]) > 0, `the metric too: ${gauge?.[0]}`);
    t.false(
      (await uidsAt(reader.url, probe.probeId)).includes(later[0].measurement_uid),
      'the paused replica does not have the later batch yet',
    );
    await d.onReplica.query('SELECT pg_wal_replay_resume()');
    await waitFor('the replica caught up again', async () => (await lag()) === 0);
    t.regex((await http(`${reader.url}/metrics`)).text, /^raabta_replica_lag_seconds 0$/m);
    t.true((await uidsAt(reader.url, probe.probeId)).includes(later[0].measurement_uid));
    // a read-only collector on a database that is not a replica says so
    const onPrimary = await collector(t, { db: d.url, readOnly: true });
    t.is((await http(`${onPrimary.url}/healthz`)).json.replica_lag_seconds, null);
  },
);

test('uploads, registrations and admin edits at a read-only collector answer 503 read_only and write nothing', async (t) => {
  const d = await database(t);
  const writer = await collector(t, { db: d.url });
  const probe = await registerProbe(writer.url);
  await ingest(t, writer, probe, 3, 8);
  await d.schemaOnReplica();
  const onReplica = await cli(t, [
    '--read-only',
    '--primary-url',
    `${writer.url}/`,
    '--db',
    d.replicaUrl,
    '--admin-token',
    'secret-token',
  ]);
  // on the primary's database itself a write would succeed: read-only must not even try
  const onPrimary = await collector(t, { db: d.url, readOnly: true, adminToken: 'secret-token' });
  const newcomer = newKey();
  const pending = batch(probe, 5, 10);
  for (const [reader, named] of [
    [onReplica.url, true],
    [onPrimary.url, false],
  ] as const) {
    const before = await dbFingerprint(d.onPrimary);
    const answers = {
      register: await http(`${reader}/api/v1/probes/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          public_key: newcomer.publicKeyB64,
          software_name: 'raabta-probe',
          software_version: '0.1.0',
        }),
      }),
      upload: await upload(reader, probe, pending),
      admin: await http(`${reader}/api/v1/admin/events/ev_1`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
        body: JSON.stringify({ note: 'not here' }),
      }),
    };
    for (const [what, r] of Object.entries(answers)) {
      t.is(r.status, 503, `${what}: ${r.text}`);
      t.is(r.json?.error?.code, 'read_only', what);
      if (named) {
        t.is(r.json.primary_url, writer.url, what);
        t.true(r.json.error.message.includes(`send it to ${writer.url}/api/v1/`), r.json.error.message);
      } else {
        t.false('primary_url' in r.json, what);
        t.regex(r.json.error.message, /a collector on the primary database/);
      }
    }
    t.is((await http(`${reader}/api/v1/check-in`)).status, 200, 'check-in writes nothing and still answers');
    t.is(await dbFingerprint(d.onPrimary), before, 'the database is unchanged');
  }
  // the refused requests were valid: the writing collector takes them, so nothing of them was stored before
  const accepted = await upload(writer.url, probe, pending);
  t.is(accepted.json.accepted, 5);
  const doc = (await http(`${onReplica.url}/api/docs/openapi.json`)).json;
  for (const [path, method] of [
    ['/api/v1/measurements', 'post'],
    ['/api/v1/probes/register', 'post'],
    ['/api/v1/admin/events/{id}', 'patch'],
  ])
    t.truthy(doc.paths[path][method].responses['503'], `${method} ${path} documents 503 read_only`);
  t.falsy(doc.paths['/api/v1/measurements'].get.responses['503'], 'reads do not');
});

test('a read-only collector runs no disruption detection and publishes no datasets, where a writing one does', async (t) => {
  const d = await database(t);
  const counting = () => {
    const calls = { n: 0 };
    const detect = () => {
      calls.n++;
      return [];
    };
    return { calls, detect };
  };
  const jobs = { detectEveryMs: 50, publishDatasetsEveryMs: 50 };
  const published = tempDir();
  t.teardown(published.remove);
  const w = counting();
  const started = Date.now();
  const writer = await collector(t, { db: d.url, ...jobs, detect: w.detect, datasetsDir: published.dir });
  await ingest(t, writer, await registerProbe(writer.url), 4, 8);
  await waitFor(
    'a detection run and a published day at the writer',
    async () => w.calls.n > 0 && existsSync(join(published.dir, '2024-11-10', 'manifest.json')),
  );
  const writerTook = Date.now() - started;
  await writer.close();
  await d.schemaOnReplica();

  const fresh = tempDir();
  t.teardown(fresh.remove);
  const onPrimary = counting();
  const onReplica = counting();
  const readers = [
    await collector(t, {
      db: d.url,
      readOnly: true,
      ...jobs,
      detect: onPrimary.detect,
      datasetsDir: fresh.dir,
    }),
    await collector(t, {
      db: d.replicaUrl,
      readOnly: true,
      ...jobs,
      detect: onReplica.detect,
      datasetsDir: published.dir,
    }),
  ];
  await sleep(Math.max(3000, 2 * writerTook));
  t.is(onPrimary.calls.n, 0, 'no detection at the read-only collector on the primary database');
  t.is(onReplica.calls.n, 0, 'no detection at the read-only collector on the replica');
  t.deepEqual(readdirSync(fresh.dir), [], 'nothing published (a writer would have published 2024-11-10)');
  t.deepEqual(await d.onPrimary.query('SELECT count(*)::int AS n FROM events'), [{ n: 0 }], 'no events');
  // the days the writers published are still served
  const listed = (await http(`${readers[1].url}/api/v1/datasets`)).json;
  const day = listed.results.find((r: { date: string }) => r.date === '2024-11-10');
  t.truthy(day, JSON.stringify(listed));
  const file = await http(`${readers[1].url}${day.files[0].url}`);
  t.is(file.status, 200);
});

test('a read-only collector refuses a database at another schema version, naming both versions', async (t) => {
  // a database a newer collector migrated (one version ahead), in-process
  const newer = await database(t);
  const writer = await collector(t, { db: newer.url });
  await writer.close();
  const current = await newer.schemaOnReplica();
  await newer.onPrimary.query('INSERT INTO raabta_schema (version, applied_ms) VALUES (?, 0)', [current + 1]);
  await waitFor(
    'the newer version on the replica',
    async () =>
      (await newer.onReplica.query('SELECT 1 FROM raabta_schema WHERE version = ?', [current + 1])).length,
  );
  const err = await t.throwsAsync(start({ db: newer.replicaUrl, readOnly: true, port: 0, log: silent }));
  t.is(
    err?.message,
    `read-only: the database schema is at version ${current + 1}, this collector needs ${current} ` +
      '(start a writing collector of this version on the primary first)',
  );

  // an empty database (version 0) on the replica, through the CLI: exit 1, the reason, no stack trace
  const empty = await database(t);
  await waitFor(
    'the empty database on the replica',
    async () => (await empty.onReplica.query('SELECT 1')).length,
  );
  const r = await cliRun(['start', '--read-only', '--port', '0', '--db', empty.replicaUrl]);
  t.is(r.code, 1, r.out);
  t.true(
    r.out.includes(
      `not started: read-only: the database schema is at version 0, this collector needs ${current}`,
    ),
    r.out,
  );
  t.notRegex(r.out, /\n\s+at /, 'no stack trace');
  t.deepEqual(await empty.onPrimary.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"), []);
});

test('--read-only with a SQLite path does not start, says it needs PostgreSQL, and creates no file', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'sub', 'raabta.db');
  mkdirSync(join(tmp.dir, 'sub'));
  const r = await cliRun(['start', '--read-only', '--port', '0', '--db', file]);
  t.is(r.code, 1, r.out);
  t.regex(r.out, /not started: --read-only needs a PostgreSQL database \(--db postgres:\/\/…\)/);
  t.deepEqual(readdirSync(join(tmp.dir, 'sub')), [], 'no SQLite file created');
  // and the options that make no sense with it are usage errors
  const demo = await cliRun(['start', '--read-only', '--demo', '--db', file]);
  t.is(demo.code, 2);
  t.regex(demo.out, /--demo cannot be used with --read-only/);
  const hint = await cliRun(['start', '--primary-url', 'http://127.0.0.1:1/', '--db', file]);
  t.is(hint.code, 2);
  t.regex(hint.out, /--primary-url is only for a --read-only collector/);
  t.deepEqual(readdirSync(join(tmp.dir, 'sub')), []);
});
