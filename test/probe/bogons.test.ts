import { BlockList } from 'node:net';
import test from 'ava';
import { bogonRange, DEFAULT_BOGONS } from '../../probe/analysis/index.ts';

test('IPv4 range checks agree with node:net BlockList at every range edge', (t) => {
  for (const cidr of DEFAULT_BOGONS.filter((c) => !c.includes(':'))) {
    const [addr, bits] = cidr.split('/');
    const list = new BlockList();
    list.addSubnet(addr, Number(bits), 'ipv4');
    const base = addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    for (const n of [base - 1, base, base + 1, base + size - 1, base + size]) {
      if (n < 0 || n > 0xffffffff) continue;
      const ip = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
      t.is(bogonRange(ip, [cidr]) === cidr, list.check(ip, 'ipv4'), `${ip} in ${cidr}`);
    }
  }
});

test('a public address and a non-address are not bogons', (t) => {
  t.is(bogonRange('8.8.8.8'), null);
  t.is(bogonRange('2a00:1450::1'), null);
  t.is(bogonRange('not-an-ip'), null);
  t.is(bogonRange('0.0.0.0', ['0.0.0.0/0']), '0.0.0.0/0');
});
