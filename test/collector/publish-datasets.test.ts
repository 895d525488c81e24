/**
 * The datasets publishing job (collector/jobs/publish-datasets.ts) against a real collector: real SQLite
 * file, uploads over HTTP as a probe sends them, the job writing to a real directory, the catalog route
 * serving what it wrote.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import pino from 'pino';
import { iterateRawByDayFromScan } from '../../collector/datasets/export-all.ts';
import { readDayManifest, verifyDay } from '../../collector/datasets/manifest.ts';
import type { ExportItem } from '../../collector/datasets/types.ts';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { publishDatasets, STAGING_DIR, startPublishJob } from '../../collector/jobs/publish-datasets.ts';
import { rescore } from '../../collector/jobs/rescore.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { parseCsv } from '../datasets/helpers/csv-parse.ts';
import {
  http,
  registerProbe,
  startCollector,
  type TestCollector,
  type TestProbe,
  tempDir,
  upload,
} from './helpers.ts';

const D1 = '2024-11-09';
const D2 = '2024-11-10';
const TODAY = '2024-11-11';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const now = () => NOW;

interface Env {
  c: TestCollector;
  probe: TestProbe;
  root: string;
  logs: string[];
  log: pino.Logger;
  /** what was uploaded, by uid: the exact JSON bytes the probe sent for each measurement */
  sent: Map<string, string>;
  send(day: string, n: number, hour?: number): Promise<string[]>;
}

async function env(t: { teardown(fn: () => void | Promise<void>): void }): Promise<Env> {
  const out = tempDir('raabta-datasets-');
  t.teardown(out.remove);
  const root = join(out.dir, 'datasets');
  const served = await startCollector({ datasetsDir: root });
  t.teardown(() => served.close());
  const probe = await registerProbe(served.url);
  const logs: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );
  const sent = new Map<string, string>();
  const e: Env = {
    c: served,
    probe,
    root,
    logs,
    log,
    sent,
    async send(day, n, hour = 6) {
      const ms = Array.from({ length: n }, (_, i) =>
        sampleMeasurement({
          probe_id: probe.probeId,
          start: new Date(Date.parse(`${day}T00:00:00Z`) + hour * 3600_000 + (sent.size + i) * 60_000),
          target_group: i % 2 ? 'x' : 'news',
        }),
      );
      const r = await upload(served.url, probe, ms);
      if (r.status !== 200) throw new Error(`upload: ${r.status} ${r.text}`);
      for (const m of ms) sent.set(m.measurement_uid, JSON.stringify(m));
      return ms.map((m) => m.measurement_uid);
    },
  };
  return e;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = sha256(readFileSync(join(dir, name)));
  return out;
}

const logged = (logs: string[], msg: string) =>
  logs.map((l) => JSON.parse(l) as { msg: string; date?: string }).filter((l) => l.msg === msg);

test('complete past days are published and served with sizes and checksums; JSONL lines are the uploaded bytes; today is not published', async (t) => {
  const e = await env(t);
  await e.send(D1, 3);
  await e.send(D2, 2);
  await e.send(TODAY, 4, 1);

  const r = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  t.deepEqual(
    r.published.map((p) => [p.date, p.rows, p.previous_rows]),
    [
      [D2, 2, null],
      [D1, 3, null],
    ],
  );
  t.deepEqual(r.failed, []);
  t.is(logged(e.logs, 'dataset day published').length, 2);

  const index = await http(`${e.c.url}/api/v1/datasets`);
  t.is(index.status, 200, index.text);
  t.deepEqual(
    index.json.results.map((d: { date: string }) => d.date),
    [D1, D2],
    'both complete days, not today',
  );
  t.false(existsSync(join(e.root, TODAY)));
  const lines: string[] = [];
  for (const day of index.json.results as {
    date: string;
    files: { name: string; format: string; bytes: number; rows: number; sha256: string; url: string }[];
  }[]) {
    t.deepEqual(day.files.map((f) => f.format).sort(), ['csv', 'jsonl.gz', 'ooni.jsonl.gz', 'parquet']);
    for (const f of day.files) {
      t.true(f.bytes > 0 && /^[0-9a-f]{64}$/.test(f.sha256), `${f.name} listed with size and checksum`);
      t.is(f.rows, day.date === D1 ? 3 : 2);
      const got = await http(`${e.c.url}${f.url}`);
      t.is(got.status, 200, `${f.url}`);
      t.is(got.body.length, f.bytes, `${f.name} size`);
      t.is(sha256(got.body), f.sha256, `${f.name} checksum`);
      if (f.format === 'jsonl.gz') lines.push(...gunzipSync(got.body).toString('utf8').trimEnd().split('\n'));
    }
    t.deepEqual(await verifyDay(join(e.root, day.date)), []);
  }
  t.is(lines.length, 5);
  for (const line of lines) {
    const uid = (JSON.parse(line) as { measurement_uid: string }).measurement_uid;
    t.is(line as string | undefined, e.sent.get(uid), `measurement ${uid} byte for byte`);
  }
  t.deepEqual(readdirSync(join(e.root, STAGING_DIR)), [], 'no staging leftovers');

  const again = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  t.deepEqual(again, { published: [], failed: [], pending: 0 }, 'nothing to do when nothing changed');
});

test('a late measurement for a published day re-publishes that day with the new count, and only that day', async (t) => {
  const e = await env(t);
  await e.send(D1, 3);
  await e.send(D2, 2);
  await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  const d2Before = snapshot(join(e.root, D2));

  const [late] = await e.send(D1, 1, 23);
  const r = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  t.deepEqual(
    r.published.map((p) => [p.date, p.rows, p.previous_rows]),
    [[D1, 4, 3]],
  );
  t.is(logged(e.logs, 'dataset day re-published')[0]?.date, D1);
  const manifest = await readDayManifest(join(e.root, D1));
  t.deepEqual(
    manifest?.files.map((f) => f.rows),
    [4, 4, 4, 4],
  );
  const index = await http(`${e.c.url}/api/v1/datasets`);
  const jsonl = index.json.results
    .find((d: { date: string }) => d.date === D1)
    .files.find((f: { format: string }) => f.format === 'jsonl.gz');
  const got = await http(`${e.c.url}${jsonl.url}`);
  t.is(sha256(got.body), jsonl.sha256);
  const lines = gunzipSync(got.body).toString('utf8').trimEnd().split('\n');
  t.is(lines.length, 4);
  t.is(lines[3] as string | undefined, e.sent.get(late), 'the late measurement, in start-time order');
  t.deepEqual(snapshot(join(e.root, D2)), d2Before, 'the unchanged day is not rewritten');
});

test('a re-score that changes verdicts re-publishes the day with the new verdict columns, and only that day', async (t) => {
  const e = await env(t);
  await e.send(D1, 3);
  await e.send(D2, 2);
  await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  const d2Before = snapshot(join(e.root, D2));
  const before = await readDayManifest(join(e.root, D1));
  t.is(before?.verdict_counts?.down, 0);

  // a rule change: the analysis now finds these measurements down (same rows, other verdicts)
  const analyze = createAnalyzer();
  const r = await rescore(e.c.storage, {
    since_ms: Date.parse(`${D1}T00:00:00Z`),
    until_ms: Date.parse(`${D2}T00:00:00Z`),
    analyze: (m) => {
      const v = analyze(m);
      return v && { ...v, status: 'down', method: null };
    },
  });
  t.is(r.changed, 3);
  const again = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  t.deepEqual(
    again.published.map((p) => [p.date, p.rows, p.previous_rows]),
    [[D1, 3, 3]],
  );
  const after = await readDayManifest(join(e.root, D1));
  t.like(after?.verdict_counts, { ok: 0, blocked: 0, down: 3 });
  const [header, ...rows] = parseCsv(readFileSync(join(e.root, D1, `raabta-${D1}.csv`), 'utf8'));
  const col = header.findIndex((c) => c.value === 'collector_status');
  t.true(col >= 0);
  t.deepEqual(
    rows.filter((row) => row.length > 1).map((row) => row[col].value),
    ['down', 'down', 'down'],
    'the CSV carries the new verdicts',
  );
  t.deepEqual(snapshot(join(e.root, D2)), d2Before, 'the day without changes is not rewritten');
  t.deepEqual((await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now })).published, []);
});

test('a publish that fails midway leaves the previous files of the day intact and served', async (t) => {
  const e = await env(t);
  await e.send(D1, 3);
  await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  const dayDir = join(e.root, D1);
  const before = snapshot(dayDir);
  const indexBefore = (await http(`${e.c.url}/api/v1/datasets`)).json;

  await e.send(D1, 40, 20);
  const real = iterateRawByDayFromScan((q) => e.c.storage.scanRaw(q));
  let partialSeen = false;
  // the day's real rows, then a failure after some of them have been written to the new files
  const failing = async function* (date: string): AsyncGenerator<ExportItem> {
    let n = 0;
    for await (const item of real(date)) {
      if (n++ === 30) {
        // the sinks open their files asynchronously and gather 64 KiB before writing: wait for the staged
        // files to appear (bounded) rather than assume the file system has caught up after 30 rows
        for (let i = 0; i < 100 && !partialSeen; i++) {
          const staged = readdirSync(join(e.root, STAGING_DIR));
          const dir = join(e.root, STAGING_DIR, staged[0] ?? '-', D1);
          partialSeen =
            staged.length === 1 && existsSync(dir) && readdirSync(dir).some((f) => f.includes('.partial-'));
          if (!partialSeen) await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('disk gone');
      }
      yield item;
    }
  };
  const r = await publishDatasets(e.c.storage, e.log, {
    datasetsDir: e.root,
    now,
    iterateRawByDay: failing,
  });
  t.true(partialSeen, 'the new files were being written when it failed');
  t.deepEqual(r.published, []);
  t.deepEqual(r.failed, [{ date: D1, error: 'disk gone' }]);
  t.is(logged(e.logs, 'dataset day not published').length, 1);
  t.deepEqual(snapshot(dayDir), before, 'previous files byte for byte');
  t.deepEqual(await verifyDay(dayDir), []);
  t.deepEqual((await http(`${e.c.url}/api/v1/datasets`)).json, indexBefore, 'the index still lists them');
  t.deepEqual(readdirSync(join(e.root, STAGING_DIR)), [], 'the half-written files are removed');

  const retry = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  t.deepEqual(
    retry.published.map((p) => [p.date, p.rows, p.previous_rows]),
    [[D1, 43, 3]],
    'the next run publishes it',
  );
});

test('a crash between the swap renames is repaired by the next run (the day comes back whole)', async (t) => {
  const e = await env(t);
  await e.send(D1, 2);
  await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  const before = snapshot(join(e.root, D1));
  // the state the swap's first rename leaves: the published version moved aside into a staging directory
  const stage = join(e.root, STAGING_DIR, `${D1}-crash1`);
  mkdirSync(stage, { recursive: true });
  renameSync(join(e.root, D1), join(stage, 'previous'));
  t.deepEqual((await http(`${e.c.url}/api/v1/datasets`)).json.results, []);

  const r = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now });
  t.deepEqual(r.published, [], 'restored, not re-exported: its count still matches');
  t.deepEqual(snapshot(join(e.root, D1)), before);
  t.is(logged(e.logs, 'dataset day restored after a crash').length, 1);
  t.deepEqual(
    (await http(`${e.c.url}/api/v1/datasets`)).json.results.map((d: { date: string }) => d.date),
    [D1],
  );
  t.deepEqual(readdirSync(join(e.root, STAGING_DIR)), []);
});

test('a run exports at most maxDaysPerRun days, newest first, and reports the rest as pending', async (t) => {
  const e = await env(t);
  await e.send(D1, 1);
  await e.send(D2, 1);
  const first = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now, maxDaysPerRun: 1 });
  t.deepEqual(
    first.published.map((p) => p.date),
    [D2],
  );
  t.is(first.pending, 1);
  const second = await publishDatasets(e.c.storage, e.log, { datasetsDir: e.root, now, maxDaysPerRun: 1 });
  t.deepEqual(
    second.published.map((p) => p.date),
    [D1],
  );
  t.is(second.pending, 0);
});

test('the job never runs twice at once: a second call joins the run in progress', async (t) => {
  const e = await env(t);
  await e.send(D1, 2);
  await e.send(D2, 2);
  const job = startPublishJob(e.c.storage, e.log, { datasetsDir: e.root, now, everyMs: 0 });
  t.teardown(() => job.stop());
  const a = job.runOnce();
  const b = job.runOnce();
  t.is(a, b, 'the same run');
  const [ra, rb] = await Promise.all([a, b]);
  t.is(ra, rb);
  t.is(ra.published.length, 2);
  const days = logged(e.logs, 'dataset day published').map((l) => l.date);
  t.deepEqual(days.sort(), [D1, D2], 'each day exported once');
  const next = await job.runOnce();
  t.not(next, ra, 'a later call starts a new run');
  t.deepEqual(next.published, []);
});

test('on a timer the job publishes by itself, and stop() ends it: no run after stop', async (t) => {
  const e = await env(t);
  await e.send(D1, 2);
  const job = startPublishJob(e.c.storage, e.log, {
    datasetsDir: e.root,
    now,
    everyMs: 50,
    firstRunAfterMs: 0,
  });
  const until = Date.now() + 20_000;
  while (!existsSync(join(e.root, D1, 'manifest.json')) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  t.true(existsSync(join(e.root, D1, 'manifest.json')), 'published without a manual call');
  await job.stop();
  await e.send(D2, 1);
  await new Promise((r) => setTimeout(r, 300));
  t.false(existsSync(join(e.root, D2)), 'stopped: the new day waits');
});
