import test from 'ava';
import { detectEvents } from '../../collector/detect/index.ts';
import type { DetectorSeries } from '../../collector/jobs/detect-job.ts';
import { countryOf, HOUR, series, T0 } from './helpers.ts';

const run = (list: DetectorSeries[], hours = 96) =>
  detectEvents({ now: new Date(T0 + hours * HOUR), bucket_ms: HOUR, series: [...list, countryOf(list)] });

test('a block lasting a fifth of an hour on a clean network (4 of 20 probes blocked) is an event in that bucket', (t) => {
  const net = series('AS17557', 96, 20, (h) => (h === 50 ? { blocked: 4 } : {}));
  const [e, ...rest] = run([net]);
  t.deepEqual(rest, []);
  t.like(e, { start_ms: T0 + 50 * HOUR, end_ms: T0 + 51 * HOUR, status: 'closed' });
});

test('the same bucket seen by two probes only is no event', (t) => {
  const net = series('AS17557', 96, 10, (h) => (h === 50 ? { blocked: 2 } : {}));
  t.deepEqual(run([net]), []);
});

test('the same bucket without a day of clean history (the data begins there) is no event', (t) => {
  const net = series('AS17557', 96, 20, (h) => (h === 10 ? { blocked: 4 } : {}));
  t.deepEqual(run([net]), []);
});

test('on a series that is not clean (a tenth blocked as a rule) a 20 % bucket is no event', (t) => {
  const net = series('AS17557', 96, 20, (h) => ({ blocked: h === 50 ? 4 : h % 5 === 0 ? 4 : 2 }));
  t.deepEqual(run([net]), []);
});
