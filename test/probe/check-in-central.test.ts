/**
 * Central target management end to end: the real collector CLI serving an operator's check-in directory
 * (`--check-in-dir`, local mmdb), the real probe CLI measuring a loopback HTTPS site (guard 127.0.0.0/8).
 * The operator changes a list → the next run measures the new target; the per-network file is chosen by the
 * check-in's geo; with the collector stopped the probe runs from its cached copy; an unchanged answer is a 304;
 * a central list the probe's loader refuses is rejected and the last good one kept; a risky category sent
 * centrally is still skipped without the volunteer's opt-in.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import type { CheckInLists } from '../../collector/check-in/catalog.ts';
import { openCheckInStore } from '../../collector/check-in/store.ts';
import { writeMmdb } from '../../collector/geo/mmdb-writer.ts';
import { startCollector as startCollectorApp } from '../collector/helpers.ts';
import {
  collectorCounts,
  type LoopbackTarget,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  readOutbox,
  runProbe,
  spawnProbe,
  startCollector,
  startLoopbackTarget,
  tempDir,
  waitFor,
} from '../e2e/harness.ts';

let tmp: ReturnType<typeof tempDir>;
let target: LoopbackTarget;

test.before(async () => {
  tmp = tempDir('raabta-central-');
  target = await startLoopbackTarget();
});
test.after.always(async () => {
  await target?.close();
  tmp?.remove();
});

function local(queries: { q: string; category?: string }[], name = 'local') {
  return {
    suite: name,
    version: '2026-01-01',
    targets: queries.map(({ q, category }) => ({
      input: `${target.url}?${q}`,
      kind: 'web' as const,
      suite: name,
      group: name,
      category_code: category ?? ('NEWS' as string | null),
    })),
  };
}

function put(dir: string, rel: string, value: unknown): void {
  const file = join(dir, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

/** Every measurement a run made, as written with `--output` (uploaded rows leave the outbox's body empty). */
const outputOf = (dataDir: string) =>
  existsSync(`${dataDir}.jsonl`)
    ? readFileSync(`${dataDir}.jsonl`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { input: string; probe_asn: string; probe_cc: string })
    : [];
/** The queries (`?v1` …) measured so far, in order. */
const measured = (dataDir: string): string[] => outputOf(dataDir).map((m) => m.input.replace(target.url, ''));

const runSuite = (dataDir: string, collectors: string[], extra: string[] = []) =>
  runProbe([
    'run',
    '--once',
    '--suite',
    'local',
    '--output',
    `${dataDir}.jsonl`,
    ...extra,
    ...loopbackProbeArgs(target, dataDir, collectors),
  ]);

type Cache = { response: { version: string; probe_asn: string }; rejected?: string[]; fetched_at: string };
const cacheOf = (dataDir: string) =>
  JSON.parse(readFileSync(join(dataDir, 'check-in.json'), 'utf8')) as Cache;

test.serial(
  'an operator changes a target list: the next run measures the new target; with the collector stopped the cached list is used',
  async (t) => {
    const dir = join(tmp.dir, 'lists-change');
    put(dir, 'local.json', local([{ q: 'v1' }]));
    const collector = await startCollector(join(tmp.dir, 'change.db'), { extra: ['--check-in-dir', dir] });
    t.teardown(() => collector.stop());
    const dataDir = join(tmp.dir, 'probe-change');

    const first = await runSuite(dataDir, [collector.url]);
    t.is(first.code, 0, first.stderr);
    t.deepEqual(measured(dataDir), ['?v1']);
    t.regex(first.stderr, /Uploaded 1 measurement/);
    const v1 = cacheOf(dataDir).response.version;

    put(dir, 'local.json', local([{ q: 'v2' }]));
    collector.child.kill('SIGHUP');
    await waitFor('the collector to serve the new list', async () => {
      const r = await fetch(`${collector.url}/api/v1/check-in`);
      return ((await r.json()) as { version: string }).version !== v1;
    });
    const second = await runSuite(dataDir, [collector.url]);
    t.is(second.code, 0, second.stderr);
    t.deepEqual(measured(dataDir), ['?v1', '?v2'], 'the new target, and only it');
    t.not(cacheOf(dataDir).response.version, v1);

    await collector.stop();
    const offline = await runSuite(dataDir, [collector.url]);
    t.is(offline.code, 0, offline.stderr);
    t.regex(offline.stderr, /Collector unreachable; using the network details from/);
    t.deepEqual(measured(dataDir), ['?v1', '?v2', '?v2'], 'the cached (last good) list');
  },
);

test.serial('the per-network list is chosen by where the check-in places the probe', async (t) => {
  const dir = join(tmp.dir, 'lists-geo');
  put(dir, 'local.json', local([{ q: 'everywhere' }]));
  put(dir, 'PK/local.json', local([{ q: 'pakistan' }]));
  put(dir, 'PK/AS17557/local.json', local([{ q: 'ptcl' }]));
  put(dir, 'PK/AS45595/local.json', local([{ q: 'zong' }]));
  const mmdb = join(tmp.dir, 'geo.mmdb');
  writeFileSync(
    mmdb,
    writeMmdb([
      {
        network: '127.0.0.0/8',
        data: { country: { iso_code: 'PK' }, autonomous_system_number: 17557 },
      },
    ]),
  );
  const collector = await startCollector(join(tmp.dir, 'geo.db'), {
    extra: ['--check-in-dir', dir, '--mmdb', mmdb],
  });
  t.teardown(() => collector.stop());
  const dataDir = join(tmp.dir, 'probe-geo');
  const r = await runSuite(dataDir, [collector.url]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(measured(dataDir), ['?ptcl']);
  t.like(outputOf(dataDir)[0], { probe_asn: 'AS17557', probe_cc: 'PK' });
});

test.serial(
  'an unchanged answer is a 304: the probe keeps its copy and still measures from it',
  async (t) => {
    const dir = join(tmp.dir, 'lists-304');
    put(dir, 'local.json', local([{ q: 'same' }]));
    const collector = await startCollector(join(tmp.dir, 'same.db'), {
      extra: ['--check-in-dir', dir],
    });
    t.teardown(() => collector.stop());
    const dataDir = join(tmp.dir, 'probe-304');
    const first = await runSuite(dataDir, [collector.url], ['--log-level', 'debug']);
    t.is(first.code, 0, first.stderr);
    t.notRegex(first.stderr, /lists unchanged/);
    const before = cacheOf(dataDir);
    const second = await runSuite(dataDir, [collector.url], ['--log-level', 'debug']);
    t.is(second.code, 0, second.stderr);
    t.regex(second.stderr, /checked in: lists unchanged/);
    const after = cacheOf(dataDir);
    t.is(after.response.version, before.response.version);
    t.not(after.fetched_at, before.fetched_at, 'the copy is known current as of this check-in');
    t.deepEqual(measured(dataDir), ['?same', '?same']);
  },
);

test.serial(
  'a central list the probe loader refuses is rejected with its reason; the last good one is measured',
  async (t) => {
    // a collector of another version (or something on the path) serving what this probe's loader refuses:
    // the route's schema lets it through (strings), the probe's suite loader does not (group, input)
    const good = openCheckInStore({ dir: null, log: pino({ level: 'silent' }) }).lists('ZZ', 'AS0');
    let serving: CheckInLists = { ...good, suites: [local([{ q: 'good' }])], version: 'good' };
    const c = await startCollectorApp({
      checkIn: { lists: () => serving, reload: () => true, lastError: () => null, close() {} },
    });
    t.teardown(() => c.close());
    const dataDir = join(tmp.dir, 'probe-bad');
    const first = await runSuite(dataDir, [c.url]);
    t.is(first.code, 0, first.stderr);
    t.deepEqual(measured(dataDir), ['?good']);

    const bad = local([{ q: 'bad' }]);
    bad.targets[0].group = 'Not A Group!';
    serving = { ...good, suites: [bad], schedule: { local: 'every minute' }, version: 'bad' };
    const second = await runSuite(dataDir, [c.url]);
    t.is(second.code, 0, second.stderr);
    t.regex(second.stderr, /central target lists rejected/);
    t.regex(second.stderr, /central suite local.*targets\[0\].*group must match/);
    t.regex(second.stderr, /schedule \\"local\\": \\"every minute\\" is not a cron expression/);
    t.deepEqual(measured(dataDir), ['?good', '?good'], 'the last good list, not the bad one');
    const cache = cacheOf(dataDir);
    t.is(cache.rejected?.length, 2);

    await c.close();
    const offline = await runSuite(dataDir, [c.url]);
    t.is(offline.code, 0, offline.stderr);
    t.deepEqual(measured(dataDir), ['?good', '?good', '?good'], 'offline: still the last good list');
  },
);

test.serial(
  "a risky category sent centrally is skipped unless the volunteer's configuration enables it",
  async (t) => {
    const dir = join(tmp.dir, 'lists-risky');
    put(
      dir,
      'local.json',
      local([{ q: 'news' }, { q: 'porn', category: 'PORN' }, { q: 'lgbt', category: 'LGBT' }]),
    );
    const collector = await startCollector(join(tmp.dir, 'risky.db'), { extra: ['--check-in-dir', dir] });
    t.teardown(() => collector.stop());
    const plain = join(tmp.dir, 'probe-risky');
    const r = await runSuite(plain, [collector.url]);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(measured(plain), ['?news']);
    t.regex(r.stderr, /Skipped .*\?porn: category PORN is not enabled/);
    t.regex(r.stderr, /Skipped .*\?lgbt: category LGBT is not enabled/);

    const optedIn = join(tmp.dir, 'probe-risky-lgbt');
    const config = join(tmp.dir, 'lgbt.json');
    writeFileSync(config, JSON.stringify({ enabled_risky_categories: ['LGBT'] }));
    const on = await runSuite(optedIn, [collector.url], ['--config', config]);
    t.is(on.code, 0, on.stderr);
    t.deepEqual(measured(optedIn).sort(), ['?lgbt', '?news'], 'only the category enabled explicitly');
  },
);

test.serial('the daemon runs a suite on the schedule the collector sends', async (t) => {
  const dir = join(tmp.dir, 'lists-daemon');
  put(dir, 'daemon_only.json', local([{ q: 'scheduled' }], 'daemon_only'));
  put(dir, 'schedule.json', { daemon_only: '*/2 * * * * *' });
  const collector = await startCollector(join(tmp.dir, 'daemon.db'), { extra: ['--check-in-dir', dir] });
  t.teardown(() => collector.stop());
  const dataDir = join(tmp.dir, 'probe-daemon');
  const config = join(tmp.dir, 'daemon-config.json');
  writeFileSync(config, JSON.stringify({ schedule: NO_DEFAULT_SUITES, jitter_max_seconds: 0 }));
  const daemon = spawnProbe([
    'start',
    '--config',
    config,
    ...loopbackProbeArgs(target, dataDir, [collector.url]),
  ]);
  t.teardown(() => {
    daemon.child.kill('SIGKILL');
  });
  await waitFor('two scheduled measurements of the central suite uploaded', () => {
    try {
      return [...collectorCounts(collector.db).keys()].length >= 2;
    } catch {
      return false;
    }
  });
  daemon.child.kill('SIGTERM');
  await daemon.done;
  t.true(readOutbox(dataDir).rows.length >= 2, 'measured by the daemon, from its own outbox');
  t.regex(daemon.stderr(), /"suites":\["daemon_only"\]/, 'only the centrally scheduled suite');
});

test.serial(
  'run --once and status follow the suites the collector schedules, except one the volunteer switched off',
  async (t) => {
    const dir = join(tmp.dir, 'lists-once');
    put(dir, 'central_a.json', local([{ q: 'a' }], 'central_a'));
    put(dir, 'central_b.json', local([{ q: 'b' }], 'central_b'));
    put(dir, 'schedule.json', { central_a: '0 * * * *', central_b: '0 * * * *' });
    const collector = await startCollector(join(tmp.dir, 'once.db'), { extra: ['--check-in-dir', dir] });
    t.teardown(() => collector.stop());
    const dataDir = join(tmp.dir, 'probe-once');
    const config = join(tmp.dir, 'once-config.json');
    writeFileSync(config, JSON.stringify({ schedule: { ...NO_DEFAULT_SUITES, central_b: null } }));
    const r = await runProbe([
      'run',
      '--once',
      '--config',
      config,
      '--output',
      `${dataDir}.jsonl`,
      ...loopbackProbeArgs(target, dataDir, [collector.url]),
    ]);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(measured(dataDir), ['?a'], 'central_a measured, central_b (null in the configuration) not');
    // status lists what the daemon would run: the central suite, marked as such, not the switched-off one
    const status = await runProbe([
      'status',
      '--config',
      config,
      ...loopbackProbeArgs(target, dataDir, [collector.url]),
    ]);
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /central_a\s+0 \* \* \* \*.*\(schedule from the collector\)/);
    t.notRegex(status.stdout, /central_b/);
  },
);
