/**
 * The probe shipped as one JavaScript file (scripts/build-probe.ts → raabta-probe.mjs, run by bin/raabta.js)
 * behaves as the TypeScript CLI run through tsx. The bundle is built from the current sources into a temporary
 * directory (with bin/raabta.js next to it and node_modules linked, as an installed package would have them),
 * so the test never runs a stale dist/. Real processes only: a collector process on loopback, a loopback
 * HTTPS site with a throw-away CA and DNS server, guard 127.0.0.0/8.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { buildProbe } from '../../scripts/build-probe.ts';
import {
  CLI,
  exited,
  type LoopbackTarget,
  loopbackProbeArgs,
  PAGE_TITLE,
  ROOT,
  readOutbox,
  startCollector,
  startLoopbackTarget,
  tempDir,
} from '../e2e/harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: measurements and API responses are read as arbitrary JSON
type Json = any;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const tmp = tempDir('raabta-bundle-');
const dist = join(tmp.dir, 'dist');
const bundle = join(dist, 'raabta-probe.mjs');
const bin = join(tmp.dir, 'bin', 'raabta.js');

test.before(async () => {
  await buildProbe({ quiet: true, outDir: dist });
  mkdirSync(join(tmp.dir, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'raabta.js'), bin);
  symlinkSync(join(ROOT, 'node_modules'), join(tmp.dir, 'node_modules'));
});
test.after.always(() => tmp.remove());

type Cli = 'tsx' | 'bundle' | 'bin';
const ARGV: Record<Cli, string[]> = {
  tsx: ['--import', 'tsx', CLI],
  bundle: [bundle],
  bin: [bin],
};

async function run(cli: Cli, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, [...ARGV[cli], ...args], {
    cwd: tmp.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    // no configuration or data directory of the machine running the tests
    env: {
      ...process.env,
      XDG_CONFIG_HOME: '/nonexistent-raabta-test',
      XDG_DATA_HOME: join(tmp.dir, 'xdg-data'),
      RAABTA_ALLOW: undefined,
      RAABTA_DATA_DIR: undefined,
      RAABTA_TSX: undefined,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const { code } = await exited(child);
  return { code, stdout, stderr };
}

/** Keys, value types and array lengths — what a trace is made of, without its times, ids and addresses. */
function shape(v: Json): Json {
  if (Array.isArray(v)) return v.map(shape);
  if (v === null) return null;
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shape(v[k])]),
    );
  return typeof v;
}

/** What must be equal value for value: the verdict and the outcome of every step. */
function outcome(m: Json) {
  const k = m.test_keys;
  return {
    verdict: m.raabta.verdict,
    input: m.input,
    test_name: m.test_name,
    software: [m.software_name, m.software_version],
    queries: k.queries.map((q: Json) => [
      q.query_type,
      q.failure,
      q.answers.map((a: Json) => a.ipv4 ?? a.ipv6),
    ]),
    tcp_connect: k.tcp_connect.map((c: Json) => [c.ip, c.port, c.status.success, c.status.failure]),
    tls_handshakes: k.tls_handshakes.map((h: Json) => [h.server_name, h.failure, h.verified, h.tls_version]),
    requests: k.requests.map((r: Json) => [r.request.url, r.failure, r.response.code, r.response.title]),
  };
}

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** `probe run --once --target URL` with one CLI and a fresh data dir; the measurement as the collector keeps it. */
async function measureWith(cli: Cli, target: LoopbackTarget, collectorUrl: string, name: string) {
  const dataDir = join(tmp.dir, name);
  const r = await run(cli, [
    'probe',
    'run',
    '--once',
    '--target',
    target.url,
    ...loopbackProbeArgs(target, dataDir, [collectorUrl]),
  ]);
  const outbox = readOutbox(dataDir);
  if (outbox.rows.length !== 1)
    throw new Error(`${cli}: ${outbox.rows.length} rows in the outbox: ${r.stderr}`);
  const uid = outbox.rows[0].uid;
  const one = await getJson(`${collectorUrl}/api/v1/measurements/${uid}`);
  return { r, outbox, stored: one };
}

test.serial(
  'the bundled CLI stores the same verdict and trace shape as the tsx CLI, for an ok page and for a blockpage',
  async (t) => {
    const target = await startLoopbackTarget();
    const collector = await startCollector(join(tmp.dir, 'collector.db'));
    t.teardown(async () => {
      await collector.stop();
      await target.close();
    });

    const ok = {
      tsx: await measureWith('tsx', target, collector.url, 'ok-tsx'),
      bundle: await measureWith('bundle', target, collector.url, 'ok-bundle'),
    };
    // a page carrying a blockpage signature of probe/fingerprints/blockpages.json (read from the bundle's copy)
    target.page = `<!doctype html><html><head><title>Blocked</title></head><body>This website is not accessible.</body></html>`;
    const blocked = {
      tsx: await measureWith('tsx', target, collector.url, 'bp-tsx'),
      bundle: await measureWith('bundle', target, collector.url, 'bp-bundle'),
    };

    for (const [page, runs] of Object.entries({ ok, blocked })) {
      for (const [cli, x] of Object.entries(runs)) {
        t.is(x.r.code, 0, `${page} ${cli}: ${x.r.stderr}`);
        t.regex(x.r.stderr, /Uploaded 1 measurement\(s\)/, `${page} ${cli}`);
        t.deepEqual(
          x.outbox.rows.map((row) => [row.state, row.ack_status]),
          [['uploaded', 'accepted']],
          `${page} ${cli}: acknowledged by the collector`,
        );
      }
      const a = runs.tsx.stored;
      const b = runs.bundle.stored;
      t.deepEqual(outcome(b.measurement), outcome(a.measurement), `${page}: verdict and step outcomes`);
      t.deepEqual(shape(b.measurement), shape(a.measurement), `${page}: trace shape`);
      t.deepEqual(
        b.verdicts.map((v: Json) => [v.source, v.status, v.method]),
        a.verdicts.map((v: Json) => [v.source, v.status, v.method]),
        `${page}: the verdicts the collector stored (the probe's and its own re-analysis)`,
      );
      t.not(b.measurement.raabta.probe_id, a.measurement.raabta.probe_id, 'two probes, two keys');
    }
    t.is(ok.bundle.stored.measurement.raabta.verdict.status, 'ok');
    t.true(String(ok.bundle.stored.measurement.test_keys.requests[0].response.body).includes(PAGE_TITLE));
    const bv = blocked.bundle.stored.measurement.raabta.verdict;
    t.is(bv.status, 'blocked', bv.reason);
    t.regex(
      bv.reason,
      /lab_surf_safely/,
      'the blockpage signature, from the fingerprint file next to the bundle',
    );
  },
);

const USAGE_CASES: string[][] = [
  [],
  ['--help'],
  ['-h'],
  ['bogus'],
  ['probe'],
  ['probe', '--help'],
  ['probe', 'bogus'],
  ['probe', 'run'],
  ['probe', 'status', '--bogus'],
];

test.serial(
  'help and usage errors: same exit code, stdout and stderr from the bundle, bin/raabta.js and the tsx CLI',
  async (t) => {
    for (const args of USAGE_CASES) {
      const [a, b, c] = await Promise.all([run('tsx', args), run('bundle', args), run('bin', args)]);
      t.deepEqual(b, a, `bundle ${JSON.stringify(args)}`);
      t.deepEqual(c, a, `bin/raabta.js ${JSON.stringify(args)}`);
    }
    t.is((await run('bundle', ['--help'])).code, 0);
    t.is((await run('bundle', ['probe', 'bogus'])).code, 2);
  },
);

test.serial(
  'bin/raabta.js runs the bundle next to it, and the bundle reads suites from its own directory',
  async (t) => {
    const target = await startLoopbackTarget();
    t.teardown(() => target.close());
    // a suite added to the bundle's copy of probe/suites: `--suite NAME` finds it by name, through the bundle
    writeFileSync(
      join(dist, 'probe', 'suites', 'bundleloop.json'),
      JSON.stringify({
        suite: 'bundleloop',
        version: '2026-11-29',
        category_code: 'NEWS',
        targets: [{ input: target.url, kind: 'web', group: 'loopback' }],
      }),
    );
    // the copied bin/raabta.js has no TypeScript sources next to it: it can only have run the bundle
    const dataDir = join(tmp.dir, 'suite');
    const args = loopbackProbeArgs(target, dataDir, []);
    const r = await run('bin', ['probe', 'run', '--once', '--suite', 'bundleloop', '--no-upload', ...args]);
    t.is(r.code, 0, r.stderr);
    const rows = readOutbox(dataDir).rows;
    t.is(rows.length, 1, r.stderr);
    const m = JSON.parse(rows[0].body ?? '{}') as Json;
    t.is(m.input, target.url);
    t.is(m.raabta.verdict.status, 'ok', m.raabta.verdict.reason);
    t.true(target.hits >= 1);

    // RAABTA_TSX=1 and `collector` take the tsx path (here: no sources next to the copied bin, so it fails loudly)
    const forced = await run('bin', ['probe', '--help'], { RAABTA_TSX: '1' });
    t.not(forced.code, 0);
    t.regex(forced.stderr, /cli\.ts/);
  },
);

test.serial(
  'a bundle older than a source it was built from is not run: bin/raabta.js says so and takes the sources',
  async (t) => {
    // the copied package gets one of the bundle's inputs, edited after the build
    const edited = join(tmp.dir, 'probe', 'cli', 'main.ts');
    mkdirSync(join(tmp.dir, 'probe', 'cli'), { recursive: true });
    writeFileSync(edited, '// edited after the build\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(edited, later, later);
    t.teardown(() => rmSync(join(tmp.dir, 'probe'), { recursive: true, force: true }));
    const r = await run('bin', ['probe', '--help']);
    t.regex(r.stderr, /probe\/cli\/main\.ts is newer than dist\/raabta-probe\.mjs; running the sources/);
    // the copy has no bin/cli.ts: the tsx path fails, which shows the bundle was not used
    t.not(r.code, 0);
    t.notRegex(r.stdout, /Usage: raabta probe/);
  },
);
