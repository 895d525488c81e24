import { createHash, randomBytes } from 'node:crypto';
import test from 'ava';
import { buildSaInit, natDetectionHash, randomSpi } from '../../probe/vpn/ikev2-build.ts';
import { checkSaInitResponse, parseIkeMessage, summarize } from '../../probe/vpn/ikev2-parse.ts';

const spiI = Buffer.from('0102030405060708', 'hex');
const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s/g, ''), 'hex');

/** A handcrafted IKE_SA_INIT response: SA (AES-CBC-128, SHA2-256, MODP-2048), KE, Nonce, two notifies. */
const fullResponse = hex(
  '0102030405060708 1112131415161718 21 20 22 20 00000000 0000019c',
  '22 00 0030', // SA
  '00 00 002c 01 01 00 04',
  '03 00 000c 01 00 000c 800e0080',
  '03 00 0008 02 00 0005',
  '03 00 0008 03 00 000c',
  '00 00 0008 04 00 000e',
  '28 00 0108 000e 0000',
  'ab'.repeat(256), // KE
  '29 00 0024',
  'cd'.repeat(32), // Nonce
  '29 00 001c 00 00 4004',
  'ee'.repeat(20), // NAT_DETECTION_SOURCE_IP
  '00 00 0008 00 00 402e', // IKEV2_FRAGMENTATION_SUPPORTED
);
const noProposal = hex(
  '0102030405060708 0000000000000000 29 20 22 20 00000000 00000024',
  '00 00 0008 00 00 000e',
);
const invalidKe = hex(
  '0102030405060708 0000000000000000 29 20 22 20 00000000 00000026',
  '00 00 000a 00 00 0011 0013',
);

test('a handcrafted IKE_SA_INIT response parses into payloads, notifies, chosen proposal and SPIr', (t) => {
  const r = checkSaInitResponse(fullResponse, spiI, false);
  t.true(r.ok);
  if (!r.ok) return;
  t.deepEqual(r.summary, {
    spi_r: '1112131415161718',
    payloads: ['SA', 'KE', 'Nonce', 'Notify', 'Notify'],
    notifies: ['NAT_DETECTION_SOURCE_IP', 'IKEV2_FRAGMENTATION_SUPPORTED'],
    chosen_proposal: [
      'ENCR:AES_CBC/128',
      'PRF:PRF_HMAC_SHA2_256',
      'INTEG:AUTH_HMAC_SHA2_256_128',
      'DH:MODP_2048',
    ],
    ke_group: 14,
    requested_group: null,
    vendor_ids: [],
  });
});

test('NO_PROPOSAL_CHOSEN and INVALID_KE_PAYLOAD responses count as an IKE responder answering', (t) => {
  t.like(checkSaInitResponse(noProposal, spiI, false), {
    ok: true,
    summary: { notifies: ['NO_PROPOSAL_CHOSEN'] },
  });
  t.like(checkSaInitResponse(invalidKe, spiI, false), {
    ok: true,
    summary: { notifies: ['INVALID_KE_PAYLOAD'], requested_group: 19 },
  });
});

test('on UDP 4500 the reply must carry the non-ESP marker', (t) => {
  t.true(checkSaInitResponse(Buffer.concat([Buffer.alloc(4), fullResponse]), spiI, true).ok);
  t.like(checkSaInitResponse(fullResponse, spiI, true), { ok: false, failure: 'malformed_response' });
});

test('a response to another SPIi, a request, or another exchange is a protocol mismatch', (t) => {
  t.like(checkSaInitResponse(fullResponse, randomBytes(8), false), {
    ok: false,
    failure: 'protocol_mismatch',
  });
  const request = Buffer.from(fullResponse);
  request[19] = 0x08;
  t.like(checkSaInitResponse(request, spiI, false), { ok: false, error: 'not a response' });
  const auth = Buffer.from(noProposal);
  auth[18] = 35;
  t.like(checkSaInitResponse(auth, spiI, false), { ok: false, error: 'exchange type 35' });
});

test('truncated, oversized, mis-sized and garbage messages are malformed, never a crash', (t) => {
  for (let n = 0; n < fullResponse.length; n += 7) {
    t.like(checkSaInitResponse(fullResponse.subarray(0, n), spiI, false), {
      ok: false,
      failure: 'malformed_response',
    });
  }
  const big = Buffer.concat([fullResponse, Buffer.alloc(10_000)]);
  big.writeUInt32BE(big.length, 24);
  t.like(checkSaInitResponse(big, spiI, false), { ok: false, failure: 'malformed_response' });
  const badLen = Buffer.from(noProposal);
  badLen.writeUInt16BE(0x0002, 30);
  t.like(checkSaInitResponse(badLen, spiI, false), { ok: false, error: 'Notify payload length 2' });
  for (let i = 0; i < 300; i++) t.notThrows(() => checkSaInitResponse(randomBytes(i), spiI, i % 2 === 0));
});

test('our IKE_SA_INIT request: header, SA/KE/Nonce/2×Notify chain, NAT detection hashes', (t) => {
  const ke = Buffer.alloc(32, 0x42);
  const nonce = Buffer.alloc(32, 0x17);
  const req = buildSaInit({ spiI, dstIp: '198.18.60.2', dstPort: 500, dhGroup: 31, kePublic: ke, nonce });
  t.is(
    req.message.subarray(0, 28).toString('hex'),
    `0102030405060708000000000000000021202208000000000000${req.message.length.toString(16).padStart(4, '0')}`,
  );
  t.deepEqual(req.datagram, req.message);
  const msg = parseIkeMessage(req.message);
  t.deepEqual(summarize(msg).payloads, ['SA', 'KE', 'Nonce', 'Notify', 'Notify']);
  t.deepEqual(summarize(msg).notifies, ['NAT_DETECTION_SOURCE_IP', 'NAT_DETECTION_DESTINATION_IP']);
  t.deepEqual(msg.payloads[1].body, Buffer.concat([hex('001f 0000'), ke]));
  t.deepEqual(msg.payloads[2].body, nonce);
  const expectDst = createHash('sha1')
    .update(hex('0102030405060708 0000000000000000 c6123c02 01f4'))
    .digest();
  t.deepEqual(msg.payloads[4].body.subarray(4), expectDst);
  t.deepEqual(natDetectionHash(spiI, '198.18.60.2', 500), expectDst);
  const proposal = summarize({ ...msg, payloads: [msg.payloads[0]] }).chosen_proposal;
  t.deepEqual(proposal, [
    'ENCR:AES_CBC/256',
    'ENCR:AES_CBC/128',
    'PRF:PRF_HMAC_SHA2_256',
    'INTEG:AUTH_HMAC_SHA2_256_128',
    'DH:MODP_2048',
    'DH:ECP_256',
    'DH:CURVE25519',
  ]);
});

test('to UDP 4500 the request gets the non-ESP marker; group 14 sends a 256-byte public value', (t) => {
  const req = buildSaInit({ dstIp: '198.18.60.2', dstPort: 4500 });
  t.is(req.datagram.subarray(0, 4).toString('hex'), '00000000');
  t.deepEqual(req.datagram.subarray(4), req.message);
  const ke = parseIkeMessage(req.message).payloads[1].body;
  t.is(ke.readUInt16BE(0), 14);
  t.is(ke.length, 4 + 256);
});

test('our SPIs never start like an OpenVPN hard reset (no collateral from OpenVPN DPI)', (t) => {
  for (let i = 0; i < 2000; i++) {
    const b = randomSpi()[0] & 0xf8;
    t.true(b !== 0x38 && b !== 0x50);
  }
});
