import test from 'ava';
import type { DetectedEvent } from '../../collector/storage/types.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { http, registerProbe, startCollector, type TestCollector, upload } from './helpers.ts';

const T0 = Date.UTC(2024, 10, 10, 8, 0, 0);
const TOKEN = 'test-admin-token-0123456789';
let c: TestCollector;
let evidenceUid: string;

const event = (over: Partial<DetectedEvent> = {}): DetectedEvent => ({
  key: 'x|PK|AS17557',
  title: 'X blocked on PTCL',
  target_group: 'x',
  cc: 'PK',
  asns: ['AS17557'],
  methods: ['tls'],
  start_ms: T0,
  end_ms: null,
  severity: 'high',
  peak_share: 0.92,
  probes: 5,
  status: 'open',
  simulated: false,
  evidence: [],
  ...over,
});

test.before(async () => {
  c = await startCollector({ adminToken: TOKEN });
  const p = await registerProbe(c.url);
  const m = sampleMeasurement({ probe_id: p.probeId, start: new Date(T0) });
  await upload(c.url, p, [m]);
  evidenceUid = m.measurement_uid;
  await c.storage.upsertEvents([
    event({ evidence: [evidenceUid, 'missing-uid-123'] }),
    event({
      key: 'whatsapp|PK|AS38193',
      title: 'WhatsApp media <throttled> & "slow" on Jazz\u0001',
      target_group: 'whatsapp_media',
      asns: ['AS38193'],
      start_ms: T0 - 86400_000,
      end_ms: T0 - 3600_000,
      status: 'closed',
      simulated: true,
    }),
  ]);
});
test.after.always(() => c?.close());

test('events list newest first and filter by service, network and status', async (t) => {
  const all = await http(`${c.url}/api/v1/events`);
  t.is(all.status, 200);
  t.deepEqual(
    all.json.results.map((e: { title: string }) => e.title.slice(0, 5)),
    ['X blo', 'Whats'],
  );
  const e = all.json.results[0];
  t.like(e, {
    target_group: 'x',
    scope: { cc: 'PK', asns: ['AS17557'] },
    end: null,
    status: 'open',
    simulated: false,
  });
  t.is(e.start, new Date(T0).toISOString());
  t.is((await http(`${c.url}/api/v1/events?probe_asn=AS38193`)).json.results.length, 1);
  t.is((await http(`${c.url}/api/v1/events?status=open`)).json.results.length, 1);
  t.is((await http(`${c.url}/api/v1/events?target_group=none`)).json.results.length, 0);
});

test('one event carries sample measurements as evidence; unknown id is 404', async (t) => {
  const [e] = (await http(`${c.url}/api/v1/events?status=open`)).json.results;
  const d = await http(`${c.url}/api/v1/events/${e.id}`);
  t.is(d.status, 200);
  t.deepEqual(
    d.json.evidence.map((m: { measurement_uid: string }) => m.measurement_uid),
    [evidenceUid],
  );
  const missing = await http(`${c.url}/api/v1/events/ev_nope`);
  t.is(missing.status, 404);
  t.is(missing.json.error.code, 'not_found');
});

test('admin edits need the bearer token', async (t) => {
  const [e] = (await http(`${c.url}/api/v1/events?status=open`)).json.results;
  const url = `${c.url}/api/v1/admin/events/${e.id}`;
  const body = JSON.stringify({ title: 'X (Twitter) blocked on PTCL', note: 'Confirmed by PTA statement' });
  const headers = { 'content-type': 'application/json' };
  const none = await http(url, { method: 'PATCH', headers, body });
  t.is(none.status, 401);
  t.is(none.json.error.code, 'unauthorized');
  const wrong = await http(url, {
    method: 'PATCH',
    headers: { ...headers, authorization: 'Bearer nope' },
    body,
  });
  t.is(wrong.status, 401);
  const ok = await http(url, {
    method: 'PATCH',
    headers: { ...headers, authorization: `Bearer ${TOKEN}` },
    body,
  });
  t.is(ok.status, 200, ok.text);
  t.is(ok.json.title, 'X (Twitter) blocked on PTCL');
  t.is(ok.json.notes.length, 1);
  t.is(ok.json.notes[0].text, 'Confirmed by PTA statement');
  const bad = await http(url, {
    method: 'PATCH',
    headers: { ...headers, authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ colour: 'red' }),
  });
  t.is(bad.status, 400);
  t.regex(bad.json.error.message, /colour/);
  const missing = await http(`${c.url}/api/v1/admin/events/ev_nope`, {
    method: 'PATCH',
    headers: { ...headers, authorization: `Bearer ${TOKEN}` },
    body,
  });
  t.is(missing.status, 404);
});

test('without a configured token admin routes are disabled', async (t) => {
  const d = await startCollector();
  t.teardown(() => d.close());
  const r = await http(`${d.url}/api/v1/admin/events/ev_x`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
    body: '{"note":"x"}',
  });
  t.is(r.status, 403);
  t.is(r.json.error.code, 'admin_disabled');
});

/** Minimal well-formedness check: balanced tags, only the five entities, no raw control characters. */
function wellFormed(xml: string): boolean {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) return false;
  if (/&(?!(amp|lt|gt|quot|apos);)/.test(xml)) return false;
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>/g)) {
    if (m[3].includes('<')) return false;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]);
  }
  const text = xml.replace(/<[^>]*>/g, '');
  return stack.length === 0 && !text.includes('<') && !text.includes('>');
}

test('the Atom feed is well-formed, escapes every string, and filters by service and ISP', async (t) => {
  const r = await http(`${c.url}/events.atom`);
  t.is(r.status, 200);
  t.regex(String(r.headers['content-type']), /application\/atom\+xml/);
  t.true(wellFormed(r.text), r.text);
  t.true(r.text.includes('WhatsApp media &lt;throttled&gt; &amp; &quot;slow&quot; on Jazz'));
  t.false(r.text.includes('\u0001'));
  t.true(r.text.includes('[simulated]'), 'simulated events are labelled');
  t.is((r.text.match(/<entry>/g) ?? []).length, 2);
  const one = await http(`${c.url}/events.atom?target_group=x&probe_asn=AS17557`);
  t.is((one.text.match(/<entry>/g) ?? []).length, 1);
  t.true(wellFormed(one.text));
  t.regex(
    one.text,
    /<link rel="self" type="application\/atom\+xml" href="http:\/\/127\.0\.0\.1:\d+\/events\.atom\?target_group=x&amp;probe_asn=AS17557"\/>/,
  );
});
