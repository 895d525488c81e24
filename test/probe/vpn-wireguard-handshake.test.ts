import { randomBytes } from 'node:crypto';
import test from 'ava';
import { generatePair, mac } from '../../probe/vpn/wireguard-crypto.ts';
import {
  consumeResponse,
  createInitiation,
  INITIATION_LEN,
  mac1Key,
  messageType,
  parseResponse,
} from '../../probe/vpn/wireguard-handshake.ts';
import { WgResponder } from '../fixtures/vpn/wg-responder.ts';

const serverPriv = randomBytes(32);
const clientPriv = randomBytes(32);
const server = new WgResponder(serverPriv);
const keys = { serverPublic: server.me.publicRaw, clientPrivate: clientPriv };

test('the initiation is 148 bytes: type 1, sender index, ephemeral, mac1 over the first 116 bytes, zero mac2', (t) => {
  const { packet, state } = createInitiation(keys, { senderIndex: 0x01020304 });
  t.is(packet.length, INITIATION_LEN);
  t.is(packet.subarray(0, 8).toString('hex'), '0100000004030201');
  t.is(messageType(packet), 1);
  t.deepEqual(packet.subarray(116, 132), mac(mac1Key(keys.serverPublic), packet.subarray(0, 116)));
  t.deepEqual(packet.subarray(132), Buffer.alloc(16));
  t.is(state.senderIndex, 0x01020304);
});

test('a responder holding the server key decrypts our static key and a current TAI64N timestamp', (t) => {
  const now = Date.now();
  const { packet } = createInitiation(keys, { nowMs: now });
  const init = server.consumeInitiation(packet);
  t.deepEqual(init.initiatorStatic, createInitiation(keys).state.staticPublic);
  const secs = Number(init.timestamp.readBigUInt64BE(0) - 0x400000000000000an);
  t.is(secs, Math.floor(now / 1000));
});

test('the full handshake completes: our response check decrypts and authenticates the responder', (t) => {
  const { packet, state } = createInitiation(keys);
  const reply = server.createResponse(server.consumeInitiation(packet), { senderIndex: 77 });
  const r = consumeResponse(state, reply);
  t.true(r.ok);
  if (r.ok) {
    t.is(r.response.senderIndex, 77);
    t.is(r.response.receiverIndex, state.senderIndex);
    t.is(r.sendingKey.length, 32);
  }
});

test('a pre-shared key is mixed in on both sides; a PSK mismatch fails authentication', (t) => {
  const psk = randomBytes(32);
  const pskServer = new WgResponder(serverPriv, psk);
  const good = createInitiation({ ...keys, presharedKey: psk });
  t.true(consumeResponse(good.state, pskServer.createResponse(pskServer.consumeInitiation(good.packet))).ok);
  const bad = createInitiation(keys);
  const r = consumeResponse(bad.state, pskServer.createResponse(pskServer.consumeInitiation(bad.packet)));
  t.false(r.ok);
  if (!r.ok) t.regex(r.error, /does not authenticate/);
});

test('an initiation built for another server key is rejected by the responder (mac1)', (t) => {
  const other = generatePair();
  const { packet } = createInitiation({ ...keys, serverPublic: other.publicRaw });
  t.throws(() => server.consumeInitiation(packet), { message: /mac1/ });
});

test('tampered, misaddressed, truncated, oversized and garbage responses are clear failures', (t) => {
  const { packet, state } = createInitiation(keys);
  const init = server.consumeInitiation(packet);
  const tampered = consumeResponse(state, server.createResponse(init, { tamper: true }));
  t.like(tampered, { ok: false, failure: 'malformed_response' });
  const good = server.createResponse(init);
  const badMac = Buffer.from(good);
  badMac[70] ^= 0xff;
  t.like(consumeResponse(state, badMac), { ok: false, error: 'mac1 of the response does not verify' });
  const otherIndex = Buffer.from(good);
  otherIndex.writeUInt32LE((state.senderIndex + 1) >>> 0, 8);
  t.like(consumeResponse(state, otherIndex), { ok: false, failure: 'protocol_mismatch' });
  for (const junk of [
    good.subarray(0, 50),
    Buffer.concat([good, Buffer.alloc(10)]),
    randomBytes(92),
    Buffer.alloc(0),
  ]) {
    const r = consumeResponse(state, junk);
    t.false(r.ok);
    if (!r.ok) t.is(r.failure, 'malformed_response');
  }
  t.throws(() => parseResponse(Buffer.from([2, 0, 0])), { message: /type 2/ });
});
