/**
 * Central target management (issue 6, item 5) on a real collector (buildApp on a port, real SQLite, a local
 * mmdb built here): operator files per country and network override the built-in suites, schedules merge the
 * same way, answers carry a version and an ETag (304 when unchanged), and a bad operator file stops the
 * collector — naming the file and the entry — instead of being served.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { buildApp } from '../../collector/app.ts';
import { CheckInConfigError, loadCatalog } from '../../collector/check-in/catalog.ts';
import { openCheckInStore } from '../../collector/check-in/store.ts';
import { writeMmdb } from '../../collector/geo/mmdb-writer.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { loadSuite } from '../../probe/suites/load.ts';
import { CLI, exited, ROOT } from '../e2e/harness.ts';
import { http, startCollector, tempDir } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: API responses are read as arbitrary JSON
type Json = any;

const quiet = pino({ level: 'silent' });

function suite(name: string, inputs: string[], extra: Record<string, unknown> = {}) {
  return {
    suite: name,
    version: '2026-01-01',
    targets: inputs.map((input) => ({ input, kind: 'web', group: name, category_code: 'NEWS', ...extra })),
  };
}

function put(dir: string, rel: string, value: unknown): void {
  const file = join(dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** 127.0.0.9 = PK AS17557 (PTCL), 127.0.0.20 = PK AS45595 (Zong), anything else on 127/8 = DE AS3320. */
function geoFile(dir: string): string {
  const file = join(dir, 'geo.mmdb');
  writeFileSync(
    file,
    writeMmdb([
      { network: '127.0.0.0/8', data: { country: { iso_code: 'DE' }, autonomous_system_number: 3320 } },
      {
        network: '127.0.0.9/32',
        data: { country: { iso_code: 'PK' }, autonomous_system_number: 17557 },
      },
      {
        network: '127.0.0.20/32',
        data: { country: { iso_code: 'PK' }, autonomous_system_number: 45595 },
      },
    ]),
  );
  return file;
}

const checkInFrom = (url: string, localAddress: string, headers: Record<string, string> = {}) =>
  http(`${url}/api/v1/check-in`, { localAddress, headers: { 'x-raabta-probe-id': 'p_x', ...headers } });
const inputsOf = (json: Json, name: string): string[] =>
  json.suites.find((s: Json) => s.suite === name)?.targets.map((x: Json) => x.input);

test('the most specific list wins: network file over country file over the global file over the built-in suite', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = join(tmp.dir, 'check-in');
  put(dir, 'news.json', suite('news', ['https://global.example/']));
  put(dir, 'extra.json', suite('extra', ['https://extra.example/']));
  put(dir, 'schedule.json', { news: '0 */2 * * *', extra: '*/5 * * * *' });
  put(dir, 'PK/news.json', suite('news', ['https://pk.example/']));
  put(dir, 'PK/schedule.json', { news: '30 * * * *' });
  put(dir, 'PK/AS17557/news.json', suite('news', ['https://ptcl.example/']));
  put(dir, 'PK/AS17557/schedule.json', { x: '*/10 * * * *' });
  const c = await startCollector({ mmdb: [geoFile(tmp.dir)], checkInDir: dir });
  t.teardown(() => c.close());

  const ptcl = await checkInFrom(c.url, '127.0.0.9');
  t.is(ptcl.status, 200);
  t.like(ptcl.json, { probe_cc: 'PK', probe_asn: 'AS17557' });
  t.deepEqual(inputsOf(ptcl.json, 'news'), ['https://ptcl.example/']);
  t.deepEqual(ptcl.json.schedule, { news: '30 * * * *', extra: '*/5 * * * *', x: '*/10 * * * *' });

  const zong = await checkInFrom(c.url, '127.0.0.20');
  t.like(zong.json, { probe_cc: 'PK', probe_asn: 'AS45595' });
  t.deepEqual(inputsOf(zong.json, 'news'), ['https://pk.example/'], 'another PK network: the country file');
  t.deepEqual(zong.json.schedule, { news: '30 * * * *', extra: '*/5 * * * *' });

  const de = await checkInFrom(c.url, '127.0.0.5');
  t.like(de.json, { probe_cc: 'DE', probe_asn: 'AS3320' });
  t.deepEqual(inputsOf(de.json, 'news'), ['https://global.example/']);
  t.deepEqual(de.json.schedule, { news: '0 */2 * * *', extra: '*/5 * * * *' });

  for (const r of [ptcl, zong, de]) {
    t.deepEqual(inputsOf(r.json, 'extra'), ['https://extra.example/'], 'a suite the operator added');
    t.deepEqual(
      r.json.suites.find((s: Json) => s.suite === 'whatsapp'),
      loadSuite('whatsapp'),
      'suites nobody overrides stay the built-in ones',
    );
  }
  t.not(ptcl.json.version, zong.json.version);
  t.not(zong.json.version, de.json.version);
});

test('an unchanged answer is 304 for its ETag; a changed list gets a new version and ETag', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = join(tmp.dir, 'check-in');
  put(dir, 'PK/news.json', suite('news', ['https://one.example/']));
  const store = openCheckInStore({ dir, log: quiet });
  const c = await startCollector({ mmdb: [geoFile(tmp.dir)], checkIn: store });
  t.teardown(() => c.close());

  const first = await checkInFrom(c.url, '127.0.0.9');
  const etag = first.headers.etag as string;
  t.regex(etag, /^"[0-9a-f]{32}"$/);
  const again = await checkInFrom(c.url, '127.0.0.9', { 'if-none-match': etag });
  t.is(again.status, 304);
  t.is(again.text, '', 'no body: the probe keeps its copy');
  t.is((await checkInFrom(c.url, '127.0.0.9', { 'if-none-match': `W/${etag}, "other"` })).status, 304);
  const elsewhere = await checkInFrom(c.url, '127.0.0.20', { 'if-none-match': etag });
  t.is(elsewhere.status, 200, 'another caller (another address and network) has another answer');

  put(dir, 'PK/news.json', suite('news', ['https://two.example/']));
  t.true(store.reload());
  const changed = await checkInFrom(c.url, '127.0.0.9', { 'if-none-match': etag });
  t.is(changed.status, 200);
  t.deepEqual(inputsOf(changed.json, 'news'), ['https://two.example/']);
  t.not(changed.json.version, first.json.version);
  t.not(changed.headers.etag, etag);
});

test('a reload that finds a bad file keeps serving the previous lists and reports why', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = join(tmp.dir, 'check-in');
  put(dir, 'news.json', suite('news', ['https://good.example/']));
  const store = openCheckInStore({ dir, log: quiet });
  const c = await startCollector({ checkIn: store });
  t.teardown(() => c.close());
  put(dir, 'news.json', suite('news', ['https://good.example/', 'ftp://bad.example/']));
  t.false(store.reload());
  t.regex(store.lastError() ?? '', /news\.json.*targets\[1\] \(input "ftp:\/\/bad\.example\/"\)/);
  const r = await checkInFrom(c.url, '127.0.0.1');
  t.deepEqual(inputsOf(r.json, 'news'), ['https://good.example/']);
});

test('a changed file is picked up without a restart when watching', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = join(tmp.dir, 'check-in');
  put(dir, 'news.json', suite('news', ['https://before.example/']));
  const c = await startCollector({ checkInDir: dir, checkInWatch: true });
  t.teardown(() => c.close());
  t.deepEqual(inputsOf((await checkInFrom(c.url, '127.0.0.1')).json, 'news'), ['https://before.example/']);
  put(dir, 'news.json', suite('news', ['https://after.example/']));
  const end = Date.now() + 10_000;
  let now: string[] = [];
  while (Date.now() < end) {
    now = inputsOf((await checkInFrom(c.url, '127.0.0.1')).json, 'news');
    if (now[0] === 'https://after.example/') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.deepEqual(now, ['https://after.example/']);
});

const BAD: [string, string, unknown, RegExp][] = [
  [
    'a target that is not valid',
    'PK/AS17557/news.json',
    suite('news', ['https://ok.example/', 'not a url']),
    /PK\/AS17557\/news\.json.*targets\[1\] \(input "not a url"\): web input must be an http\(s\) URL/,
  ],
  [
    'a suite named differently from its file',
    'PK/news.json',
    suite('sport', ['https://ok.example/']),
    /PK\/news\.json: "suite" is "sport" but the file is named news\.json/,
  ],
  ['broken JSON', 'news.json', '{ "suite": ', /news\.json: .*JSON/],
  [
    'a schedule that is not cron',
    'PK/schedule.json',
    { news: 'every hour' },
    /PK\/schedule\.json: "news": "every hour" is not a cron expression/,
  ],
  [
    'a schedule for a suite that does not exist there',
    'schedule.json',
    { sport: '0 * * * *' },
    /schedule\.json: "sport": no such suite here/,
  ],
  [
    'a directory that is not a country',
    'pk/news.json',
    suite('news', ['https://ok.example/']),
    /pk\/: .*country/,
  ],
];

for (const [what, rel, content, message] of BAD) {
  test(`the collector refuses to start with ${what}, naming the file`, async (t) => {
    const tmp = tempDir();
    t.teardown(tmp.remove);
    const dir = join(tmp.dir, 'check-in');
    put(dir, 'x.json', suite('x', ['https://fine.example/']));
    put(dir, rel, content);
    t.throws(() => loadCatalog(dir), { instanceOf: CheckInConfigError, message });
    const storage = openSqliteStorage({ path: join(tmp.dir, 'c.db') });
    t.teardown(() => storage.close());
    await t.throwsAsync(buildApp({ storage, log: quiet, prepareWorkers: 0, checkInDir: dir }), { message });
  });
}

test('`collector start --check-in-dir` with a bad file exits 1 naming the file and entry, never listening', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = join(tmp.dir, 'check-in');
  put(dir, 'PK/AS17557/news.json', suite('news', ['https://ok.example/', 'gopher://x.example/']));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'collector',
      'start',
      '--db',
      join(tmp.dir, 'c.db'),
      '--port',
      '0',
      '--no-demo',
    ].concat(['--workers', '0', '--check-in-dir', dir]),
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const r = await exited(child);
  t.is(r.code, 1, err);
  t.regex(
    err,
    /not started: check-in lists: suite news \(PK\/AS17557\/news\.json\): targets\[1\] \(input "gopher:\/\/x\.example\/"\)/,
  );
  t.notRegex(out, /collector listening/);
});
