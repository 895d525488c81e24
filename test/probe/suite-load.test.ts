/** Suites are data: the shipped suites load, and a bad entry is named in the error. */
import test from 'ava';
import { loadSuite, loadSuites, parseSuite, SuiteError } from '../../probe/suites/load.ts';

test('the shipped suites load with versions, groups and Citizen Lab categories', (t) => {
  const suites = Object.fromEntries(loadSuites().map((s) => [s.suite, s]));
  for (const name of ['x', 'whatsapp', 'news', 'dns']) {
    t.truthy(suites[name], name);
    t.regex(suites[name].version, /^\d{4}-\d{2}-\d{2}$/);
  }
  const wa = loadSuite('whatsapp').targets;
  t.is(wa.filter((x) => x.kind === 'tcp' && x.group === 'whatsapp_text').length, 32);
  const media = wa.filter((x) => x.group === 'whatsapp_media');
  t.deepEqual(media.map((m) => new URL(m.input).hostname).sort(), [
    'media-lhr1-1.cdn.whatsapp.net',
    'mmg.whatsapp.net',
    'pps.whatsapp.net',
    'static.whatsapp.net',
  ]);
  t.true(media.every((m) => m.throughput?.path === '/media/1mb.bin' && m.throughput.maxBytes === 1048576));
  t.true(wa.some((x) => x.input === 'https://v.whatsapp.net/v2/register'));
  t.deepEqual(new Set(loadSuite('x').targets.map((x) => x.category_code)), new Set(['GRP']));
  t.true(loadSuite('news').targets.every((x) => x.suite === 'news' && x.category_code));
});

const base = { suite: 'demo', version: '2026-11-28' };
const fails = (json: unknown) => {
  try {
    parseSuite(json, 'demo.json');
  } catch (err) {
    if (err instanceof SuiteError) return err.message;
    throw err;
  }
  throw new Error('did not fail');
};

test('a bad entry is named: its index, its input and what is wrong', (t) => {
  const targets = [
    { input: 'https://ok.example/', kind: 'web', group: 'news' },
    { input: 'https://x.example/', kind: 'webb', group: 'news' },
  ];
  t.is(
    fails({ ...base, targets }),
    'suite demo (demo.json): targets[1] (input "https://x.example/"): kind "webb" is not one of web, tcp, dns, openvpn, wireguard, ikev2, tor',
  );
  t.regex(
    fails({ ...base, targets: [{ input: 'e1.example:99999', kind: 'tcp', group: 'wa' }] }),
    /targets\[0\].*host:port/,
  );
  t.regex(fails({ ...base, targets: [{ input: 'ftp://x/', kind: 'web', group: 'g' }] }), /http\(s\)/);
  t.regex(
    fails({ ...base, targets: [{ input: 'https://a/', kind: 'web', group: 'g', colour: 'red' }] }),
    /unknown field "colour"/,
  );
  t.regex(
    fails({
      ...base,
      targets: [{ input: 'https://a/', kind: 'web', group: 'g', throughput: { maxSeconds: 600 } }],
    }),
    /maxSeconds/,
  );
  t.regex(
    fails({ ...base, targets: [{ input: 'https://a/', kind: 'web', group: 'g', category_code: 'news' }] }),
    /Citizen Lab code/,
  );
  const dup = { input: 'https://a/', kind: 'web', group: 'g' };
  t.regex(fails({ ...base, targets: [dup, dup] }), /targets\[1\].*duplicate/);
  t.regex(fails({ suite: 'Bad Name', version: '1', targets: [dup] }), /"suite" must match/);
  t.regex(fails({ ...base, targets: [] }), /non-empty/);
});

test("a suite's category code is the default of its targets; suite and category are filled in", (t) => {
  const s = parseSuite(
    { ...base, category_code: 'ANON', targets: [{ input: 'x.example', kind: 'dns', group: 'dns' }] },
    'demo.json',
  );
  t.deepEqual(s.targets[0], {
    input: 'x.example',
    kind: 'dns',
    suite: 'demo',
    group: 'dns',
    category_code: 'ANON',
  });
});
