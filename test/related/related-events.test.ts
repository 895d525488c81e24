import test from 'ava';
import {
  familyOf,
  familyServices,
  type Groupable,
  groupIndex,
  groupRelated,
} from '../../collector/related/related-events.ts';

const H = 3600_000;
const T0 = Date.UTC(2024, 10, 10, 8);

const ev = (id: string, target_group: string, startH: number, endH: number | null, over = {}): Groupable => ({
  id,
  target_group,
  cc: 'PK',
  start_ms: T0 + startH * H,
  end_ms: endH === null ? null : T0 + endH * H,
  simulated: false,
  ...over,
});

const ids = (groups: Groupable[][]) => groups.map((g) => g.map((e) => e.id));

test('families: VPN protocols and Tor are one family, WhatsApp text and media another, X none', (t) => {
  t.is(familyOf('openvpn'), 'vpn');
  t.is(familyOf('tor'), 'vpn');
  t.is(familyOf('whatsapp_media'), 'whatsapp');
  t.is(familyOf('x'), null);
  t.is(familyOf('constructor'), null, 'no inherited keys');
  t.deepEqual(familyServices('vpn'), ['openvpn', 'wireguard', 'ikev2', 'tor']);
  t.deepEqual(familyServices('nope'), []);
});

test('the 10 Nov VPN disruption: three overlapping protocol events are one group, first by start', (t) => {
  const groups = groupRelated([
    ev('ikev2', 'ikev2', 0, 2),
    ev('wg', 'wireguard', 0.5, 2),
    ev('ovpn', 'openvpn', 0, 2),
  ]);
  t.deepEqual(ids(groups), [['ikev2', 'ovpn', 'wg']], 'same start: ordered by id');
});

test('touching events and events starting within the gap are related; beyond the gap they are not', (t) => {
  t.deepEqual(ids(groupRelated([ev('a', 'openvpn', 0, 2), ev('b', 'wireguard', 2, 3)])), [['a', 'b']]);
  t.deepEqual(ids(groupRelated([ev('a', 'openvpn', 0, 2), ev('b', 'wireguard', 2.5, 3)])), [['a', 'b']]);
  t.deepEqual(ids(groupRelated([ev('a', 'openvpn', 0, 2), ev('b', 'wireguard', 3.01, 4)])), [['a'], ['b']]);
  t.deepEqual(
    ids(groupRelated([ev('a', 'openvpn', 0, 2), ev('b', 'wireguard', 2.5, 3)], 0)),
    [['a'], ['b']],
    'the gap is a parameter',
  );
});

test('disjoint events, other countries, other families and real vs simulated stay apart', (t) => {
  t.deepEqual(ids(groupRelated([ev('a', 'openvpn', 0, 2), ev('b', 'ikev2', 24, 26)])), [['a'], ['b']]);
  t.deepEqual(ids(groupRelated([ev('pk', 'openvpn', 0, 2), ev('ir', 'wireguard', 0, 2, { cc: 'IR' })])), [
    ['ir'],
    ['pk'],
  ]);
  t.deepEqual(ids(groupRelated([ev('vpn', 'openvpn', 0, 2), ev('wa', 'whatsapp_media', 0, 2)])), [
    ['vpn'],
    ['wa'],
  ]);
  t.deepEqual(
    ids(groupRelated([ev('real', 'openvpn', 0, 2), ev('sim', 'wireguard', 0, 2, { simulated: true })])),
    [['real'], ['sim']],
  );
});

test('services without a family are never grouped, not even with themselves', (t) => {
  t.deepEqual(ids(groupRelated([ev('x1', 'x', 0, 2), ev('x2', 'x', 1, 3)])), [['x1'], ['x2']]);
});

test('a chain A–B–C is one group although A and C do not overlap', (t) => {
  const groups = groupRelated([
    ev('c', 'ikev2', 3, 5),
    ev('a', 'openvpn', 0, 2),
    ev('b', 'wireguard', 1.5, 3.5),
    ev('d', 'tor', 7, 8),
  ]);
  t.deepEqual(ids(groups), [['a', 'b', 'c'], ['d']]);
});

test('an open event (no end) takes in everything of its family that starts later', (t) => {
  const groups = groupRelated([
    ev('open', 'whatsapp_text', 0, null),
    ev('later', 'whatsapp_media', 500, 501),
    ev('before', 'whatsapp_media', -10, -5),
  ]);
  t.deepEqual(ids(groups), [['before'], ['open', 'later']]);
});

test('groupIndex maps every event to its group; a duplicate id is kept once', (t) => {
  const a = ev('a', 'openvpn', 0, 2);
  const index = groupIndex([a, ev('b', 'wireguard', 1, 2), a, ev('x', 'x', 0, 1)]);
  t.deepEqual(
    [...index.entries()].map(([id, g]) => [id, g.map((e) => e.id)]),
    [
      ['a', ['a', 'b']],
      ['b', ['a', 'b']],
      ['x', ['x']],
    ],
  );
});
