import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import test from 'ava';
import { writeMmdb } from '../../collector/geo/mmdb-writer.ts';
import { loadSuites } from '../../probe/suites/load.ts';
import { http, newKey, startCollector, tempDir } from './helpers.ts';

const json = { 'content-type': 'application/json' };

test('registering the same key twice gives the same probe id; bad requests are named', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const key = newKey();
  const body = JSON.stringify({
    public_key: key.publicKeyB64,
    software_name: 'raabta-probe',
    software_version: '0.1.0',
  });
  const a = await http(`${c.url}/api/v1/probes/register`, { method: 'POST', headers: json, body });
  const b = await http(`${c.url}/api/v1/probes/register`, { method: 'POST', headers: json, body });
  t.is(a.status, 200);
  t.regex(a.json.probe_id, /^p_[0-9a-f]{24}$/);
  t.is(b.json.probe_id, a.json.probe_id);
  const extra = await http(`${c.url}/api/v1/probes/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...JSON.parse(body), ip: '1.2.3.4' }),
  });
  t.is(extra.status, 400);
  t.regex(extra.json.error.message, /unknown field "ip"/);
  const short = await http(`${c.url}/api/v1/probes/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ public_key: 'abc', software_name: 'x', software_version: '1' }),
  });
  t.is(short.status, 400);
  t.regex(short.json.error.message, /public_key/);
  const broken = await http(`${c.url}/api/v1/probes/register`, {
    method: 'POST',
    headers: json,
    body: '{"public_key":',
  });
  t.is(broken.status, 400);
  t.is(broken.json.error.code, 'bad_json');
});

test('check-in looks the caller up in the local mmdb; without one it is ZZ/AS0', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const mmdb = join(tmp.dir, 'geo.mmdb');
  writeFileSync(
    mmdb,
    writeMmdb([
      {
        network: '127.0.0.0/8',
        data: {
          country: { iso_code: 'PK' },
          autonomous_system_number: 17557,
          autonomous_system_organization: 'PTCL',
        },
      },
    ]),
  );
  const c = await startCollector({ mmdb: [mmdb] });
  t.teardown(() => c.close());
  const r = await http(`${c.url}/api/v1/check-in`, {
    localAddress: '127.0.0.9',
    headers: { 'x-raabta-probe-id': 'p_x' },
  });
  t.is(r.status, 200);
  const { suites, version, ...where } = r.json;
  t.deepEqual(where, {
    probe_cc: 'PK',
    probe_asn: 'AS17557',
    probe_network_name: 'PTCL',
    probe_ip: '127.0.0.9',
    schedule: {},
  });
  t.regex(version, /^[0-9a-f]{32}$/);
  t.deepEqual(suites, loadSuites(), 'without an operator directory: the built-in suites of the probe');
  const bare = await startCollector();
  t.teardown(() => bare.close());
  const u = await http(`${bare.url}/api/v1/check-in`);
  t.like(u.json, { probe_cc: 'ZZ', probe_asn: 'AS0', probe_network_name: null, probe_ip: '127.0.0.1' });
});

async function origin(t: import('ava').ExecutionContext): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><head><title>Origin</title></head><body>hello</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

test('the control observes a target through the guarded dialer', async (t) => {
  const target = await origin(t);
  const c = await startCollector({ allow: '127.0.0.0/8', controlSource: 'test-control' });
  t.teardown(() => c.close());
  const input = new URL(target).host; // 127.0.0.1:PORT
  const r = await http(`${c.url}/api/v1/control`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ input, kind: 'tcp' }),
  });
  t.is(r.status, 200, r.text);
  t.is(r.json.source, 'test-control');
  t.is(r.json.failure, null, r.text);
  t.like(r.json.tcp_connect[0], { ip: '127.0.0.1', status: { success: true } });
});

test('with the default allow-list the control never dials loopback', async (t) => {
  const target = await origin(t);
  const c = await startCollector();
  t.teardown(() => c.close());
  const r = await http(`${c.url}/api/v1/control`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ input: target, kind: 'web' }),
  });
  t.is(r.status, 200, r.text);
  t.is(r.json.requests.length, 0);
  t.true(JSON.stringify(r.json).includes('destination_not_allowed'), r.text);
});

test('control inputs are validated and requests rate-limited', async (t) => {
  const c = await startCollector({ rateLimits: { control: { capacity: 1, perSecond: 0.001 } } });
  t.teardown(() => c.close());
  const post = (body: unknown) =>
    http(`${c.url}/api/v1/control`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const bad = await post({ input: 'ftp://x', kind: 'web' });
  t.is(bad.status, 400);
  t.is(bad.json.error.code, 'bad_input');
  const kind = await post({ input: 'x.com', kind: 'smtp' });
  t.is(kind.status, 400);
  t.regex(kind.json.error.message, /kind/);
  const tcp = await post({ input: 'not a host', kind: 'tcp' });
  t.is(tcp.json.error.code, 'bad_input');
  t.is((await post({ input: '127.0.0.1:9', kind: 'tcp' })).status, 200);
  const limited = await post({ input: '127.0.0.1:9', kind: 'tcp' });
  t.is(limited.status, 429);
  t.is(limited.json.error.code, 'rate_limited');
});
