import { randomBytes } from 'node:crypto';
import test from 'ava';
import { MalformedPacket } from '../../probe/vpn/bytes.ts';
import {
  buildHardResetClient,
  checkServerReset,
  describeOpenvpn,
  frameTcp,
  parseOpenvpnPacket,
  unframeTcp,
} from '../../probe/vpn/openvpn-packet.ts';

const ours = Buffer.from('a1a2a3a4a5a6a7a8', 'hex');
/** A P_CONTROL_HARD_RESET_SERVER_V2 as OpenVPN 2.6 sends it: 0x40, server sid, 1 ack (id 0), our sid, pid 0. */
const serverReset = Buffer.from(
  '40' + '1122334455667788' + '01' + '00000000' + 'a1a2a3a4a5a6a7a8' + '00000000',
  'hex',
);

test('the client hard reset is 14 bytes: 0x38, session id, empty ack array, packet id 0', (t) => {
  const p = buildHardResetClient(ours);
  t.is(p.toString('hex'), '38a1a2a3a4a5a6a7a80000000000');
  t.is(frameTcp(p).toString('hex'), '000e38a1a2a3a4a5a6a7a80000000000');
  t.throws(() => buildHardResetClient(Buffer.alloc(4)));
});

test('a server hard reset that acks packet 0 and echoes our session id is success', (t) => {
  const r = checkServerReset(serverReset, ours);
  t.true(r.ok);
  t.deepEqual(describeOpenvpn(parseOpenvpnPacket(serverReset)), {
    opcode: 'P_CONTROL_HARD_RESET_SERVER_V2',
    key_id: 0,
    server_session_id: '1122334455667788',
    acked_packet_ids: [0],
    remote_session_id: 'a1a2a3a4a5a6a7a8',
    packet_id: 0,
    payload_bytes: 0,
  });
});

test('a server reset for another session, or without our ack, is a protocol mismatch', (t) => {
  t.like(checkServerReset(serverReset, randomBytes(8)), {
    ok: false,
    failure: 'protocol_mismatch',
    error: 'does not echo our session id',
  });
  const noAck = Buffer.from('40' + '1122334455667788' + '00' + '00000000', 'hex');
  t.like(checkServerReset(noAck, ours), { ok: false, failure: 'protocol_mismatch' });
  t.like(checkServerReset(buildHardResetClient(ours), ours), {
    ok: false,
    error: 'got P_CONTROL_HARD_RESET_CLIENT_V2',
  });
});

test('truncated, oversized and garbage replies are malformed, never a crash', (t) => {
  for (let n = 0; n < serverReset.length; n++) {
    if (n === 14) continue; // 14 bytes happen to be a complete packet with an empty ack array
    const r = checkServerReset(serverReset.subarray(0, n), ours);
    t.false(r.ok, `length ${n}`);
  }
  t.like(checkServerReset(Buffer.alloc(4000, 0x40), ours), { ok: false, failure: 'malformed_response' });
  t.like(checkServerReset(Buffer.from('GET / HTTP/1.1\r\n\r\n'), ours), {
    ok: false,
    failure: 'malformed_response',
  });
  t.like(checkServerReset(Buffer.from('4011223344556677882000', 'hex'), ours), {
    ok: false,
    failure: 'malformed_response',
  });
  t.like(checkServerReset(Buffer.from('4811223344556677880000000000', 'hex'), ours), {
    ok: false,
    error: 'P_DATA_V2 before any handshake',
  });
  for (let i = 0; i < 200; i++) t.notThrows(() => checkServerReset(randomBytes(i % 60), ours));
});

test('TCP unframing waits for the whole packet and rejects impossible lengths (a TLS record is not OpenVPN)', (t) => {
  const framed = frameTcp(serverReset);
  t.is(unframeTcp(framed.subarray(0, 1)), null);
  t.is(unframeTcp(framed.subarray(0, 10)), null);
  t.deepEqual(unframeTcp(Buffer.concat([framed, Buffer.from([1, 2])])), { packet: serverReset, used: 28 });
  t.throws(() => unframeTcp(Buffer.from('160301', 'hex')), { instanceOf: MalformedPacket });
  t.throws(() => unframeTcp(Buffer.from('0000', 'hex')), { instanceOf: MalformedPacket });
});
