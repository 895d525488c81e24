/**
 * Uploads through a proxy (`--proxy`), with real processes: the probe CLI, a collector process, and a real
 * SOCKS5 server (RFC 1928) or HTTP CONNECT proxy on loopback (test/helpers). The collector receives the
 * batch through the proxy, each attempt is recorded in the outbox with the proxy it went through, a proxy
 * that is down is explained in `raabta probe status`, and the destination guard still applies to
 * measurements (the proxy's address is admitted for uploads only).
 */
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import {
  collectorCounts,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  readOutbox,
  runProbe,
  startCollector,
  startLoopbackTarget,
  tempDir,
  writeJson,
} from '../e2e/harness.ts';
import { startConnectProxy } from '../helpers/connect-proxy.ts';
import { startSocks5Server, type TestProxy } from '../helpers/socks5-server.ts';
import { createTestCa } from '../helpers/test-ca.ts';

async function setup(t: ExecutionContext) {
  const tmp = tempDir('raabta-proxy-');
  const target = await startLoopbackTarget();
  const db = join(tmp.dir, 'collector.db');
  const collector = await startCollector(db);
  t.teardown(async () => {
    await collector.stop();
    await target.close();
    tmp.remove();
  });
  const config = writeJson(join(tmp.dir, 'probe.json'), { schedule: NO_DEFAULT_SUITES });
  const dataDir = join(tmp.dir, 'probe');
  const args = ['--config', config, ...loopbackProbeArgs(target, dataDir, [collector.url])];
  return { tmp, target, db, collector, config, dataDir, args };
}

/** `shown`: the proxy as the outbox and status name it (without credentials) */
async function uploadsThrough(
  t: ExecutionContext,
  proxy: TestProxy,
  shown = proxy.url,
  extra: string[] = [],
) {
  t.timeout(90_000);
  const s = await setup(t);
  t.teardown(() => proxy.close());
  const run = await runProbe([
    'run',
    '--once',
    '--target',
    s.target.url,
    '--proxy',
    proxy.url,
    ...s.args,
    ...extra,
  ]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /Uploaded 1 measurement\(s\)/);
  const outbox = readOutbox(s.dataDir);
  t.deepEqual(
    outbox.rows.map((r) => r.state),
    ['uploaded'],
  );
  t.deepEqual([...collectorCounts(s.db).keys()], [outbox.rows[0].uid], 'the collector has the measurement');
  const port = s.collector.port;
  t.true(
    proxy.requests.some((r) => r.host === '127.0.0.1' && r.port === port && r.result === 'ok'),
    `the proxy carried a connection to the collector: ${JSON.stringify(proxy.requests)}`,
  );
  t.like(outbox.attempts.at(-1), { outcome: 'ok', via: shown, accepted: 1 });
  const status = await runProbe(['status', ...s.args, '--proxy', proxy.url]);
  t.regex(status.stdout, new RegExp(`Last upload: .*uploaded 1 measurement\\(s\\) to .* via ${shown}`));
  return { status: status.stdout, attempts: JSON.stringify(outbox.attempts) };
}

test('upload through a SOCKS5 proxy: the collector receives the batch, the proxy carried it, the attempt records the proxy', async (t) => {
  await uploadsThrough(t, await startSocks5Server());
});

test('upload through a SOCKS5 proxy with username and password (RFC 1929)', async (t) => {
  const proxy = await startSocks5Server({ user: 'tor', pass: 's3cret' });
  const seen = await uploadsThrough(
    t,
    { ...proxy, url: proxy.url.replace('//', '//tor:s3cret@') },
    proxy.url,
  );
  t.false(seen.attempts.includes('s3cret'), 'the password is not stored in the outbox');
  t.false(seen.status.includes('s3cret'), 'nor shown by status');
});

test('upload through an HTTP CONNECT proxy: the collector receives the batch, the proxy carried it', async (t) => {
  await uploadsThrough(t, await startConnectProxy());
});

test('proxy down: the upload attempt is recorded as failed, blaming the proxy, and status explains it; the measurement stays pending', async (t) => {
  t.timeout(90_000);
  const s = await setup(t);
  const gone = await startSocks5Server();
  await gone.close(); // its port is now closed: nothing listens there
  const run = await runProbe(['run', '--once', '--target', s.target.url, '--proxy', gone.url, ...s.args]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /Upload failed: .*proxy/);
  const outbox = readOutbox(s.dataDir);
  t.deepEqual(
    outbox.rows.map((r) => r.state),
    ['pending'],
  );
  t.is(collectorCounts(s.db).size, 0);
  t.like(outbox.attempts.at(-1), {
    outcome: 'network_error',
    via: gone.url,
    error_code: 'proxy_connection_refused',
  });
  const status = await runProbe(['status', ...s.args, '--proxy', gone.url]);
  t.regex(
    status.stdout,
    new RegExp(
      `Last upload error: .*could not reach ${s.collector.url}/? via ${gone.url}: the proxy could not be reached: the connection was refused`,
    ),
  );
});

test('with a proxy the guard still applies to measurements: the proxy address is admitted for uploads only', async (t) => {
  t.timeout(90_000);
  const s = await setup(t);
  const proxy = await startSocks5Server();
  t.teardown(() => proxy.close());
  // --allow names no loopback range: only the explicitly configured proxy (127.0.0.1) may be dialled, by uploads
  const args = s.args.map((a) => (a === '127.0.0.0/8' ? '198.18.0.0/15' : a));
  const run = await runProbe(['run', '--once', '--target', s.target.url, '--proxy', proxy.url, ...args]);
  t.is(s.target.hits, 0, 'the probe did not reach the target');
  t.is(s.target.dns.queries.length, 0, 'nor its DNS server');
  const outbox = readOutbox(s.dataDir);
  t.is(outbox.rows.length, 1, run.stderr);
  t.is(outbox.rows[0].state, 'uploaded', 'the upload went through the proxy');
  const stored = JSON.parse(
    (await (await fetch(`${s.collector.url}/api/v1/measurements/${outbox.rows[0].uid}`)).text()) || '{}',
  ) as Record<string, unknown>;
  t.regex(
    JSON.stringify(stored),
    /destination_not_allowed/,
    'the measurement records the refused destination',
  );
});

test('proxy refuses the tunnel (wrong SOCKS5 password): recorded as proxy_refused and explained as the proxy not opening the connection', async (t) => {
  t.timeout(90_000);
  const s = await setup(t);
  const proxy = await startSocks5Server({ user: 'tor', pass: 'right' });
  t.teardown(() => proxy.close());
  const url = proxy.url.replace('//', '//tor:wrong@');
  const run = await runProbe(['run', '--once', '--target', s.target.url, '--proxy', url, ...s.args]);
  t.is(run.code, 0, run.stderr);
  const outbox = readOutbox(s.dataDir);
  t.deepEqual(
    outbox.rows.map((r) => r.state),
    ['pending'],
  );
  t.like(outbox.attempts.at(-1), { outcome: 'network_error', via: proxy.url, error_code: 'proxy_refused' });
  const status = await runProbe(['status', ...s.args, '--proxy', url]);
  t.regex(status.stdout, /Last upload error: .*the proxy did not open a connection to the collector/);
  t.false(status.stdout.includes('wrong'), 'the password is not shown');
});

/** An HTTPS CONNECT proxy on 127.0.0.1 whose certificate comes from its own throw-away CA. */
async function startTlsProxy(t: ExecutionContext) {
  const ca = createTestCa('Raabta proxy CA');
  const leaf = ca.issue('127.0.0.1', ['127.0.0.1']);
  const proxy = await startConnectProxy({ tls: { cert: leaf.certPem, key: leaf.keyPem } });
  t.teardown(() => ca.cleanup());
  return { ca, proxy };
}

test('upload through an HTTPS CONNECT proxy whose certificate verifies (its CA given with --ca)', async (t) => {
  const { ca, proxy } = await startTlsProxy(t);
  await uploadsThrough(t, proxy, proxy.url, ['--ca', ca.caFile]);
});

test('HTTPS proxy with a certificate that does not verify: nothing goes through it, the attempt blames the proxy certificate', async (t) => {
  t.timeout(90_000);
  const s = await setup(t);
  const { proxy } = await startTlsProxy(t);
  t.teardown(() => proxy.close());
  const run = await runProbe(['run', '--once', '--target', s.target.url, '--proxy', proxy.url, ...s.args]);
  t.is(run.code, 0, run.stderr);
  t.deepEqual(proxy.requests, [], 'no CONNECT was sent through an unverified proxy');
  t.is(collectorCounts(s.db).size, 0);
  t.like(readOutbox(s.dataDir).attempts.at(-1), {
    outcome: 'network_error',
    via: proxy.url,
    error_code: 'proxy_ssl_unknown_authority',
  });
  const status = await runProbe(['status', ...s.args, '--proxy', proxy.url]);
  t.regex(
    status.stdout,
    /Last upload error: .*the proxy could not be reached: the proxy's certificate is not trusted/,
  );
});
