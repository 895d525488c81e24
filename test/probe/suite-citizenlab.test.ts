/** Citizen Lab test-list import: quoted CSV, categories kept, risky categories skipped unless opted in. */
import test from 'ava';
import { importCitizenLab, parseCsv, RISKY_CATEGORIES } from '../../probe/suites/citizenlab.ts';
import { parseSuite } from '../../probe/suites/load.ts';

const CSV = [
  'url,category_code,category_description,date_added,source,notes',
  'https://www.dawn.com/,NEWS,News Media,2017-04-12,citizenlab,',
  '"https://insaf.pk/",POLR,"Political Criticism","2018-01-01",,"party site, ""official"""',
  'http://gambling.example/,GMB,Gambling,2019-01-01,,',
  'https://blasphemy.example/,REL,Religion,2019-01-01,,"notes with a',
  'newline inside"',
  'not a url,NEWS,News Media,2019-01-01,,',
  'https://www.dawn.com/,NEWS,News Media,2017-04-12,citizenlab,',
].join('\r\n');

test('RFC 4180 quoting: commas, doubled quotes and newlines inside quoted fields', (t) => {
  const rows = parseCsv(CSV);
  t.is(rows.length, 7);
  t.is(rows[2][5], 'party site, "official"');
  t.is(rows[4][5], 'notes with a\r\nnewline inside');
});

test('an import keeps URLs with their category codes and skips risky categories, bad URLs and duplicates', (t) => {
  const { suite, skipped } = importCitizenLab(CSV, {
    suite: 'pk_list',
    version: '2026-11-28',
    group: 'citizenlab',
  });
  t.deepEqual(
    suite.targets.map((x) => `${x.category_code} ${x.input}`),
    ['NEWS https://www.dawn.com/', 'POLR https://insaf.pk/'],
  );
  t.deepEqual(
    skipped.map((s) => s.reason.split(' (')[0].split(':')[0]),
    [
      'risky category GMB',
      'risky category REL',
      'web input must be an http(s) URL, got "not a url"',
      'duplicate',
    ],
  );
  t.notThrows(
    () => parseSuite(JSON.parse(JSON.stringify(suite)), 'pk_list.json'),
    'the result is a valid suite',
  );
});

test('risky categories come in only when opted in, one by one or all', (t) => {
  const one = importCitizenLab(CSV, { suite: 's', version: '1', includeRisky: ['GMB'] });
  t.true(one.suite.targets.some((x) => x.category_code === 'GMB'));
  t.false(one.suite.targets.some((x) => x.category_code === 'REL'));
  const all = importCitizenLab(CSV, { suite: 's', version: '1', includeRisky: true });
  t.is(all.suite.targets.length, 4);
  for (const code of ['PORN', 'LGBT', 'REL', 'GMB']) t.truthy(RISKY_CATEGORIES[code]);
});

test('a file without url and category_code columns is refused', (t) => {
  t.throws(() => importCitizenLab('a,b\n1,2\n', { suite: 's', version: '1' }), {
    message: /Citizen Lab list/,
  });
});
