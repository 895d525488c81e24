import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import test from 'ava';
import { readSuiteFile } from '../../probe/daemon/targets.ts';
import { vpnTests } from '../../probe/vpn/index.ts';
import { parseVpnInput } from '../../probe/vpn/target-input.ts';
import { wireguardKeys } from '../../probe/vpn/wireguard-test.ts';

const FILE = new URL('../../probe/suites/vpn.json', import.meta.url).pathname;
const raw = JSON.parse(readFileSync(FILE, 'utf8'));
const targets = readSuiteFile(FILE);

test('the VPN suite is versioned data with one target group per protocol, all ANON', (t) => {
  t.is(raw.suite, 'vpn');
  t.regex(raw.version, /^\d{4}-\d{2}-\d{2}$/);
  t.is(targets.length, raw.targets.length);
  t.deepEqual([...new Set(targets.map((x) => x.group))].sort(), ['ikev2', 'openvpn', 'tor', 'wireguard']);
  for (const x of targets) {
    t.is(x.suite, 'vpn');
    t.is(x.category_code, 'ANON');
    t.is(x.group, x.kind, x.input);
    t.truthy(vpnTests[x.kind as keyof typeof vpnTests], x.input);
  }
});

test('every input parses, WireGuard targets carry usable keys, and ports are explicit', (t) => {
  for (const x of targets) {
    const v = parseVpnInput(x.input, x.kind as never);
    t.true(new URL(x.input).port !== '', `${x.input} names its port`);
    if (x.kind === 'wireguard') t.notThrows(() => wireguardKeys(x.params), x.input);
    if (x.kind === 'openvpn') t.true(v.transport === 'udp' || v.transport === 'tcp');
  }
});

test('Tor bridges are documentation-range placeholders; public endpoints are flagged and tls-auth ones not probed', (t) => {
  for (const x of targets.filter((y) => y.kind === 'tor')) {
    const host = parseVpnInput(x.input).host;
    t.true(isIP(host) === 4 && host.startsWith('192.0.2.'), x.input);
  }
  const publicOnes = targets.filter((x) => x.params?.public_endpoint === true);
  t.true(publicOnes.length >= 2);
  for (const x of publicOnes.filter((y) => y.kind === 'openvpn')) t.is(x.params?.tls_auth_required, true);
  const own = targets.filter((x) => x.params?.operator === 'raabta');
  t.true(own.every((x) => parseVpnInput(x.input).host.endsWith('.raabta.net')));
});

test('inputs are unique and every public or placeholder entry says so in a note', (t) => {
  const inputs = targets.map((x) => x.input);
  t.is(new Set(inputs).size, inputs.length);
  for (const x of targets.filter((y) => y.params?.public_endpoint === true || y.kind === 'tor')) {
    t.is(typeof x.params?.note, 'string', x.input);
  }
});
