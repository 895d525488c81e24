/** Small rules of the analysis: bogon ranges, OONI's page tolerances, fingerprint matching order. */
import test from 'ava';
import { bogonRange, compareResponses, DEFAULT_BOGONS } from '../../probe/analysis/index.ts';
import {
  fingerprintDb,
  matchBlockpage,
  matchDnsAnswer,
  matchFalsePositive,
} from '../../probe/fingerprints/match.ts';

const page = (over: Partial<Parameters<typeof compareResponses>[0]> = {}) => ({
  code: 200,
  headers_list: [
    ['content-type', 'text/html'],
    ['x-served-by', 'origin'],
  ],
  body: '<title>Dawn news today</title>',
  body_is_truncated: false,
  body_length: 10_000,
  body_sha256: 'a'.repeat(64),
  title: 'Dawn news today',
  ...over,
});

test('bogon ranges name the range; IPv4-mapped addresses are checked as IPv4; public addresses are not bogons', (t) => {
  t.is(bogonRange('100.64.255.1'), '100.64.0.0/10');
  t.is(bogonRange('198.18.10.1'), '198.18.0.0/15');
  t.is(bogonRange('::ffff:10.1.2.3'), '10.0.0.0/8');
  t.is(bogonRange('fd00::1'), 'fc00::/7');
  t.is(bogonRange('203.82.48.83'), null);
  t.is(bogonRange('8.8.8.8'), null);
  t.is(
    bogonRange(
      '198.18.10.1',
      DEFAULT_BOGONS.filter((r) => r !== '198.18.0.0/15'),
    ),
    null,
  );
});

test('pages match within OONI tolerances: same status and a body length proportion of at least 0.7', (t) => {
  t.true(
    compareResponses(
      page({ body_length: 8000, body_sha256: 'b'.repeat(64), title: 'x', headers_list: [] }),
      page(),
    ).match,
  );
  const far = compareResponses(
    page({ body_length: 500, body_sha256: 'b'.repeat(64), title: 'Blocked', headers_list: [] }),
    page(),
  );
  t.false(far.match);
  t.is(far.differences.length, 3);
  t.false(compareResponses(page({ code: 403, body_sha256: 'b'.repeat(64) }), page()).match);
});

test('a shared title word or a shared uncommon header is enough when lengths differ', (t) => {
  t.true(
    compareResponses(page({ body_length: 100, body_sha256: 'b'.repeat(64), headers_list: [] }), page()).match,
  );
  t.true(
    compareResponses(page({ body_length: 100, body_sha256: 'b'.repeat(64), title: 'zzz' }), page()).match,
  );
});

test('both bodies cut at the cap count as the same length', (t) => {
  const cut = { body_is_truncated: true, body_length: 65536, title: null, headers_list: [] };
  t.is(compareResponses(page({ ...cut, body_sha256: 'b'.repeat(64) }), page(cut)).bodyProportion, 1);
});

test('fingerprints: the PTA page, wi-tribe redirects and Nayatel DNS answers match; challenges are false positives', (t) => {
  const db = fingerprintDb();
  t.true(db.false_positives.length > 5 && db.blockpages.length > 5 && db.dns.length === 2);
  const pta = {
    body: '<p>The site you are trying to access contains content that is prohibited for viewership from within Pakistan.</p>',
    headers_list: [],
  };
  t.is(matchBlockpage(pta, 'PK')?.signature.id, 'pk_pta_national');
  t.true(matchBlockpage(pta, 'PK')?.expectedHere);
  t.false(matchBlockpage(pta, 'DE')?.expectedHere);
  const redirect = { body: '', headers_list: [['Location', 'http://redirect.wi-tribe.net.pk/alert/?u=x']] };
  t.is(matchBlockpage(redirect, 'PK')?.signature.id, 'pk_witribe_alert_location');
  t.is(matchDnsAnswer('203.82.48.86')?.id, 'pk_nayatel_safeweb_86');
  t.is(
    matchFalsePositive({ body: '<title>Just a moment...</title>', headers_list: [] })?.signature.kind,
    'challenge',
  );
  t.is(
    matchFalsePositive({ body: '', headers_list: [['cf-mitigated', 'challenge']] })?.signature.id,
    'cloudflare_challenge_header',
  );
  t.is(matchFalsePositive(pta), null);
});
