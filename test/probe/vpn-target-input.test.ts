import test from 'ava';
import { describeInput, parseVpnInput } from '../../probe/vpn/target-input.ts';

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
