import { isIP } from 'node:net';
import test from 'ava';
import { validateMeasurement } from '../../schemas/validate.ts';
import { resolverOf } from '../../scripts/demo/build/common.ts';
import {
  DEMO_EVENTS,
  DEMO_SCENARIO,
  DEMO_SEED,
  generateDemo,
  NETWORKS,
  simulate,
} from '../../scripts/demo/index.ts';
import { addressOf, TARGETS } from '../../scripts/demo/targets.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

test('every demo measurement is schema-valid, simulated, from the 8 networks, and the set stays small enough to load fast', (t) => {
  let n = 0;
  const invalid: string[] = [];
  const probes = new Set<string>();
  const asns = new Set<string>();
  const groups = new Set<string>();
  for (const m of generateDemo({ now: NOW })) {
    n++;
    const v = validateMeasurement(m);
    if (!v.ok && invalid.length < 5) invalid.push(`${m.measurement_uid}: ${v.error}`);
    if (m.annotations.simulated !== 'true') invalid.push(`${m.measurement_uid}: not annotated simulated`);
    if (m.measurement_start_time < '2024-01-01' || m.measurement_start_time >= '2025-01-01')
      invalid.push(m.measurement_start_time);
    probes.add(m.raabta.probe_id ?? '');
    asns.add(m.probe_asn);
    groups.add(m.raabta.target_group);
  }
  t.deepEqual(invalid, []);
  t.is(probes.size, 40);
  t.deepEqual([...asns].sort(), NETWORKS.map((x) => x.asn).sort());
  t.deepEqual([...groups].sort(), [...DEMO_SCENARIO.groups].sort());
  t.true(n >= 15_000 && n <= 40_000, `${n} measurements`);
});

test('the same seed gives the same measurements; another seed other ones', (t) => {
  const first = (seed: number) => [
    ...simulate(DEMO_SCENARIO, seed).measurements(Date.parse('2024-01-08T00:00:00Z')),
  ];
  const a = first(DEMO_SEED);
  t.true(a.length > 100);
  t.deepEqual(first(DEMO_SEED), a);
  const b = first(7);
  t.notDeepEqual(
    b.map((m) => m.measurement_uid),
    a.map((m) => m.measurement_uid),
  );
});

test('nothing after "now": the demo loaded on 10 Nov 2024 at 08:30 ends there', (t) => {
  const now = new Date('2024-11-10T08:30:00Z');
  let last = '';
  for (const m of generateDemo({ now })) if (m.measurement_start_time > last) last = m.measurement_start_time;
  t.true(last <= '2024-11-10 08:30:00' && last >= '2024-11-10 08:00:00', last);
});

test('privacy: no probe address anywhere — every IP literal is the 127.0.0.1 placeholder, a target, a resolver or the control resolver', (t) => {
  const allowed = new Set(['127.0.0.1', '8.8.8.8', addressOf('example.org')]);
  for (const target of TARGETS) allowed.add(addressOf(target.host));
  for (const n of NETWORKS) allowed.add(resolverOf(n.asn));
  const seen = new Set<string>();
  const bad = new Set<string>();
  const sim = simulate(DEMO_SCENARIO, DEMO_SEED);
  let i = 0;
  for (const m of sim.measurements()) {
    if (i++ % 7 !== 0) continue;
    t.is(m.probe_ip, '127.0.0.1');
    for (const ip of JSON.stringify(m).match(/\d{1,3}(?:\.\d{1,3}){3}/g) ?? []) {
      if (isIP(ip) !== 4) continue;
      seen.add(ip);
      if (!allowed.has(ip)) bad.add(ip);
    }
    t.deepEqual(
      Object.keys(m.annotations).filter(
        (k) => !['platform', 'network_type', 'simulated', 'throughput_baseline_bps'].includes(k),
      ),
      [],
    );
  }
  t.deepEqual([...bad], []);
  t.true(seen.size > 10, 'the check saw addresses');
});

test('the ground truth names the three 2024 disruptions', (t) => {
  const brief = DEMO_EVENTS.map(
    (e) => `${e.target_group} ${e.start.slice(0, 10)} ${e.method} ${e.networks.length}`,
  );
  t.deepEqual(brief, [
    'x 2024-02-17 tls 8',
    'whatsapp_media 2024-07-20 throttle 3',
    'openvpn 2024-11-10 protocol 8',
    'wireguard 2024-11-10 protocol 8',
    'ikev2 2024-11-10 protocol 8',
  ]);
  const media = DEMO_EVENTS[1];
  t.deepEqual([...media.networks].sort(), ['AS24499', 'AS45669', 'AS59257']);
  const weeks = (Date.parse(media.end!) - Date.parse(media.start)) / (7 * 86400_000);
  t.true(weeks >= 2.5 && weeks <= 3.5);
  t.is(DEMO_EVENTS[0].end, null);
});
