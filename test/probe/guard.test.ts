import { createServer } from 'node:net';
import test from 'ava';
import { createDialer } from '../../probe/net/dialer.ts';
import { createGuard, DestinationNotAllowed, LAB_ALLOW } from '../../probe/net/guard.ts';

test('lab allow-list admits loopback and lab ranges only', (t) => {
  const g = createGuard(LAB_ALLOW);
  for (const ip of [
    '127.0.0.1',
    '127.9.9.9',
    '::1',
    '198.18.0.1',
    '198.19.255.254',
    '100.64.0.1',
    '100.127.1.1',
  ]) {
    t.true(g.allows(ip), ip);
  }
  for (const ip of [
    '8.8.8.8',
    '10.0.0.1',
    '192.168.1.1',
    '198.20.0.1',
    '100.128.0.1',
    '2001:4860::8888',
    'x.com',
  ]) {
    t.false(g.allows(ip), ip);
  }
});

test('public allow-list refuses special-purpose ranges and admits public ones', (t) => {
  const g = createGuard('public');
  t.true(g.allows('1.1.1.1'));
  t.true(g.allows('2a00:1450::1'));
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.0.1', '169.254.1.1', '::1', 'fe80::1']) {
    t.false(g.allows(ip), ip);
  }
});

test('an invalid range is a clear error naming it', (t) => {
  t.throws(() => createGuard('127.0.0.0/33'), { message: /127\.0\.0\.0\/33/ });
  t.throws(() => createGuard('not-an-ip/8'), { message: /not-an-ip/ });
  t.throws(() => createGuard(''), { message: /at least one/ });
});

test('the dialer refuses a destination outside the allow-list before any packet is sent', async (t) => {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dialer = createDialer({ guard: createGuard('198.18.0.0/15') });
  const err = await t.throwsAsync(dialer.tcp('127.0.0.1', port));
  t.true(err instanceof DestinationNotAllowed);
  t.is((err as DestinationNotAllowed).code, 'destination_not_allowed');
  await t.throwsAsync(dialer.udp('127.0.0.1', port), { instanceOf: DestinationNotAllowed });
  // the same dialer with loopback allowed does connect: the listener above is real
  const ok = createDialer({ guard: createGuard('127.0.0.0/8') });
  const s = await ok.tcp('127.0.0.1', port);
  s.destroy();
  await new Promise((r) => setTimeout(r, 50));
  t.is(connections, 1, 'only the allowed dial reached the server');
  server.close();
});

test('the system resolver is refused when resolv.conf names a resolver outside the allow-list', async (t) => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/raabta-resolv-');
  writeFileSync(`${dir}/resolv.conf`, 'nameserver 9.9.9.9\n');
  const dialer = createDialer({ guard: createGuard(LAB_ALLOW), resolvConfPath: `${dir}/resolv.conf` });
  await t.throwsAsync(dialer.lookupSystem('example.org'), { instanceOf: DestinationNotAllowed });
});
