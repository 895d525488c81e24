import { createHmac } from 'node:crypto';
import test from 'ava';
import { buildHardResetClient } from '../../probe/vpn/openvpn-packet.ts';
import { openvpnCodec } from '../../probe/vpn/openvpn-test.ts';
import {
  parseStaticKey,
  tlsAuthFromParams,
  tlsAuthKey,
  unwrapTlsAuth,
  wrapTlsAuth,
} from '../../probe/vpn/openvpn-tls-auth.ts';

/** A static key whose byte i is i (as `openvpn --genkey secret` writes it: 16 lines of 16 bytes in hex). */
const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const lines = Array.from({ length: 16 }, (_, l) => raw.subarray(l * 16, l * 16 + 16).toString('hex'));
const KEY_TEXT = `#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n${lines.join('\n')}\n-----END OpenVPN Static key V1-----\n`;
const session = Buffer.from('a1a2a3a4a5a6a7a8', 'hex');

test('the static key file parses to 256 bytes; key direction picks the HMAC halves (SHA1: first 20 bytes)', (t) => {
  t.deepEqual(parseStaticKey(KEY_TEXT), raw);
  const client = tlsAuthKey(KEY_TEXT, 1);
  const server = tlsAuthKey(KEY_TEXT, 0);
  t.deepEqual(client.out, raw.subarray(192, 212));
  t.deepEqual(client.in, raw.subarray(64, 84));
  t.deepEqual(server.out, client.in);
  t.deepEqual(server.in, client.out);
  const both = tlsAuthKey(KEY_TEXT, null, 'sha256');
  t.deepEqual(both.out, raw.subarray(64, 96));
  t.deepEqual(both.in, both.out);
  t.throws(() => parseStaticKey('nope'), { message: /static key/ });
  t.throws(() => tlsAuthFromParams({ tls_auth: KEY_TEXT, tls_auth_key_direction: 2 }), {
    message: /key_direction/,
  });
});

test('the wrapped hard reset: op | sid | HMAC | pid | time | ack | msg pid, HMAC over pid|time|op|sid|rest', (t) => {
  const key = tlsAuthKey(KEY_TEXT, 1);
  const plain = buildHardResetClient(session);
  const wire = wrapTlsAuth(plain, key, 1, 0x65000000);
  t.is(wire.length, 14 + 20 + 8);
  t.is(wire.subarray(0, 9).toString('hex'), '38a1a2a3a4a5a6a7a8');
  t.is(wire.subarray(29, 37).toString('hex'), '0000000165000000');
  t.is(wire.subarray(37).toString('hex'), '0000000000');
  const expected = createHmac('sha1', raw.subarray(192, 212))
    .update(Buffer.from('0000000165000000', 'hex'))
    .update(plain)
    .digest();
  t.deepEqual(wire.subarray(9, 29), expected);
});

test("a server reset wrapped with the server's key is verified and accepted; a wrong key is malformed", (t) => {
  const serverKey = tlsAuthKey(KEY_TEXT, 0);
  const serverPlain = Buffer.from(`40${'5a'.repeat(8)}0100000000${session.toString('hex')}00000000`, 'hex');
  const reply = wrapTlsAuth(serverPlain, serverKey, 1, 1_700_000_000);
  t.like(unwrapTlsAuth(reply, tlsAuthKey(KEY_TEXT, 1)), { replayId: 1, time: 1_700_000_000 });
  const codec = openvpnCodec(session, tlsAuthKey(KEY_TEXT, 1));
  t.like(codec.judge(reply), {
    kind: 'match',
    response: 'hard_reset_server_v2',
    details: { tls_auth_verified: true },
  });
  const other = Buffer.from(KEY_TEXT.replace(lines[4], 'ff'.repeat(16)));
  t.like(openvpnCodec(session, tlsAuthKey(other.toString(), 1)).judge(reply), {
    kind: 'bad',
    error: 'tls-auth HMAC of the reply does not verify',
  });
  t.like(codec.judge(reply.subarray(0, 30)), { kind: 'bad', failure: 'malformed_response' });
});

test('each retransmission carries a new replay id (a tls-auth server drops a repeated one)', (t) => {
  const codec = openvpnCodec(session, tlsAuthKey(KEY_TEXT, 1), () => 1000);
  t.is(codec.packet(0).readUInt32BE(29), 1);
  t.is(codec.packet(2).readUInt32BE(29), 3);
  t.deepEqual(openvpnCodec(session, null).packet(1), buildHardResetClient(session));
});
