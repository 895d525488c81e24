import test from 'ava';
import { reachabilityPorts } from '../../probe/vpn/reachability.ts';
import {
  describeInput,
  paramPort,
  paramPorts,
  paramString,
  parseVpnInput,
} from '../../probe/vpn/target-input.ts';

test('VPN inputs parse into protocol, host, port and transport', (t) => {
  t.deepEqual(parseVpnInput('openvpn://198.19.40.1:1194/udp'), {
    protocol: 'openvpn',
    host: '198.19.40.1',
    port: 1194,
    transport: 'udp',
  });
  t.deepEqual(parseVpnInput('openvpn://vpn-test-1.raabta.net:443/tcp'), {
    protocol: 'openvpn',
    host: 'vpn-test-1.raabta.net',
    port: 443,
    transport: 'tcp',
  });
  t.like(parseVpnInput('wireguard://198.18.60.4:51820'), { transport: 'udp', port: 51820 });
  t.like(parseVpnInput('ikev2://[2001:db8::1]:4500'), { host: '2001:db8::1', port: 4500 });
  t.like(parseVpnInput('tor://192.0.2.10:9001'), { transport: 'tcp', port: 9001 });
  t.like(parseVpnInput('wireguard://wg.example'), { port: 51820 });
});

test('bad VPN inputs are rejected with the input in the message', (t) => {
  for (const bad of [
    'openvpn://h:1194/sctp',
    'tor://h:443/udp',
    'ikev2://h:500/tcp',
    'pptp://h:1723',
    'openvpn://u:p@h:1194/udp',
    'nonsense',
    'wireguard://bad_host!:1',
  ]) {
    t.throws(() => parseVpnInput(bad), { message: /VPN input/ }, bad);
  }
  t.throws(() => parseVpnInput('tor://h:443', 'openvpn'), { message: /expected openvpn/ });
});

test('labels name protocol, transport and port for reasons', (t) => {
  t.is(describeInput(parseVpnInput('openvpn://h:443/tcp')), 'OpenVPN TCP 443');
  t.is(describeInput(parseVpnInput('ikev2://h:4500')), 'IKEv2 UDP 4500 (NAT-T)');
});

test('params accessors type-check what the target list provides', (t) => {
  const params = { s: 'x', n: 5, port: 33434, ports: [80, 443], bad: [80, 'x'], big: 70000 };
  t.is(paramString(params, 's'), 'x');
  t.is(paramString(params, 'missing'), undefined);
  t.throws(() => paramString(params, 'n'), { message: 'params.n must be a string' });
  t.is(paramPort(params, 'port'), 33434);
  t.throws(() => paramPort(params, 'big'), { message: 'params.big must be a port' });
  t.deepEqual(paramPorts(params, 'ports'), [80, 443]);
  t.throws(() => paramPorts(params, 'bad'), { message: 'params.bad[1] must be a port' });
  t.throws(() => paramPorts(params, 's'), { message: 'params.s must be an array of ports' });
});

test('reachability ports leave out the protocol’s own TCP port and are bounded', (t) => {
  t.deepEqual(reachabilityPorts(undefined, null), [443, 80]);
  t.deepEqual(reachabilityPorts(undefined, 443), [80]);
  t.deepEqual(reachabilityPorts({ reachability_ports: [1, 2, 2, 3, 4, 5, 6] }, 3), [1, 2, 4, 5]);
  t.deepEqual(reachabilityPorts({ reachability_ports: [] }, null), []);
});
