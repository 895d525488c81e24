/** Unit tests (no root needed) of the censor lab's rule generation. */
import test from 'ava';
import { censorBaseRules, stoppedRules } from '../../scripts/lab/censor/base.ts';
import { BEHAVIOURS, buildPlan, getBehaviour } from '../../scripts/lab/censor/index.ts';
import { parseRatePairs } from '../../scripts/lab/censor/net.ts';
import {
  classId,
  hostHeaderHexString,
  isRate,
  qnameHexString,
  sniHexString,
} from '../../scripts/lab/censor/patterns.ts';
import { iptablesRestoreInput } from '../../scripts/lab/censor/plan.ts';
import { tcBatch } from '../../scripts/lab/censor/tc.ts';
import { hostsTable, isIpv4, namesOnIp, resolveTarget } from '../../scripts/lab/names.ts';
import { ORIGINS } from '../../scripts/lab/sites.ts';

const hosts = hostsTable();

test('SNI, QNAME and Host patterns', (t) => {
  t.is(sniHexString('x.com'), '|00 00 05|x.com');
  t.is(sniHexString('X.com'), '|00 00 05|x.com');
  t.is(sniHexString('a'.repeat(300)), `|00 01 2c|${'a'.repeat(300)}`);
  t.is(qnameHexString('x.com'), '|01|x|03|com|00|');
  t.is(qnameHexString('www.dawn.com.'), '|03|www|04|dawn|03|com|00|');
  t.is(hostHeaderHexString('geo.tv'), 'Host: geo.tv|0d 0a|');
  t.throws(() => sniHexString('x.com"; -j ACCEPT'));
  t.is(classId(0x10), '1:10');
  t.is(classId(26), '1:1a');
  t.true(isRate('1mbit') && isRate('64kbit') && isRate('2.5Mbit'));
  t.false(isRate('fast') || isRate('x.com'));
});

test('lab names: every origin name has its own or a shared origin IP, bench spread over IPs', (t) => {
  t.is(hosts['x.com'], '198.18.10.1');
  t.deepEqual(namesOnIp(hosts['pbs.twimg.com'], hosts).sort(), [
    'abs.twimg.com',
    'pbs.twimg.com',
    'video.twimg.com',
  ]);
  t.is(hosts['site1.bench.lab'], '198.18.50.1');
  t.is(hosts['site1000.bench.lab'], '198.18.50.4');
  t.is(Object.keys(hosts).filter((n) => n.endsWith('.bench.lab')).length, 1000);
  t.is(resolveTarget('X.com', hosts), '198.18.10.1');
  t.is(resolveTarget('198.18.99.9', hosts), '198.18.99.9');
  t.throws(() => resolveTarget('nope.example', hosts));
  t.true(isIpv4('100.64.1.2'));
  t.false(isIpv4('300.1.1.1'));
  const ips = Object.values(hosts);
  t.true(
    ips.every((ip) => ip.startsWith('198.18.') || ip.startsWith('198.19.')),
    'only lab ranges',
  );
  t.is(new Set(ORIGINS.map((o) => o.ip)).size, ORIGINS.length, 'each origin its own IP');
});

test('every behaviour validates its arguments', (t) => {
  t.true(BEHAVIOURS.length >= 15);
  t.throws(() => getBehaviour('nope'));
  t.throws(() => getBehaviour('sni-rst').normalize([], hosts));
  t.deepEqual(getBehaviour('sni-rst').normalize(['X.com'], hosts), ['x.com']);
  t.throws(() => getBehaviour('ip-blackhole').normalize(['unknown.name'], hosts));
  t.throws(() => getBehaviour('loss').normalize(['2'], hosts));
  t.throws(() => getBehaviour('blackhole').normalize(['x'], hosts));
  t.throws(() => getBehaviour('throttle').normalize(['x.com'], hosts));
  t.throws(() => getBehaviour('vpn-port-drop').normalize(['70000'], hosts));
  t.deepEqual(parseRatePairs('throttle', ['x.com', 't.co', '1mbit', 'geo.tv', '64kbit']), [
    ['x.com', '1mbit'],
    ['t.co', '1mbit'],
    ['geo.tv', '64kbit'],
  ]);
});

test('plan: combined behaviours produce rules in their own chains', (t) => {
  const plan = buildPlan(
    {
      'sni-rst': ['x.com'],
      'dns-poison': ['x.com'],
      'dns-nxdomain': ['geo.tv'],
      'http-blockpage': ['dawn.com'],
      throttle: ['pbs.twimg.com', '1mbit'],
      'throttle-sni': ['mmg.whatsapp.net', '2mbit'],
      'openvpn-dpi': [],
    },
    hosts,
  );
  t.deepEqual(plan.filter['rb-sni-rst'], [
    '-p tcp -m string --algo bm --hex-string "|00 00 05|x.com" -j REJECT --reject-with tcp-reset',
  ]);
  t.deepEqual(plan.poison, { 'x.com': '100.64.255.1', 'geo.tv': null });
  t.is(plan.nat['rb-dns-redirect']?.length, 2, 'one DNAT per protocol, not per behaviour');
  t.deepEqual(plan.proxyHosts, ['dawn.com']);
  t.deepEqual(plan.htb, [
    { minor: 0x10, rate: '1mbit', ip: '198.18.11.1' },
    { minor: 0x11, rate: '2mbit' },
  ]);
  t.regex(plan.mangle['rb-classify']?.[0] ?? '', /CLASSIFY --set-class 1:11$/);
  const input = iptablesRestoreInput(plan);
  t.regex(input, /^\*filter\n-F rb-blackhole\n/);
  t.regex(input, /-A rb-openvpn-dpi -p udp -m multiport ! --ports 53,500,4500 -m u32/);
  t.is(input.match(/^COMMIT$/gm)?.length, 3);
});

test('base rules hook every chain; tc and stopped-server rules', (t) => {
  const base = censorBaseRules();
  t.regex(base, /-A FORWARD -j rb-sni-rst/);
  t.regex(base, /-A INPUT -i rb-c0 -j rb-blackhole/);
  t.regex(base, /-A PREROUTING -i rb-c0 -j rb-dns-redirect/);
  const tc = tcBatch([{ minor: 0x10, rate: '1mbit', ip: '198.18.10.1' }]);
  t.regex(tc, /qdisc add dev rb-c0 root handle 1: htb/);
  t.regex(tc, /filter add dev rb-c0 .* match ip src 198.18.10.1\/32 flowid 1:10/);
  t.regex(tc, /filter add dev rb-c1 .* match ip dst 198.18.10.1\/32 flowid 1:10/);
  t.is(tcBatch([]), '');
  const stopped = stoppedRules({ '198.18.30.8': 'refuse', '198.18.30.2': 'drop' });
  t.regex(stopped, /-d 198.18.30.8 -p tcp -j REJECT --reject-with tcp-reset/);
  t.regex(stopped, /-d 198.18.30.2 -j DROP/);
});
