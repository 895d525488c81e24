import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { http, registerProbe, startCollector, upload } from './helpers.ts';

test('healthz answers and every response carries the strict CSP', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const r = await http(`${c.url}/healthz`);
  t.deepEqual(r.json, { ok: true });
  const csp = String(r.headers['content-security-policy']);
  t.regex(csp, /default-src 'self'/);
  t.regex(csp, /script-src 'self'(;|$)/);
  t.notRegex(csp, /unsafe-inline|unsafe-eval/);
  t.is(r.headers['x-content-type-options'], 'nosniff');
});

test('healthz fails when the database cannot be read', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close().catch(() => {}));
  t.is((await http(`${c.url}/healthz`)).status, 200);
  await c.storage.close(); // the database goes away under the running collector
  const down = await http(`${c.url}/healthz`);
  t.true(down.status >= 500, `status ${down.status}`);
  t.not(down.json?.ok, true);
});

test('without a dashboard build / explains how to build it; unknown API paths are JSON 404s', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const r = await http(`${c.url}/`);
  t.is(r.status, 200);
  t.regex(r.text, /npm run build:dashboard/);
  t.notRegex(r.text, /<script/);
  const api = await http(`${c.url}/api/v1/nothing`);
  t.is(api.status, 404);
  t.is(api.json.error.code, 'not_found');
});

test('the built dashboard is served with its assets, SPA paths fall back to index.html, no traversal', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const dist = join(c.dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><title>Raabta</title><script src="./app.js"></script>',
  );
  writeFileSync(join(dist, 'app.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(c.dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
  const d = await startCollector({ dashboardDir: dist });
  t.teardown(() => d.close());
  const index = await http(`${d.url}/`);
  t.regex(index.text, /<title>Raabta<\/title>/);
  t.regex(String(index.headers['content-type']), /text\/html/);
  t.regex(String((await http(`${d.url}/app.js`)).headers['content-type']), /text\/javascript/);
  t.is((await http(`${d.url}/assets/app.css`)).text, 'body{}');
  t.regex((await http(`${d.url}/events`)).text, /<title>Raabta/, 'client-side route');
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
    const r = await http(`${d.url}${p}`);
    t.false(r.text.includes('TOP-SECRET-CONTENT'), p);
  }
  t.is((await http(`${d.url}/missing.png`)).status, 404);
});

test('metrics count ingest outcomes and rejects by code', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const p = await registerProbe(c.url);
  await upload(c.url, p, [
    sampleMeasurement({ probe_id: p.probeId }),
    sampleMeasurement({ probe_id: p.probeId }),
  ]);
  await upload(c.url, p, [sampleMeasurement({ probe_id: p.probeId })], { signature: null });
  const m = await http(`${c.url}/metrics`);
  t.regex(String(m.headers['content-type']), /text\/plain; version=0\.0\.4/);
  t.regex(m.text, /raabta_ingest_measurements_total\{status="accepted"\} 2/);
  t.regex(m.text, /raabta_ingest_rejected_batches_total\{code="missing_signature"\} 1/);
  t.regex(m.text, /raabta_measurements_stored 2/);
  t.regex(m.text, /raabta_db_bytes \d+/);
  t.regex(m.text, /raabta_write_queue_depth 0/);
});

test('the OpenAPI document lists every route with its schemas', async (t) => {
  const c = await startCollector();
  t.teardown(() => c.close());
  const doc = (await http(`${c.url}/api/docs/openapi.json`)).json;
  t.is(doc.openapi, '3.1.0');
  for (const [path, method] of [
    ['/api/v1/measurements', 'post'],
    ['/api/v1/measurements', 'get'],
    ['/api/v1/measurements/{uid}', 'get'],
    ['/api/v1/measurements/{uid}/raw', 'get'],
    ['/api/v1/probes/register', 'post'],
    ['/api/v1/check-in', 'get'],
    ['/api/v1/control', 'post'],
    ['/api/v1/timeline', 'get'],
    ['/api/v1/events', 'get'],
    ['/api/v1/events/{id}', 'get'],
    ['/api/v1/admin/events/{id}', 'patch'],
    ['/api/v1/networks', 'get'],
    ['/api/v1/probes', 'get'],
    ['/api/v1/datasets', 'get'],
    ['/api/v1/datasets/{date}/{name}', 'get'],
    ['/events.atom', 'get'],
    ['/healthz', 'get'],
    ['/metrics', 'get'],
  ]) {
    t.truthy(doc.paths[path]?.[method], `${method} ${path}`);
  }
  t.truthy(doc.paths['/api/v1/measurements'].post.requestBody, 'the signed upload body is documented');
  t.true(doc.paths['/api/v1/measurements'].get.parameters.some((p: { name: string }) => p.name === 'cursor'));
  const html = await http(`${c.url}/api/docs`);
  t.regex(html.text, /openapi\.json/);
  t.notRegex(html.text, /<script/);
});
