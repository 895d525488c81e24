/**
 * The caller's address never reaches the database or the logs: requests come from an unusual loopback
 * address (127.0.0.77) or through a trusted proxy (X-Forwarded-For), and that address is also planted in
 * the uploaded measurements (the collector's second-line scrub must remove it).
 */
import { gunzipSync } from 'node:zlib';
import test, { type ExecutionContext } from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { countRows, http, registerProbe, startCollector, type TestCollector, upload } from './helpers.ts';

/**
 * Every byte the collector keeps: the database (SQLite: its files, WAL included; PostgreSQL: a plain
 * pg_dump of it), every stored batch inflated, and the logs.
 */
async function everythingStored(c: TestCollector): Promise<string> {
  const dump = c.database.dump();
  const batches = (await c.database.query<{ gzip: Buffer }>('SELECT gzip FROM raw_batches')).map((r) =>
    gunzipSync(r.gzip).toString('utf8'),
  );
  if (batches.length === 0 || !dump.includes('raw_batches')) throw new Error('nothing stored to search');
  return [dump, ...batches, ...c.logs].join('\n');
}

async function plantAndUpload(
  t: ExecutionContext,
  c: TestCollector,
  ip: string,
  send: { localAddress?: string; headers?: Record<string, string> },
) {
  const probe = await registerProbe(c.url);
  const m = sampleMeasurement({ probe_id: probe.probeId });
  m.annotations = { ...m.annotations, note: `public address ${ip} leaked here`, other: `${ip}:51234` };
  const near = sampleMeasurement({ probe_id: probe.probeId });
  near.annotations = { ...near.annotations, unrelated: `1${ip}5` }; // contains the digits, is not the address
  const r = await upload(c.url, probe, [m, near], send);
  t.is(r.status, 200, r.text);
  const raw = await http(`${c.url}/api/v1/measurements/${m.measurement_uid}/raw`);
  t.regex(raw.text, /public address \[scrubbed\] leaked here/);
  t.regex(raw.text, /\[scrubbed\]:51234/);
  const rawNear = await http(`${c.url}/api/v1/measurements/${near.measurement_uid}/raw`);
  t.true(rawNear.text.includes(`1${ip}5`), 'a longer address containing the same digits is left alone');
  // errors and other routes from the same address
  await upload(c.url, probe, [m], { ...send, signature: 'A'.repeat(86) + '==' });
  await http(`${c.url}/api/v1/nowhere`, send);
  const checkIn = await http(`${c.url}/api/v1/check-in`, {
    ...send,
    headers: { ...send.headers, 'x-raabta-probe-id': probe.probeId },
  });
  t.is(checkIn.json.probe_ip, ip, 'echoed to the probe so it can scrub it');
  return { m, near };
}

test('a caller on 127.0.0.77 leaves no trace of its address in the database or the logs', async (t) => {
  const c = await startCollector({ prepareWorkers: 1 });
  t.teardown(() => c.close());
  const ip = '127.0.0.77';
  const { near } = await plantAndUpload(t, c, ip, { localAddress: ip });
  t.true(c.logs.length > 0, 'logs were captured');
  const all = (await everythingStored(c)).replaceAll(`1${ip}5`, '');
  t.false(all.includes(ip), 'the address appears nowhere');
  t.true(near.annotations.unrelated.includes(ip));
});

test('behind a trusted proxy the forwarded address is scrubbed and never logged', async (t) => {
  const c = await startCollector({ trustProxy: true });
  t.teardown(() => c.close());
  const ip = '203.0.113.77';
  await plantAndUpload(t, c, ip, { headers: { 'x-forwarded-for': ip } });
  const all = (await everythingStored(c)).replaceAll(`1${ip}5`, '');
  t.false(all.includes(ip));
  t.is(await countRows(c.database), 2);
});

test('the probes table holds keys and software, never an address', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  await registerProbe(c.url);
  t.deepEqual(await c.database.columns('probes'), [
    'created_ms',
    'platform',
    'probe_id',
    'public_key',
    'software_name',
    'software_version',
  ]);
});
