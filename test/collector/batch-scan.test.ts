import test from 'ava';
import { measurementSpans } from '../../collector/ingest/batch-scan.ts';

function spansOf(text: string): string[] | null {
  const buf = Buffer.from(text, 'utf8');
  const spans = measurementSpans(buf);
  return spans ? spans.map((s) => buf.subarray(s.offset, s.offset + s.length).toString('utf8')) : null;
}

test('each element of the top-level measurements array is located byte for byte', (t) => {
  const a = '{"a": "x,y]}", "b": [1, {"c": "\\"quoted\\" \\\\"}]}';
  const b = '{ "n": "اردو — ünïcödé", "e": "\\u005d\\\\" }';
  const text = `{\n  "probe_id": "p",\n  "measurements" : [ ${a} ,\n\t${b}\n ]\n}`;
  t.deepEqual(spansOf(text), [a, b]);
  for (const s of spansOf(text)!) t.notThrows(() => JSON.parse(s));
});

test('nested keys named measurements and strings that look like JSON are ignored', (t) => {
  const text =
    '{"probe_id": "p \\"measurements\\": [1]", "x": {"measurements": [9, 9]}, "measurements": [{"k": 1}]}';
  t.deepEqual(spansOf(text), ['{"k": 1}']);
});

test('the last duplicate key wins, as in JSON.parse; escaped key names count', (t) => {
  t.deepEqual(spansOf('{"measurements": [1], "measurements": [{"b": 2}]}'), ['{"b": 2}']);
  t.deepEqual(spansOf('{"measur\\u0065ments": [{"c": 3}]}'), ['{"c": 3}']);
  t.deepEqual(JSON.parse('{"measur\\u0065ments": [{"c": 3}]}').measurements, [{ c: 3 }]);
});

test('scalars and empty arrays', (t) => {
  t.deepEqual(spansOf('{"measurements": []}'), []);
  t.deepEqual(spansOf('{"measurements": [1, "two", null, true]}'), ['1', '"two"', 'null', 'true']);
  t.is(spansOf('[1, 2]'), null);
  t.is(spansOf('{"probe_id": "p"}'), null);
});
