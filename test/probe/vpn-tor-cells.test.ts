import { randomBytes } from 'node:crypto';
import test from 'ava';
import { MalformedPacket } from '../../probe/vpn/bytes.ts';
import { buildVersionsCell, feedTor, negotiate, newTorState, readCell } from '../../probe/vpn/tor-cells.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
/** What a relay sends after our VERSIONS: VERSIONS (2-byte circ id), then 4-byte circ ids: CERTS, AUTH_CHALLENGE, NETINFO. */
const relayStream = Buffer.concat([
  hex('0000 07 0006 0003 0004 0005'),
  hex('00000000 81 0005 01 01 0001 aa'),
  hex('00000000 82 0026'),
  Buffer.alloc(0x26, 0x11),
  hex('00000000 08'),
  Buffer.alloc(509, 0x22),
]);

test('the VERSIONS cell offers link protocols 3, 4 and 5 with a 2-byte circuit id', (t) => {
  t.is(buildVersionsCell().toString('hex'), '0000070006000300040005');
});

test("a relay's VERSIONS, CERTS, AUTH_CHALLENGE and NETINFO are read across arbitrary chunk boundaries", (t) => {
  for (const size of [1, 3, 7, 64, relayStream.length]) {
    const s = newTorState();
    let done = false;
    for (let i = 0; i < relayStream.length; i += size) done = feedTor(s, relayStream.subarray(i, i + size));
    t.true(done, `chunks of ${size}`);
    t.deepEqual(s.versions, [3, 4, 5]);
    t.is(s.linkProtocol, 5);
    t.deepEqual(s.cells, ['VERSIONS', 'CERTS', 'AUTH_CHALLENGE', 'NETINFO']);
  }
});

test('VERSIONS alone is recorded even when NETINFO never comes', (t) => {
  const s = newTorState();
  t.false(feedTor(s, relayStream.subarray(0, 11)));
  t.deepEqual(s.versions, [3, 4, 5]);
  t.deepEqual(s.cells, ['VERSIONS']);
});

test('link protocol 3 keeps 2-byte circuit ids for the following cells', (t) => {
  const s = newTorState();
  const v3 = Buffer.concat([hex('0000 07 0002 0003'), hex('0000 08'), Buffer.alloc(509)]);
  t.true(feedTor(s, v3));
  t.is(s.linkProtocol, 3);
});

test('a first cell that is not VERSIONS, no common version, odd or huge lengths are malformed', (t) => {
  t.throws(() => feedTor(newTorState(), hex('0000 08')), {
    instanceOf: MalformedPacket,
    message: /not VERSIONS/,
  });
  t.throws(() => feedTor(newTorState(), hex('0000 07 0002 0001')), { message: /no common link protocol/ });
  t.throws(() => feedTor(newTorState(), hex('0000 07 0003 000300')), { message: /VERSIONS payload/ });
  t.throws(() => readCell(hex('00000000 81 ffff'), 4), { message: /65535-byte payload/ });
  t.throws(() => feedTor(newTorState(), Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), {
    instanceOf: MalformedPacket,
  });
  for (let i = 0; i < 300; i++) {
    try {
      feedTor(newTorState(), randomBytes(i));
    } catch (err) {
      t.true(err instanceof MalformedPacket);
    }
  }
});

test('negotiation picks the highest common version', (t) => {
  t.is(negotiate([1, 2, 3, 4]), 4);
  t.is(negotiate([6, 7]), null);
});
