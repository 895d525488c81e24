import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Reader } from 'mmdb-lib';
import { openGeo } from '../../collector/geo/lookup.ts';
import { writeMmdb } from '../../collector/geo/mmdb-writer.ts';
import { tempDir } from './helpers.ts';

const PK = {
  country: { iso_code: 'PK' },
  autonomous_system_number: 17557,
  autonomous_system_organization: 'PTCL',
};

test('a written database reads back with mmdb-lib: IPv4, IPv6, nested networks, misses', (t) => {
  const db = writeMmdb([
    { network: '198.51.100.0/24', data: PK },
    { network: '198.51.0.0/16', data: { country: { iso_code: 'DE' } } },
    { network: '2001:db8::/32', data: { country: { iso_code: 'PK' }, autonomous_system_number: 38193 } },
    {
      network: '203.0.113.7/32',
      data: {
        values: [1, 2.5, -3, true, false, 'x'.repeat(300), 'é'.repeat(40)],
        big: 70000,
        map: { a: { b: 'c' } },
      },
    },
  ]);
  const r = new Reader(db);
  t.is(r.metadata.ipVersion, 6);
  t.deepEqual(r.get('198.51.100.200'), PK);
  t.deepEqual(
    r.get('198.51.7.1'),
    { country: { iso_code: 'DE' } },
    'the wider network still answers around the narrower',
  );
  t.deepEqual(r.get('2001:db8:1::5'), { country: { iso_code: 'PK' }, autonomous_system_number: 38193 });
  t.deepEqual(r.get('203.0.113.7'), {
    values: [1, 2.5, -3, true, false, 'x'.repeat(300), 'é'.repeat(40)],
    big: 70000,
    map: { a: { b: 'c' } },
  });
  t.is(r.get('203.0.113.8'), null);
  t.is(r.get('8.8.8.8'), null);
  const [, prefix] = r.getWithPrefixLength('198.51.100.1');
  t.is(prefix, 24);
});

test('the geo lookup combines files, maps IPv4-mapped addresses and falls back to ZZ/AS0', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const country = join(tmp.dir, 'country.mmdb');
  const asn = join(tmp.dir, 'asn.mmdb');
  writeFileSync(country, writeMmdb([{ network: '198.51.100.0/24', data: { country: { iso_code: 'PK' } } }]));
  writeFileSync(asn, writeMmdb([{ network: '198.51.100.0/24', data: { autonomous_system_number: 45595 } }]));
  const geo = openGeo([country, asn], (a) => (a === 'AS45595' ? 'Zong' : null));
  t.deepEqual(geo.lookup('::ffff:198.51.100.3'), { cc: 'PK', asn: 'AS45595', network_name: 'Zong' });
  t.deepEqual(geo.lookup('192.0.2.1'), { cc: 'ZZ', asn: 'AS0', network_name: null });
  t.deepEqual(openGeo([]).lookup('198.51.100.3'), { cc: 'ZZ', asn: 'AS0', network_name: null });
});
