import test from 'ava';
import { detectEvents } from '../../collector/detect/index.ts';
import {
  DEMO_EVENTS,
  DEMO_SCENARIO,
  DEMO_SEED,
  demoSpan,
  observationSeries,
  simulate,
} from '../../scripts/demo/index.ts';
import { HOUR, matches } from './helpers.ts';

const span = demoSpan(new Date('2026-01-01T00:00:00Z'));
const series = observationSeries(simulate(DEMO_SCENARIO, DEMO_SEED).observations());
const events = detectEvents({ now: new Date(span.end_ms), bucket_ms: HOUR, series });

for (const truth of DEMO_EVENTS) {
  test(`the demo's ${truth.target_group} event (${truth.start}) is found with its buckets, networks and method`, (t) => {
    const found = events.filter((e) => e.target_group === truth.target_group);
    t.is(found.length, 1, found.map((e) => e.title).join('; '));
    const [e] = found;
    t.true(
      matches(e, truth),
      `detected ${new Date(e.start_ms).toISOString()} → ${e.end_ms && new Date(e.end_ms).toISOString()}`,
    );
    t.deepEqual(e.asns, [...truth.networks].sort());
    t.is(e.methods[0], truth.method);
    t.is(e.status, truth.end === null ? 'open' : 'closed');
    t.true(e.probes >= 2);
    t.true(e.simulated);
  });
}

test('the demo noise (errors, outages, single-probe glitches, offline probes) makes no event', (t) => {
  const spurious = events.filter((e) => !DEMO_EVENTS.some((truth) => matches(e, truth)));
  t.deepEqual(
    spurious.map((e) => e.title),
    [],
  );
  t.is(events.length, DEMO_EVENTS.length);
});

test('the same demo seen with an earlier "now" ends where the data ends: the VPN disruption is still open', (t) => {
  const now = Date.parse('2024-11-10T08:40:00Z');
  const early = observationSeries(simulate(DEMO_SCENARIO, DEMO_SEED).observations(now));
  const found = detectEvents({ now: new Date(now), bucket_ms: HOUR, series: early });
  const vpn = found.filter((e) => ['openvpn', 'wireguard', 'ikev2'].includes(e.target_group));
  t.is(vpn.length, 3);
  for (const e of vpn)
    t.like(e, { status: 'open', end_ms: null, start_ms: Date.parse('2024-11-10T08:00:00Z') });
});

test('with other seeds (other sampling, other noise) every demo event is still found on time and nothing else', (t) => {
  for (let seed = 1; seed <= 8; seed++) {
    const found = detectEvents({
      now: new Date(span.end_ms),
      bucket_ms: HOUR,
      series: observationSeries(simulate(DEMO_SCENARIO, seed).observations()),
    });
    t.is(found.length, DEMO_EVENTS.length, `seed ${seed}: ${found.map((e) => e.title).join('; ')}`);
    for (const truth of DEMO_EVENTS) {
      const e = found.find((x) => matches(x, truth));
      t.truthy(e, `seed ${seed}: ${truth.id}`);
      // a small network may miss its own judgement in a one-hour event, never more than one
      if (e)
        t.true(e.asns.length >= truth.networks.length - 1 && e.asns.every((a) => truth.networks.includes(a)));
    }
  }
});
