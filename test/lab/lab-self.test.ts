/**
 * Self-test of the censor lab (needs root): brings the lab up, checks every server from rb-probe
 * with no censorship, switches each censor behaviour on and off checking the raw symptom from inside
 * rb-probe, and finally tears everything down and checks nothing is left. Fails if the lab cannot start.
 */
import { existsSync, readdirSync } from 'node:fs';
import test from 'ava';
import { readState, status } from '../../scripts/lab/index.ts';
import { isAlive } from '../../scripts/lab/procs.ts';
import { runSync } from '../../scripts/lab/sh.ts';
import { strayLabProcesses } from '../../scripts/lab/teardown.ts';
import { useLab } from '../helpers/lab.ts';
import { dnsBaseline, sameIpAndBench, webBaseline } from './self/baseline.ts';
import { dnsDrop, dnsNxdomain, dnsPoison } from './self/censor-dns.ts';
import { blackhole, combined, loss, throttle, throttleSni } from './self/censor-traffic.ts';
import { openvpnDpi, vpnPortDrop, wireguardDpi } from './self/censor-vpn.ts';
import { httpBlockpage, httpRst, ipBlackhole, sniDrop, sniRst } from './self/censor-web.ts';
import { serverDown } from './self/servers.ts';
import { collectorPath, topologyChecks } from './self/topology.ts';
import { vpnBaseline } from './self/vpn-baseline.ts';

const lab = useLab(test);

test.serial('state file describes the lab', (t) => {
  const { state } = lab();
  const onDisk = readState();
  t.deepEqual(onDisk.namespaces, {
    probe: 'rb-probe',
    censor: 'rb-censor',
    servers: 'rb-servers',
    outside: 'rb-outside',
  });
  t.is(onDisk.allowList, '198.18.0.0/15,100.64.0.0/10');
  t.true(existsSync(onDisk.caCert));
  t.is(onDisk.vpn.wireguard.serverPublicKey, state.vpn.wireguard.serverPublicKey);
  t.true(status().up);
  t.log(`lab up timings: ${JSON.stringify(state.timings)}`);
  t.true(state.timings.totalUpMs < 10_000, 'lab up in a few seconds');
});

test.serial('topology: namespaces, routes, sysctls, resolv.conf', (t) => topologyChecks(t, lab()));
test.serial('topology: the probe reaches collectors in rb-outside through the censor', (t) =>
  collectorPath(t, lab()),
);
test.serial('baseline: DNS answers for every lab name', (t) => dnsBaseline(t, lab()));
test.serial('baseline: HTTP and HTTPS for every origin name', (t) => webBaseline(t, lab()));
test.serial('baseline: innocuous SNI on every IP, bench names, 5222, VPN IPs on 80', (t) =>
  sameIpAndBench(t, lab()),
);
test.serial('baseline: OpenVPN, IKE, tor, WireGuard', (t) => vpnBaseline(t, lab()));

test.serial('censor dns-poison', (t) => dnsPoison(t, lab()));
test.serial('censor dns-nxdomain', (t) => dnsNxdomain(t, lab()));
test.serial('censor dns-drop', (t) => dnsDrop(t, lab()));
test.serial('censor sni-rst', (t) => sniRst(t, lab()));
test.serial('censor sni-drop', (t) => sniDrop(t, lab()));
test.serial('censor http-blockpage', (t) => httpBlockpage(t, lab()));
test.serial('censor http-rst', (t) => httpRst(t, lab()));
test.serial('censor ip-blackhole', (t) => ipBlackhole(t, lab()));
test.serial('censor vpn-port-drop', (t) => vpnPortDrop(t, lab()));
test.serial('censor openvpn-dpi', (t) => openvpnDpi(t, lab()));
test.serial('censor wireguard-dpi', (t) => wireguardDpi(t, lab()));
test.serial('censor throttle', (t) => throttle(t, lab()));
test.serial('censor throttle-sni', (t) => throttleSni(t, lab()));
test.serial('censor loss', (t) => loss(t, lab()));
test.serial('censor blackhole', (t) => blackhole(t, lab()));
test.serial('censor behaviours combine and reset clears them', (t) => combined(t, lab()));
test.serial('server stop/start: really down, for everyone', (t) => serverDown(t, lab()));

test.serial('reset restarts a dead daemon', async (t) => {
  const fx = lab();
  const before = readState().daemons.tor.pid;
  process.kill(before, 'SIGKILL');
  await fx.reset();
  const after = readState().daemons.tor.pid;
  t.not(after, before);
  t.true(isAlive(after));
  t.true(
    (await fx.probe.tls(fx.state.vpn.tor.ip, { port: fx.state.vpn.tor.orPort, rejectUnauthorized: false }))
      .ok,
  );
});

test.serial('teardown leaves nothing behind', (t) => {
  const report = lab().teardown();
  t.log(`lab down in ${report.ms} ms, killed ${report.killed} processes`);
  t.true(report.ms < 5000, 'down in a few seconds');
  const netns = runSync(['ip', 'netns', 'list']).stdout;
  t.notRegex(netns, /^rb-/m, 'no rb-* namespace');
  t.deepEqual(strayLabProcesses(), [], 'no lab daemon left');
  t.false(existsSync('/run/raabta-lab'), 'run dir removed');
  t.false(existsSync('/etc/netns/rb-probe') || existsSync('/etc/netns/rb-outside'), '/etc/netns cleaned');
  const wg = existsSync('/var/run/wireguard')
    ? readdirSync('/var/run/wireguard').filter((f) => f.startsWith('rbwg'))
    : [];
  t.deepEqual(wg, [], 'no wireguard socket');
  t.false(existsSync('/var/run/charon.pid'), 'no charon pid file');
});
