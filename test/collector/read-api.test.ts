import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import {
  http,
  registerProbe,
  startCollector,
  type TestCollector,
  type TestProbe,
  upload,
} from './helpers.ts';

const T0 = Date.UTC(2024, 10, 10, 8, 0, 0);
const H = 3600_000;
let c: TestCollector;
let p1: TestProbe;
let p2: TestProbe;

test.before(async () => {
  c = await startCollector();
  p1 = await registerProbe(c.url);
  p2 = await registerProbe(c.url);
  const a = Array.from({ length: 30 }, (_, i) =>
    sampleMeasurement({
      probe_id: p1.probeId,
      start: new Date(T0 + i * 10 * 60_000),
      target_group: i % 2 ? 'x' : 'news',
      input: i % 2 ? 'https://x.com/' : 'https://www.dawn.com/',
    }),
  );
  const b = Array.from({ length: 10 }, (_, i) =>
    sampleMeasurement({
      probe_id: p2.probeId,
      start: new Date(T0 + i * 10 * 60_000),
      target_group: 'x',
      probe_asn: 'AS38193',
      network_name: 'Jazz',
      simulated: true,
    }),
  );
  for (const [p, ms] of [
    [p1, a],
    [p2, b],
  ] as const) {
    const r = await upload(c.url, p, ms);
    if (r.status !== 200) throw new Error(r.text);
  }
});
test.after.always(() => c?.close());

test('measurements page through every row newest first with the cursor', async (t) => {
  const uids: string[] = [];
  let cursor: string | null = null;
  let starts: string[] = [];
  do {
    const r = await http(`${c.url}/api/v1/measurements?limit=15${cursor ? `&cursor=${cursor}` : ''}`);
    t.is(r.status, 200, r.text);
    uids.push(...r.json.results.map((x: { measurement_uid: string }) => x.measurement_uid));
    starts = starts.concat(
      r.json.results.map((x: { measurement_start_time: string }) => x.measurement_start_time),
    );
    cursor = r.json.next_cursor;
  } while (cursor);
  t.is(uids.length, 40);
  t.is(new Set(uids).size, 40);
  t.deepEqual([...starts].sort().reverse(), starts, 'newest first');
});

test('measurement filters combine', async (t) => {
  const q = new URLSearchParams({
    target_group: 'x',
    probe_asn: 'AS38193',
    since: new Date(T0 + 30 * 60_000).toISOString(),
    until: new Date(T0 + 60 * 60_000).toISOString(),
  });
  const r = await http(`${c.url}/api/v1/measurements?${q}`);
  t.is(r.status, 200, r.text);
  t.is(r.json.results.length, 3);
  for (const m of r.json.results)
    t.like(m, { target_group: 'x', probe_asn: 'AS38193', simulated: true, probe_network_name: 'Jazz' });
  const sim = await http(`${c.url}/api/v1/measurements?simulated=0&limit=1000`);
  t.is(sim.json.results.length, 30);
  const input = await http(
    `${c.url}/api/v1/measurements?input=${encodeURIComponent('https://www.dawn.com/')}&limit=1000`,
  );
  t.is(input.json.results.length, 15);
});

test('bad read parameters are 400s naming the parameter', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['/api/v1/measurements?since=yesterday', 'bad_time', /since/],
    ['/api/v1/measurements?limit=0', 'invalid_request', /limit/],
    ['/api/v1/measurements?colour=red', 'invalid_request', /colour/],
    ['/api/v1/measurements?cursor=nonsense', 'bad_cursor', /cursor/],
    ['/api/v1/measurements?probe_asn=17557', 'invalid_request', /probe_asn/],
    ['/api/v1/timeline?bucket=5m', 'invalid_request', /bucket/],
    [
      '/api/v1/timeline?bucket=10m&since=2000-01-01T00:00:00Z&until=2024-01-01T00:00:00Z',
      'range_too_large',
      /bucket/,
    ],
    ['/api/v1/timeline?since=2024-01-02T00:00:00Z&until=2024-01-01T00:00:00Z', 'bad_range', /since/],
  ];
  for (const [path, code, message] of cases) {
    const r = await http(c.url + path);
    t.is(r.status, 400, path);
    t.is(r.json.error.code, code, path);
    t.regex(r.json.error.message, message, path);
  }
});

test('one measurement: raw as stored plus verdicts; unknown uid is 404', async (t) => {
  const list = await http(`${c.url}/api/v1/measurements?limit=1`);
  const uid = list.json.results[0].measurement_uid;
  const d = await http(`${c.url}/api/v1/measurements/${uid}`);
  t.is(d.status, 200);
  t.is(d.json.measurement.measurement_uid, uid);
  t.true(d.json.verdicts.length >= 1);
  const raw = await http(`${c.url}/api/v1/measurements/${uid}/raw`);
  t.is(raw.headers['content-type'], 'application/json; charset=utf-8');
  t.deepEqual(JSON.parse(raw.text), d.json.measurement);
  const missing = await http(`${c.url}/api/v1/measurements/20241110T000000Z_PK_web_0000000000000000`);
  t.is(missing.status, 404);
  t.is(missing.json.error.code, 'not_found');
  t.is((await http(`${c.url}/api/v1/measurements/bad uid!`)).status, 400);
});

test('timeline series by group, by ASN and by input, from the rollups', async (t) => {
  const base = `since=${new Date(T0 - H).toISOString()}&until=${new Date(T0 + 6 * H).toISOString()}`;
  const r = await http(`${c.url}/api/v1/timeline?${base}&bucket=1h`);
  t.is(r.status, 200, r.text);
  t.is(r.json.bucket, '1h');
  t.true(r.json.simulated, 'some of the data is simulated');
  const x = r.json.series.find((s: { key: { target_group: string } }) => s.key.target_group === 'x');
  t.deepEqual(x.key, { target_group: 'x' });
  const first = x.buckets[0];
  t.is(first.t, new Date(T0).toISOString());
  const total = first.ok + first.blocked + first.down + first.error + first.inconclusive;
  t.is(total, 3 + 6, '3 from probe 1 (odd slots in the first hour) and 6 from probe 2');
  t.is(first.probes, 2);
  const byAsn = await http(
    `${c.url}/api/v1/timeline?${base}&bucket=1d&group_by=target_group&by_asn=1&target_group=x`,
  );
  t.deepEqual(
    byAsn.json.series
      .map((s: { key: object }) => s.key)
      .sort((a: { probe_asn: string }, b: { probe_asn: string }) => a.probe_asn.localeCompare(b.probe_asn)),
    [
      { target_group: 'x', probe_asn: 'AS17557' },
      { target_group: 'x', probe_asn: 'AS38193' },
    ],
  );
  const byInput = await http(`${c.url}/api/v1/timeline?${base}&bucket=10m&group_by=input&target_group=news`);
  t.deepEqual(
    byInput.json.series.map((s: { key: object }) => s.key),
    [{ target_group: 'news', input: 'https://www.dawn.com/' }],
  );
  t.is(byInput.json.series[0].buckets.length, 15, 'empty 10-minute buckets are omitted');
  const real = await http(`${c.url}/api/v1/timeline?${base}&simulated=0`);
  t.false(real.json.simulated);
});

test('coverage gives counts per network and nothing that identifies a probe', async (t) => {
  const r = await http(`${c.url}/api/v1/probes`);
  t.is(r.status, 200);
  const rows = r.json.results.sort((a: { probe_asn: string }, b: { probe_asn: string }) =>
    a.probe_asn.localeCompare(b.probe_asn),
  );
  t.like(rows[0], { probe_asn: 'AS17557', probes: 1, measurements: 30 });
  t.like(rows[1], { probe_asn: 'AS38193', probes: 1, measurements: 10, network_name: 'Jazz' });
  t.false(r.text.includes(p1.probeId) || r.text.includes(p2.probeId));
});

test('networks come from the networks file when there is one', async (t) => {
  t.deepEqual((await http(`${c.url}/api/v1/networks`)).json, { results: [] });
  writeFileSync(
    join(c.dir, 'networks.json'),
    JSON.stringify([{ asn: 'AS17557', name: 'PTCL', kind: 'fixed', cc: 'PK' }]),
  );
  const r = await http(`${c.url}/api/v1/networks`);
  t.deepEqual(r.json.results, [{ asn: 'AS17557', name: 'PTCL', kind: 'fixed', cc: 'PK' }]);
});

test('datasets: an empty manifest until exports exist; unknown files are 404', async (t) => {
  t.deepEqual((await http(`${c.url}/api/v1/datasets`)).json, { results: [] });
  const r = await http(`${c.url}/api/v1/datasets/2024-11-10/raabta-2024-11-10.csv`);
  t.is(r.status, 404);
  t.is((await http(`${c.url}/api/v1/datasets/2024-11-10/..%2F..%2Fetc%2Fpasswd`)).status, 400);
});
