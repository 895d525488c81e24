import test from 'ava';
import type { DetectedEvent } from '../../collector/storage/types.ts';
import { http, startCollector, type TestCollector } from './helpers.ts';

const H = 3600_000;
const T0 = Date.UTC(2024, 10, 10, 8, 0, 0);
const TOKEN = 'test-admin-token-0123456789';
let c: TestCollector;

const event = (group: string, startH: number, endH: number | null, over: Partial<DetectedEvent> = {}) =>
  ({
    key: `${group}|PK|${T0 + startH * H}`,
    title: `${group} handshakes failing`,
    target_group: group,
    cc: 'PK',
    asns: ['AS17557'],
    methods: ['protocol'],
    start_ms: T0 + startH * H,
    end_ms: endH === null ? null : T0 + endH * H,
    severity: 'high',
    peak_share: 0.9,
    probes: 5,
    status: endH === null ? 'open' : 'closed',
    simulated: false,
    evidence: [],
    ...over,
  }) satisfies DetectedEvent;

interface ApiEvent {
  id: string;
  target_group: string;
  start: string;
  family: string | null;
  group_id: string;
  related: { id: string; target_group: string; asns: string[]; start: string; end: string | null }[];
}

test.before(async () => {
  c = await startCollector({ adminToken: TOKEN });
  await c.storage.upsertEvents([
    // 10 Nov: three protocols at once, on different networks
    event('openvpn', 0, 2, { asns: ['AS17557', 'AS45669'] }),
    event('wireguard', 0, 2, { asns: ['AS45669', 'AS59257'], title: 'WireGuard <b>&</b> "dropped"' }),
    event('ikev2', 0.5, 2),
    // a chain far from it: tor 10 d → openvpn overlapping → wireguard overlapping only the second
    event('tor', 240, 250),
    event('openvpn', 249, 260),
    event('wireguard', 259, 270),
    // the same hours, but another family, another country, and X (no family)
    event('whatsapp_media', 0, 2, { methods: ['throttle'] }),
    event('ikev2', 0, 2, { cc: 'IR', key: 'ikev2|IR|x' }),
    event('x', 0, 2, { methods: ['tls'] }),
  ]);
});
test.after.always(() => c?.close());

async function list(q = ''): Promise<ApiEvent[]> {
  const r = await http(`${c.url}/api/v1/events${q}`);
  if (r.status !== 200) throw new Error(r.text);
  return r.json.results;
}
const byGroup = (events: ApiEvent[], g: string, day = '2024-11-10') =>
  events.find((e) => e.target_group === g && e.start.startsWith(day)) as ApiEvent;

test('the list gives every event its family, group id and related events; the 10 Nov VPN events are one group', async (t) => {
  const all = await list();
  const ovpn = byGroup(all, 'openvpn');
  const wg = byGroup(all, 'wireguard');
  const ike = all.find((e) => e.target_group === 'ikev2' && e.related.length) as ApiEvent;
  t.is(ovpn.family, 'vpn');
  t.is(ovpn.group_id, wg.group_id);
  t.is(ike.group_id, ovpn.group_id);
  t.true([ovpn.id, wg.id].includes(ovpn.group_id), 'the group id is one of the earliest events');
  t.deepEqual(ovpn.related.map((r) => r.target_group).sort(), ['ikev2', 'wireguard']);
  t.deepEqual(
    wg.related.find((r) => r.target_group === 'openvpn'),
    {
      id: ovpn.id,
      title: 'openvpn handshakes failing',
      target_group: 'openvpn',
      asns: ['AS17557', 'AS45669'],
      methods: ['protocol'],
      start: '2024-11-10T08:00:00.000Z',
      end: '2024-11-10T10:00:00.000Z',
      status: 'closed',
    },
  );
  const wa = byGroup(all, 'whatsapp_media');
  t.like(wa, { family: 'whatsapp', group_id: wa.id, related: [] });
  const x = byGroup(all, 'x');
  t.like(x, { family: null, group_id: x.id, related: [] });
  const iran = all.find((e) => e.target_group === 'ikev2' && e.related.length === 0) as ApiEvent;
  t.is(iran.group_id, iran.id, 'another country stays alone');
});

test('filters and limits cut the list, not the groups: a chain is followed beyond the events asked for', async (t) => {
  const [wg] = await list('?target_group=wireguard&since=2024-11-21T00:00:00Z');
  t.is(wg.start, '2024-11-21T03:00:00.000Z');
  t.deepEqual(
    wg.related.map((r) => r.target_group),
    ['tor', 'openvpn'],
    'tor does not overlap this WireGuard event but is in its chain',
  );
  const [newest] = await list('?limit=1');
  t.is(newest.target_group, 'wireguard');
  t.is(newest.related.length, 2);
});

test('one event carries its related events; an admin edit answers with them too', async (t) => {
  const all = await list();
  const ike = all.find((e) => e.target_group === 'ikev2' && e.related.length) as ApiEvent;
  const d = await http(`${c.url}/api/v1/events/${ike.id}`);
  t.is(d.status, 200);
  t.is(d.json.group_id, ike.group_id);
  t.deepEqual(d.json.related.map((r: { target_group: string }) => r.target_group).sort(), [
    'openvpn',
    'wireguard',
  ]);
  t.true(
    d.json.related.some((r: { title: string }) => r.title === 'WireGuard <b>&</b> "dropped"'),
    'titles are data: passed on as they are (JSON), escaped where shown',
  );
  t.deepEqual(d.json.evidence, []);
  const edited = await http(`${c.url}/api/v1/admin/events/${ike.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ note: 'All three protocols at once' }),
  });
  t.is(edited.status, 200, edited.text);
  t.is(edited.json.related.length, 2);
});

test('the OpenAPI document declares the group fields', async (t) => {
  const doc = (await http(`${c.url}/api/docs/openapi.json`)).json;
  const one = doc.paths['/api/v1/events/{id}'].get.responses['200'].content['application/json'].schema;
  t.truthy(one.properties.related);
  t.truthy(one.properties.group_id);
  const listed =
    doc.paths['/api/v1/events'].get.responses['200'].content['application/json'].schema.properties.results
      .items;
  t.truthy(listed.properties.related);
  t.truthy(listed.properties.family);
});

test('the Atom feed stays one entry per event; each names its related events and links to them', async (t) => {
  const r = await http(`${c.url}/events.atom?target_group=ikev2&probe_asn=AS17557`);
  t.is(r.status, 200);
  const entries = r.text.split('<entry>').slice(1);
  t.is(entries.length, 2, 'the PK and the IR IKEv2 events');
  const pk = entries.find((e) => e.includes('Part of a wider disruption')) as string;
  t.regex(
    pk,
    /Part of a wider disruption with: openvpn \(2024-11-10T08:00:00\.000Z – 2024-11-10T10:00:00\.000Z\); wireguard \(2024-11-10T08:00:00\.000Z – 2024-11-10T10:00:00\.000Z\)\./,
  );
  t.is(
    (
      pk.match(
        /<link rel="related" type="text\/html" href="http:\/\/127\.0\.0\.1:\d+\/#\/event\/[^"]+"\/>/g,
      ) ?? []
    ).length,
    2,
  );
  const ir = entries.find((e) => !e.includes('Part of a wider disruption')) as string;
  t.false(ir.includes('rel="related"'), 'the IR event has no related events');
});
