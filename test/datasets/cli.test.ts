import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  type ImportedMeasurement,
  parseFormats,
  runExportCli,
  runImportOoniCli,
} from '../../collector/datasets/cli.ts';
import { iterateRawByDayFromScan, type ScannedRow } from '../../collector/datasets/export-all.ts';
import { generateItems } from './helpers/generate.ts';

const fixture = (name: string) => new URL(`../fixtures/ooni/${name}`, import.meta.url).pathname;

function io() {
  const log: string[] = [];
  const out: string[] = [];
  return { log, out, deps: { log: (l: string) => log.push(l), out: (l: string) => out.push(l) } };
}

async function tmp(t: { teardown: (f: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('--format takes a comma list; ooni is short for ooni.jsonl.gz; unknown formats are named', (t) => {
  t.deepEqual(parseFormats('csv, parquet,ooni'), ['csv', 'parquet', 'ooni.jsonl.gz']);
  t.throws(() => parseFormats('csv,xlsx'), { message: /unknown xlsx/ });
});

test('export: missing or malformed arguments are usage errors (exit 2) and open nothing', async (t) => {
  const { log, deps } = io();
  const openSource = () => Promise.reject(new Error('must not open'));
  t.is(await runExportCli(['--out', '/tmp/x', '--since', '2024-11-10'], { ...deps, openSource }), 2);
  t.is(await runExportCli(['--db', 'd', '--out', 'o', '--since', '10/11/2024'], { ...deps, openSource }), 2);
  t.is(
    await runExportCli(['--db', 'd', '--out', 'o', '--since', '2024-11-10', '--format', 'xml'], {
      ...deps,
      openSource,
    }),
    2,
  );
  t.is(await runExportCli(['--bogus'], { ...deps, openSource }), 2);
  t.true(log.some((l) => l.includes('--db is required')));
  t.true(log.some((l) => l.startsWith('usage: raabta export')));
});

test('export: the days from --since to --until (exclusive) in the chosen formats, through the storage', async (t) => {
  const dir = await tmp(t);
  const { log, out, deps } = io();
  const asked: string[] = [];
  let closed = false;
  const code = await runExportCli(
    [
      '--db',
      'collector.db',
      '--out',
      dir,
      '--since',
      '2024-11-10',
      '--until',
      '2024-11-12',
      '--format',
      'csv,ooni',
    ],
    {
      ...deps,
      openSource: async (db) => {
        t.is(db, 'collector.db');
        return {
          iterateRawByDay: (date) => {
            asked.push(date);
            return (async function* () {
              yield* generateItems(date, date === '2024-11-10' ? 5 : 0);
            })();
          },
          close: async () => {
            closed = true;
          },
        };
      },
    },
  );
  t.is(code, 0);
  t.deepEqual(asked, ['2024-11-10', '2024-11-11']);
  t.true(closed);
  t.deepEqual((await readdir(join(dir, '2024-11-10'))).sort(), [
    'SHA256SUMS',
    'manifest.json',
    'raabta-2024-11-10.csv',
    'raabta-2024-11-10.ooni.jsonl.gz',
  ]);
  t.deepEqual(log, [
    log.find((l) => l.startsWith('2024-11-10: 5 measurements, 2 files')),
    '2024-11-11: no measurements',
  ]);
  t.regex(out[0], /exported 5 measurements over 1 days \(1 empty\)/);
});

test('the scanRaw adapter pages through a day and passes on only collector verdicts', async (t) => {
  const rows: ScannedRow[] = [...generateItems('2024-11-10', 25)].map((it, i) => ({
    key: i + 1,
    uid: it.uid,
    raw: Buffer.from(it.raw as string),
    current: it.collector
      ? { source: i % 2 ? 'collector' : 'probe', reason: '', evidence: [], ...it.collector }
      : null,
  }));
  const calls: (number | null)[] = [];
  const iterate = iterateRawByDayFromScan(async (o) => {
    calls.push(o.after_key);
    t.is(o.until_ms! - o.since_ms, 86_400_000);
    return rows.filter((r) => r.key > (o.after_key ?? 0)).slice(0, o.limit);
  }, 10);
  const got = [];
  for await (const it of iterate('2024-11-10')) got.push(it);
  t.is(got.length, 25);
  t.deepEqual(calls, [null, 10, 20]);
  t.is(got.filter((g) => g.collector).length, rows.filter((r) => r.current?.source === 'collector').length);
});

test('import-ooni: converted lines are inserted in batches; bad lines are reported file:line and exit 1', async (t) => {
  const { log, out, deps } = io();
  const batches: ImportedMeasurement[][] = [];
  const code = await runImportOoniCli(
    [fixture('broken.jsonl'), fixture('tor.jsonl'), '--db', 'c.db', '--batch', '2'],
    {
      ...deps,
      openSink: async () => ({
        insert: async (b) => {
          batches.push(b);
          return { accepted: b.length, duplicate: 0 };
        },
        close: async () => {},
      }),
    },
  );
  t.is(code, 1);
  t.deepEqual(
    batches.map((b) => b.length),
    [2, 2, 1],
  );
  t.is(JSON.parse(batches[0][0].raw).measurement_uid, batches[0][0].uid);
  t.deepEqual(
    log.map((l) => /([^/]+\.jsonl:\d+): /.exec(l)?.[1]),
    ['broken.jsonl:2', 'broken.jsonl:4', 'broken.jsonl:5', 'broken.jsonl:6'],
  );
  t.regex(out[0], /converted 5 OONI measurements \(5 new, 0 already there\); 4 lines could not be converted/);
});

test('import-ooni: --dry-run converts without a database; a clean file exits 0', async (t) => {
  const { out, deps } = io();
  const openSink = () => Promise.reject(new Error('must not open'));
  t.is(await runImportOoniCli([fixture('web-connectivity.jsonl'), '--dry-run'], { ...deps, openSink }), 0);
  t.regex(out[0], /converted 7 OONI measurements \(dry run, nothing stored\); 0 lines/);
  t.is(await runImportOoniCli([fixture('web-connectivity.jsonl')], { ...deps, openSink }), 2);
  t.is(await runImportOoniCli(['/nonexistent.jsonl', '--dry-run'], { ...deps, openSink }), 2);
});
