/**
 * The probe CLI inside the censor lab (rb-probe, guard = lab ranges, lab resolver) uploading to a collector
 * process in rb-outside behind an HTTPS front on the lab collector addresses (collector.raabta.lab,
 * collector2.raabta.lab), with X-Forwarded-For so the collector sees the probe's address as a real
 * deployment behind a reverse proxy does.
 *  - SNI RST on the first collector's name → the probe uploads through the second;
 *  - a page whose body holds the probe's address → stored with `[scrubbed]`, and the address is nowhere in
 *    the collector's database files, its stored batches or its log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import Database from 'better-sqlite3';
import { useLab } from '../helpers/lab.ts';
import { createTestCa, type TestCa } from '../helpers/test-ca.ts';
import {
  type CollectorProcess,
  collectorCounts,
  exited,
  ROOT,
  readOutbox,
  runProbe,
  startCollector,
  tempDir,
} from './harness.ts';

const lab = useLab(test);
const PROBE_IP = '100.64.1.2';
const C1 = 'https://collector.raabta.lab';
const C2 = 'https://collector2.raabta.lab';

let tmp: ReturnType<typeof tempDir>;
let ca: TestCa;
let collector: CollectorProcess;
let front: ChildProcess;

test.serial.before('collector and HTTPS front in rb-outside', async () => {
  const { state } = lab();
  tmp = tempDir('raabta-lab-collectors-');
  ca = createTestCa('Raabta Lab Collector CA');
  const leaf = ca.issue(
    'collector.raabta.lab',
    state.collectors.map((c) => c.name),
  );
  collector = await startCollector(join(tmp.dir, 'collector.db'), {
    ns: state.namespaces.outside,
    extra: ['--trust-proxy', '127.0.0.1'],
  });
  front = spawn(
    'ip',
    [
      'netns',
      'exec',
      state.namespaces.outside,
      process.execPath,
      '--import',
      'tsx',
      join(ROOT, 'test/e2e/lab-front.ts'),
      leaf.certFile,
      leaf.keyFile,
      String(collector.port),
      ...state.collectors.map((c) => c.ip),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    front.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    front.once('exit', (code) => reject(new Error(`HTTPS front exited (${code})`)));
  });
});

test.after.always('stop collector and front', async () => {
  if (front) {
    front.kill('SIGTERM');
    await exited(front);
  }
  await collector?.stop();
  ca?.cleanup();
  tmp?.remove();
});

function probeArgs(dataDir: string): string[] {
  const { state } = lab();
  return [
    '--collector',
    C1,
    '--collector',
    C2,
    '--ca',
    ca.caFile,
    '--ca',
    state.caCert,
    '--resolver',
    state.resolver,
    '--allow',
    state.allowList,
    '--data-dir',
    dataDir,
    '--accept',
  ];
}

test.serial(
  'the first collector reset by SNI: the probe uploads through the second and says so',
  async (t) => {
    const { censor, state } = lab();
    await censor('sni-rst', true, ['collector.raabta.lab']);
    const dataDir = join(tmp.dir, 'failover');
    const before = collectorCounts(collector.db).size;
    const r = await runProbe(['run', '--once', '--target', 'https://example.org/', ...probeArgs(dataDir)], {
      ns: state.namespaces.probe,
    });
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /Uploaded 1 measurement\(s\) to https:\/\/collector2\.raabta\.lab/);
    const outbox = readOutbox(dataDir);
    t.deepEqual(
      outbox.attempts.map((a) => [a.collector, a.outcome, a.error_code]),
      [
        [C1, 'network_error', 'connection_reset'],
        [C2, 'ok', null],
      ],
      'the first collector was tried and reset, the second took the batch',
    );
    t.is(outbox.rows[0].state, 'uploaded');
    t.is(outbox.rows[0].acked_by, C2);
    t.is(collectorCounts(collector.db).size, before + 1);
    const status = await runProbe(['status', '--data-dir', dataDir, '--collector', C1, '--collector', C2]);
    t.regex(status.stdout, /Collector in use: https:\/\/collector2\.raabta\.lab \(of 2\)/);
  },
);

test.serial(
  "a page holding the probe's address is stored with [scrubbed]; the address is in no collector table, file or log line",
  async (t) => {
    const { state } = lab();
    const dataDir = join(tmp.dir, 'privacy');
    const page = `http://${state.collectors[0].ip}/`;
    const r = await runProbe(['run', '--once', '--target', page, ...probeArgs(dataDir)], {
      ns: state.namespaces.probe,
    });
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /Uploaded 1 measurement\(s\)/);
    const check = JSON.parse(readFileSync(join(dataDir, 'check-in.json'), 'utf8')) as {
      response: { probe_ip: string };
    };
    t.is(check.response.probe_ip, PROBE_IP, 'the collector saw the probe at its lab address');

    const [row] = readOutbox(dataDir).rows;
    const db = new Database(collector.db, { readonly: true });
    t.teardown(() => db.close());
    const uid = row.uid;
    const batch = db
      .prepare(
        'SELECT b.gzip AS gzip, b.signature AS signature FROM measurements m JOIN raw_batches b ON b.id = m.batch_id WHERE m.uid = ?',
      )
      .get(uid) as { gzip: Buffer; signature: Buffer | null } | undefined;
    t.truthy(batch, 'stored');
    const inflated = gunzipSync(batch!.gzip).toString('utf8');
    t.regex(inflated, /Your address is \[scrubbed\]/);
    t.not(batch!.signature, null, 'kept as the probe signed it: the probe had scrubbed it already');

    const files = readdirSync(tmp.dir)
      .filter((f) => f.startsWith('collector.db'))
      .map((f) => readFileSync(join(tmp.dir, f)).toString('latin1'));
    const batches = (db.prepare('SELECT gzip FROM raw_batches').pluck().all() as Buffer[]).map((g) =>
      gunzipSync(g).toString('utf8'),
    );
    t.true(files.length >= 1 && batches.length >= 1 && collector.logs.length > 0);
    for (const [what, text] of [
      ['database files', files.join('\n')],
      ['stored batches', batches.join('\n')],
      ['collector log lines', collector.logs.join('')],
    ] as const) {
      t.false(text.includes(PROBE_IP), `${what} contain the probe's address`);
    }
  },
);
