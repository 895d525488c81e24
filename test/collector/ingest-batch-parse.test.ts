/**
 * parseBatchFast (collector/ingest/batch-parse.ts) parses a batch one measurement at a time. It must give
 * exactly what JSON.parse of the whole body gives, with each measurement's exact bytes, or null (the caller
 * then falls back to JSON.parse of the whole body): never a different value, never a wrong span.
 */
import test from 'ava';
import { parseBatchFast } from '../../collector/ingest/batch-parse.ts';
import { measurementSpans } from '../../collector/ingest/batch-scan.ts';
import { benchMeasurement } from '../../scripts/bench/data.ts';

function agreesWithJsonParse(t: import('ava').ExecutionContext, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  const fast = parseBatchFast(buf);
  if (!fast) {
    t.fail(`fell back on a plain batch: ${text.slice(0, 80)}`);
    return;
  }
  const whole = JSON.parse(text) as { probe_id: string; measurements: unknown[] };
  t.is(fast.probe_id, whole.probe_id);
  t.deepEqual(fast.measurements, whole.measurements);
  t.deepEqual(fast.spans, measurementSpans(buf));
  fast.spans.forEach((s, i) => {
    const bytes = buf.subarray(s.offset, s.offset + s.length).toString('utf8');
    t.deepEqual(JSON.parse(bytes), whole.measurements[i], 'the span holds exactly this measurement');
  });
}

test('a batch of recorded traces (some with non-ASCII text) parses as JSON.parse does', (t) => {
  const ms = Array.from({ length: 42 }, (_, k) => benchMeasurement(k, { probeId: 'p_1' }));
  agreesWithJsonParse(t, JSON.stringify({ probe_id: 'p_1', measurements: ms }));
  agreesWithJsonParse(t, JSON.stringify({ measurements: ms, probe_id: 'p_1' }, null, 2));
});

test('strings that look like structure, escapes, whitespace and scalars are handled', (t) => {
  const a = '{"a": "x,y]}", "b": [1, {"c": "\\"quoted\\" \\\\"}], "d": "\\\\"}';
  const b = '{ "n": "اردو — ünïcödé 😀", "e": "\\u005d\\\\", "f": "\\ud83d\\ude00" }';
  agreesWithJsonParse(t, `{\n  "probe_id" : "p\\u005fx",\n  "measurements" : [ ${a} ,\n\t${b}\n ]\n}\r\n`);
  agreesWithJsonParse(t, '{"measurements": [1, "two", null, true, [], {}, -0.5e3], "probe_id": ""}');
  agreesWithJsonParse(t, '{"probe_id":"p","measurements":[]}');
  agreesWithJsonParse(t, '{"measur\\u0065ments": [{"c": 3}], "probe_id": "p"}');
});

test('a wrong guess at where an element ends (a nested object that starts like the next element) is caught', (t) => {
  const a = '{"uid":"a","x":[1,{"uid":"nested","y":[2]}],"z":"s,{\\"uid\\":"}';
  const b = '{"uid":"b","x":{"uid":3}}';
  const c = '{"other":"c"}';
  agreesWithJsonParse(t, `{"probe_id":"p","measurements":[${a},${b},${c},${b}]}`);
  agreesWithJsonParse(t, `{"probe_id":"p","measurements":[${b},${a},${b}]}`);
  agreesWithJsonParse(t, `{"probe_id":"p","measurements":[${c},${c} ,${c}\t,\n${c}]}`);
  agreesWithJsonParse(t, `{"probe_id":"p","measurements":[${b}   ,${b}]}`);
  agreesWithJsonParse(t, '{"measurements":[{"uid":1},{"uid":2}],"probe_id":"p"}');
});

test('a guess that would span two elements or an invalid element is never accepted', (t) => {
  // the needle of the first element matches only two elements later: the text in between is two values
  const text = '{"probe_id":"p","measurements":[{"uid":1},{"other":2},{"uid":3}]}';
  agreesWithJsonParse(t, text);
  const invalid = '{"probe_id":"p","measurements":[{"uid":1} x,{"uid":2}]}';
  t.throws(() => JSON.parse(invalid));
  t.is(parseBatchFast(Buffer.from(invalid)), null);
});

test('anything but the plain envelope falls back to JSON.parse of the whole body', (t) => {
  const fallback = [
    '{"probe_id": "p", "measurements": [1], "extra": 1}', // another key: the shape check names it
    '{"measurements": [1], "measurements": [2], "probe_id": "p"}', // duplicate key: JSON.parse keeps the last
    '{"probe_id": 7, "measurements": [1]}', // not a string
    '{"probe_id": "p", "measurements": {"0": 1}}', // not an array
    '{"probe_id": "p"}',
    '{}',
    '[{"probe_id": "p"}]',
    '\ufeff{"probe_id": "p", "measurements": [1]}', // a byte-order mark is not JSON whitespace
  ];
  for (const text of fallback) t.is(parseBatchFast(Buffer.from(text, 'utf8')), null, text);
});

test('invalid JSON anywhere is never accepted', (t) => {
  const invalid = [
    '{"probe_id": "p", "measurements": [1,]}',
    '{"probe_id": "p", "measurements": [,1]}',
    '{"probe_id": "p", "measurements": [1 2]}',
    '{"probe_id": "p", "measurements": [{"a": 1}} ]}',
    '{"probe_id": "p", "measurements": [{"a": [1}]]}',
    '{"probe_id": "p", "measurements": [{"a": "unterminated}]}',
    '{"probe_id": "p", "measurements": [{"a": "\\x"}]}',
    '{"probe_id": "p", "measurements": [{"a": "tab\tinside"}]}',
    '{"probe_id": "p", "measurements": [1]} trailing',
    '{"probe_id": "p", "measurements": [1]',
    '{"probe_id": "p" "measurements": [1]}',
    '{"probe_id": "p", "measurements": [1]\f}',
    '{"probe_id": "p\\q", "measurements": [1]}',
    '{"probe_id": "p", "measurements": [NaN]}',
  ];
  for (const text of invalid) {
    t.throws(() => JSON.parse(text), undefined, `the case itself must be invalid: ${text}`);
    t.is(parseBatchFast(Buffer.from(text, 'utf8')), null, text);
  }
});
