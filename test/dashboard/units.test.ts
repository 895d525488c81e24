import test from 'ava';
import { blockedShare, shareColor } from '../../dashboard/src/charts/scale.ts';
import { parseHash } from '../../dashboard/src/router.ts';
import { DAY, dayStart, HOUR, isoShort, parts, pickBucket } from '../../dashboard/src/time.ts';
import { clampSpan, rangeParams } from '../../dashboard/src/views/timeline-state.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { EVENTS } from './fixture/documents.ts';
import { measurementDoc, XSS_UID } from './fixture/measurement-doc.ts';

test('bucket size follows the visible range: years → 1d, days → 1h, a day → 10m', (t) => {
  t.is(pickBucket(2 * 365 * DAY), '1d');
  t.is(pickBucket(31 * DAY), '1d');
  t.is(pickBucket(7 * DAY), '1h');
  t.is(pickBucket(DAY), '10m');
  t.is(pickBucket(3 * HOUR), '10m');
});

test('a calendar day in PKT starts at 19:00 UTC the day before', (t) => {
  const start = dayStart('2024-11-10', 'pkt')!;
  t.is(isoShort(start), '2024-11-09T19:00Z');
  t.deepEqual(parts(start, 'pkt'), { y: 2024, mo: 10, d: 10, h: 0, mi: 0 });
  t.is(isoShort(dayStart('2024-11-10', 'utc')!), '2024-11-10T00:00Z');
  t.is(dayStart('not a date', 'pkt'), null);
});

test('ranges are clamped (2 h … 3 years) and aligned to their bucket', (t) => {
  const [f, to] = clampSpan(0, 1000);
  t.is(to - f, 2 * HOUR);
  t.deepEqual(rangeParams(Date.parse('2024-11-10T08:03:00Z'), Date.parse('2024-11-10T09:07:00Z')), {
    from: '2024-11-10T07:30Z',
    to: '2024-11-10T09:40Z',
  });
});

test('hash routes parse views, ids and params (embed is its own view)', (t) => {
  const r = parseHash('#/event/evt%2F1?lang=ur&tz=utc');
  t.is(r.view, 'event');
  t.is(r.id, 'evt/1');
  t.is(r.params.get('lang'), 'ur');
  t.is(parseHash('').view, 'overview');
  t.is(parseHash('#/embed/timeline?from=2024-11-09T19:00Z').view, 'embed/timeline');
  t.is(parseHash('#/embed/timeline?from=2024-11-09T19:00Z').params.get('from'), '2024-11-09T19:00Z');
});

test('blocked share leaves probe errors out; no usable data is null, not 0', (t) => {
  const b = { t: '', ok: 1, blocked: 3, down: 0, error: 10, inconclusive: 0, probes: 2, methods: {} };
  t.is(blockedShare(b), 0.75);
  t.is(blockedShare({ ...b, ok: 0, blocked: 0 }), null);
  t.not(shareColor(0), shareColor(0.5));
});

test('the fixture measurements follow the published schema (so the fixture is honest)', (t) => {
  for (const uid of [XSS_UID, ...EVENTS.flatMap((e) => e.evidence.map((m) => m.measurement_uid))]) {
    const r = validateMeasurement(measurementDoc(uid));
    t.true(r.ok, `${uid}: ${JSON.stringify(r).slice(0, 300)}`);
  }
});
