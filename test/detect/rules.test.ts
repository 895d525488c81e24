import test from 'ava';
import { detectEvents, detectWith } from '../../collector/detect/index.ts';
import { estimateBlockingProbes } from '../../collector/detect/judge.ts';
import type { DetectorSeries } from '../../collector/jobs/detect-job.ts';
import { bucket, countryOf, HOUR, series, T0 } from './helpers.ts';

const NETS = ['AS17557', 'AS45669', 'AS59257', 'AS23674'];
const run = (list: DetectorSeries[], hours = 72) =>
  detectEvents({ now: new Date(T0 + hours * HOUR), bucket_ms: HOUR, series: [...list, countryOf(list)] });

test('a block on every network from hour 30 to 40 is one closed event with its buckets, networks and method', (t) => {
  const nets = NETS.map((asn) =>
    series(asn, 72, 4, (h) => (h >= 30 && h < 40 ? { blocked: 4, method: 'tls' } : {})),
  );
  const [e, ...rest] = run(nets);
  t.deepEqual(rest, []);
  t.like(e, {
    target_group: 'x',
    cc: 'PK',
    start_ms: T0 + 30 * HOUR,
    end_ms: T0 + 40 * HOUR,
    status: 'closed',
    methods: ['tls'],
    peak_share: 1,
    probes: 16,
    severity: 'high',
  });
  t.deepEqual(e.asns, [...NETS].sort());
});

test('only the networks that were blocked are listed, and the dominant method comes first', (t) => {
  const nets = NETS.map((asn, i) =>
    series(asn, 72, 4, (h) =>
      i < 2 && h >= 30 && h < 40 ? { blocked: 4 - i, method: i === 0 ? 'throttle' : 'tls' } : {},
    ),
  );
  const [e, ...rest] = run(nets);
  t.deepEqual(rest, []);
  t.deepEqual(e.asns, ['AS17557', 'AS45669']);
  t.deepEqual(e.methods, ['throttle', 'tls'], '40 throttled, 30 reset');
});

test('one probe glitching (its own measurements blocked for a day) makes no event', (t) => {
  const nets = NETS.map((asn, i) =>
    series(asn, 72, 4, (h) => (i === 0 && h >= 20 && h < 44 ? { blocked: 1, method: 'tcp' } : {})),
  );
  t.deepEqual(run(nets), []);
});

test('a network with a single probe, fully blocked, makes no event', (t) => {
  const lone = series('AS38193', 72, 1, (h) => (h >= 10 ? { blocked: 1 } : {}));
  t.deepEqual(run([lone]), []);
});

test('one probe measuring many times in a bucket is still one probe', (t) => {
  t.is(estimateBlockingProbes(bucket(0, { ok: 8, blocked: 4, probes: 3 })), 1);
  t.is(estimateBlockingProbes(bucket(0, { ok: 2, blocked: 8, probes: 5 })), 4);
  const s = series('AS17557', 48, 3, (h) => (h >= 10 ? { blocked: 1 } : {}));
  for (const b of s.buckets.slice(10)) Object.assign(b, { ok: 8, blocked: 4 });
  t.deepEqual(run([s], 48), []);
});

test('the origin down for every network (the control fails too) makes no event', (t) => {
  const nets = NETS.map((asn) => series(asn, 72, 4, (h) => (h >= 30 && h < 50 ? { down: 4 } : {})));
  t.deepEqual(run(nets), []);
});

test('errors on the probes (their own network) make no event', (t) => {
  const nets = NETS.map((asn) => series(asn, 72, 4, (h) => (h >= 30 && h < 50 ? { error: 3 } : {})));
  t.deepEqual(run(nets), []);
});

test('an ongoing block stays open; the same block closes when the data shows it over', (t) => {
  const open = NETS.map((asn) => series(asn, 72, 4, (h) => (h >= 60 ? { blocked: 4 } : {})));
  const [e] = run(open);
  t.like(e, { status: 'open', end_ms: null, start_ms: T0 + 60 * HOUR });
  const closed = NETS.map((asn) => series(asn, 72, 4, (h) => (h >= 60 && h < 70 ? { blocked: 4 } : {})));
  t.like(run(closed)[0], { status: 'closed', end_ms: T0 + 70 * HOUR });
});

test('gaps without data do not end an event; an ongoing event last seen long before now is closed there', (t) => {
  const nets = NETS.map((asn) => {
    const s = series(asn, 72, 4, (h) => (h >= 20 ? { blocked: 4 } : {}));
    s.buckets = s.buckets.filter((b) => b.t_ms < T0 + 25 * HOUR || b.t_ms >= T0 + 50 * HOUR);
    return s;
  });
  const [e, ...rest] = run(nets);
  t.deepEqual(rest, []);
  t.like(e, { status: 'open', start_ms: T0 + 20 * HOUR });
  const later = detectEvents({
    now: new Date(T0 + 30 * 24 * HOUR),
    bucket_ms: HOUR,
    series: [...nets, countryOf(nets)],
  });
  t.like(later[0], { status: 'closed', end_ms: T0 + 72 * HOUR });
});

test('a steady partial share is the baseline: a rise must clear it by minRise', (t) => {
  const blockedAt = (h: number) => (h < 100 ? 2 : h < 140 ? 4 : h >= 180 && h < 190 ? 8 : 2);
  const found = run(
    NETS.map((asn) => series(asn, 200, 10, (h) => ({ blocked: blockedAt(h) }))),
    200,
  );
  t.is(found.length, 1, '40 % over a 20 % baseline is no event; 80 % is');
  t.like(found[0], { start_ms: T0 + 180 * HOUR, end_ms: T0 + 190 * HOUR });
});

test('networks with too few probes each: the country series sees it and names the blocked networks', (t) => {
  const nets = ['AS1', 'AS2', 'AS3', 'AS4', 'AS5'].map((asn, i) =>
    series(asn, 48, 1, (h) => (i < 4 && h >= 24 ? { blocked: 1, method: 'dns' } : {})),
  );
  const [e, ...rest] = run(nets, 48);
  t.deepEqual(rest, []);
  t.like(e, { start_ms: T0 + 24 * HOUR, status: 'open', methods: ['dns'] });
  t.deepEqual(e.asns, ['AS1', 'AS2', 'AS3', 'AS4']);
});

test('parameters can be tightened: requiring more agreeing probes drops a two-probe event', (t) => {
  const nets = [series('AS17557', 48, 4, (h) => (h >= 24 ? { blocked: 2 } : {}))];
  const input = { now: new Date(T0 + 48 * HOUR), bucket_ms: HOUR, series: nets };
  t.is(detectWith(input).length, 1);
  t.is(detectWith(input, { minBlockingProbes: 3 }).length, 0);
});

test('events per service and country are apart; keys are stable across runs', (t) => {
  const x = NETS.map((asn) => series(asn, 48, 4, (h) => (h >= 10 && h < 20 ? { blocked: 4 } : {})));
  const vpn = NETS.map((asn) =>
    series(asn, 48, 4, (h) => (h >= 12 && h < 14 ? { blocked: 4, method: 'protocol' } : {}), 'openvpn'),
  );
  const a = run([...x, ...vpn].filter((s) => s.target_group === 'x')).concat(run(vpn));
  t.deepEqual(
    a.map((e) => e.target_group),
    ['x', 'openvpn'],
  );
  t.deepEqual(
    run(x).map((e) => e.key),
    run(x).map((e) => e.key),
  );
  t.is(new Set(a.map((e) => e.key)).size, 2);
});
