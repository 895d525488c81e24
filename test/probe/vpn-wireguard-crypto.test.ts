import { createHash } from 'node:crypto';
import { blake2s } from '@noble/hashes/blake2.js';
import test from 'ava';
import {
  aeadDecrypt,
  aeadEncrypt,
  decodeKey,
  hash,
  hmac,
  kdf,
  mac,
  pairFromPrivate,
  tai64n,
} from '../../probe/vpn/wireguard-crypto.ts';

const seqKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

test('BLAKE2s-256 of "abc" matches RFC 7693 Appendix B', (t) => {
  t.is(
    hash(Buffer.from('abc')).toString('hex'),
    '508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982',
  );
});

test('keyed BLAKE2s matches the BLAKE2 reference blake2s-kat.txt (key 00..1f)', (t) => {
  const kat = (input: Uint8Array) => Buffer.from(blake2s(input, { key: seqKey })).toString('hex');
  t.is(kat(new Uint8Array(0)), '48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49');
  t.is(kat(Uint8Array.of(0)), '40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1');
});

/** RFC 7693 Appendix E self-test: keyed and unkeyed BLAKE2s with 16/20/28/32-byte outputs. */
test('RFC 7693 Appendix E self-test passes, the 16-byte keyed hashes through mac()', (t) => {
  const seq = (len: number, seed: number) => {
    const out = new Uint8Array(len);
    let a = Math.imul(0xdead4bad, seed) >>> 0;
    let b = 1;
    for (let i = 0; i < len; i++) {
      const s = (a + b) >>> 0;
      a = b;
      b = s;
      out[i] = (s >>> 24) & 0xff;
    }
    return out;
  };
  const grand = blake2s.create({ dkLen: 32 });
  for (const outlen of [16, 20, 28, 32]) {
    for (const inlen of [0, 3, 64, 65, 255, 1024]) {
      const input = seq(inlen, inlen);
      const key = seq(outlen, outlen);
      grand.update(blake2s(input, { dkLen: outlen }));
      grand.update(outlen === 16 ? mac(key, input) : blake2s(input, { dkLen: outlen, key }));
    }
  }
  t.is(
    Buffer.from(grand.digest()).toString('hex'),
    '6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe',
  );
});

test('HMAC-BLAKE2s equals the RFC 2104 construction over BLAKE2s (64-byte block)', (t) => {
  const key = Buffer.from('a key that is used for the hmac');
  const msg = Buffer.from('WireGuard');
  const block = Buffer.alloc(64);
  key.copy(block);
  const x = (pad: number) => Buffer.from(block.map((b) => b ^ pad));
  const inner = createHash('blake2s256').update(x(0x36)).update(msg).digest();
  const outer = createHash('blake2s256').update(x(0x5c)).update(inner).digest();
  t.deepEqual(hmac(key, msg), outer);
});

test('KDF3 chains HMAC outputs as HKDF does (T1 = HMAC(T0, 1), T2 = HMAC(T0, T1 || 2) …)', (t) => {
  const [a, b, c] = kdf(3, seqKey, Buffer.from('input'));
  const t0 = hmac(seqKey, Buffer.from('input'));
  t.deepEqual(a, hmac(t0, Buffer.from([1])));
  t.deepEqual(b, hmac(t0, a, Buffer.from([2])));
  t.deepEqual(c, hmac(t0, b, Buffer.from([3])));
  t.deepEqual(kdf(1, seqKey, Buffer.from('input'))[0], a);
});

test('ChaCha20-Poly1305 round-trips with the WireGuard nonce and rejects a wrong AD', (t) => {
  const sealed = aeadEncrypt(seqKey, 7n, Buffer.from('hello'), Buffer.from('ad'));
  t.is(sealed.length, 5 + 16);
  t.deepEqual(aeadDecrypt(seqKey, 7n, sealed, Buffer.from('ad')).toString(), 'hello');
  t.throws(() => aeadDecrypt(seqKey, 7n, sealed, Buffer.from('other')));
  t.throws(() => aeadDecrypt(seqKey, 8n, sealed, Buffer.from('ad')));
  t.throws(() => aeadDecrypt(seqKey, 0n, Buffer.alloc(3), Buffer.alloc(0)));
});

test('X25519 public key from a private key matches RFC 7748 §6.1 (Alice)', (t) => {
  const alice = pairFromPrivate(
    Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'),
  );
  t.is(alice.publicRaw.toString('hex'), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
});

test('TAI64N: label 2^62+10 plus Unix seconds, then nanoseconds, big-endian', (t) => {
  t.is(tai64n(0).toString('hex'), '400000000000000a00000000');
  t.is(tai64n(1_500_000_001_250).toString('hex'), '4000000059682f0b0ee6b280');
});

test('decodeKey accepts 32-byte base64 keys only', (t) => {
  t.is(decodeKey(seqKey.toString('base64'), 'k').length, 32);
  t.throws(() => decodeKey('AAAA', 'server_public_key'), { message: /server_public_key/ });
  t.throws(() => decodeKey('not base64 at all!', 'k'));
});
