import test from 'ava';
import { detectEvents } from '../../collector/detect/index.ts';
import type { DetectorSeries } from '../../collector/jobs/detect-job.ts';
import { bucket, countryOf, HOUR, series, T0 } from './helpers.ts';

const NETS = ['AS17557', 'AS45669', 'AS59257', 'AS23674'];
const run = (list: DetectorSeries[], hours = 72) =>
  detectEvents({ now: new Date(T0 + hours * HOUR), bucket_ms: HOUR, series: [...list, countryOf(list)] });

test('a block that begins late in an hour (a quarter of that bucket blocked) starts in that bucket', (t) => {
  const nets = NETS.map((asn) =>
    series(asn, 72, 4, (h) => (h === 30 ? { blocked: 1 } : h > 30 && h < 40 ? { blocked: 4 } : {})),
  );
  const [e, ...rest] = run(nets);
  t.deepEqual(rest, []);
  t.like(e, { start_ms: T0 + 30 * HOUR, end_ms: T0 + 40 * HOUR });
});

test('on a small network the first blocked measurements, too few to judge alone, start the event', (t) => {
  // three probes measuring every third hour: 2 of 2 blocked at 30, 1 of 3 at 33, 0 of 2 at 36, 2 of 3 at 39
  const s = series('AS17557', 72, 3, () => ({}));
  s.buckets = s.buckets.filter((b) => (b.t_ms - T0) % (3 * HOUR) === 0);
  const at = (h: number) => s.buckets.find((b) => b.t_ms === T0 + h * HOUR);
  Object.assign(at(30) ?? {}, { ok: 0, blocked: 2, probes: 2, methods: { tls: 2 } });
  Object.assign(at(33) ?? {}, { ok: 2, blocked: 1, probes: 3, methods: { tls: 1 } });
  Object.assign(at(36) ?? {}, { ok: 2, blocked: 0, probes: 2 });
  for (let h = 39; h < 72; h += 3) Object.assign(at(h) ?? {}, { ok: 1, blocked: 2, methods: { tls: 2 } });
  const [e, ...rest] = run([s]);
  t.deepEqual(rest, []);
  t.like(e, { start_ms: T0 + 30 * HOUR, status: 'open' });
});

test('blocked measurements before a quiet judged bucket are not the start of a later block', (t) => {
  const s = series('AS17557', 72, 4, (h) => (h >= 30 ? { blocked: 4 } : {}));
  // hour 27: two measurements, both blocked (too thin to judge); hour 28 and 29: four ok
  s.buckets[27] = bucket(27, { blocked: 2, probes: 2, methods: { tls: 2 } });
  const [e, ...rest] = run([s]);
  t.deepEqual(rest, []);
  t.like(e, { start_ms: T0 + 30 * HOUR });
});

test('thin blocked buckets more than the look-back before the confirming bucket do not move the start', (t) => {
  const s = series('AS17557', 72, 4, (h) => (h >= 30 ? { blocked: 4 } : {}));
  // no data from hour 10 to 29 except a thin blocked bucket at 12 (18 hours before)
  s.buckets = s.buckets.filter((b) => b.t_ms < T0 + 10 * HOUR || b.t_ms >= T0 + 30 * HOUR);
  s.buckets.push(bucket(12, { blocked: 2, probes: 2, methods: { tls: 2 } }));
  s.buckets.sort((a, b) => a.t_ms - b.t_ms);
  const [e, ...rest] = run([s]);
  t.deepEqual(rest, []);
  t.like(e, { start_ms: T0 + 30 * HOUR });
});
