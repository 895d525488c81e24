/**
 * VPN blocking in the lab: each censor behaviour on rb-censor, the real servers in rb-servers, the
 * probe in rb-probe and the control in rb-outside; verdicts come from the tests' own analyze().
 */
import test, { type ExecutionContext } from 'ava';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { labTargets, measureInLab, summary } from '../fixtures/vpn/lab-run.ts';
import { useLab } from '../helpers/lab.ts';

const lab = useLab(test);

function check(t: ExecutionContext, ms: Measurement[], expected: Record<string, string>): void {
  const got = summary(ms);
  t.log(got);
  for (const m of ms) {
    const v = validateMeasurement(m);
    t.true(v.ok, v.ok ? '' : `${m.input}: ${v.error}`);
    const want = expected[m.input ?? ''] ?? 'ok';
    t.is(got[m.input ?? ''], want, `${m.input}: ${m.raabta.verdict?.reason}`);
    t.true((m.raabta.verdict?.evidence.length ?? 0) > 0, `${m.input} has evidence pointers`);
  }
}

test.serial(
  'vpn-port-drop: OpenVPN UDP, WireGuard and IKEv2 blocked:udp while OpenVPN TCP 443 and Tor work',
  async (t) => {
    const { state, censor } = lab();
    await censor('vpn-port-drop', true, []);
    const targets = labTargets(state);
    const ms = await measureInLab(state, targets);
    check(t, ms, {
      [targets[0].input]: 'blocked:udp',
      [targets[2].input]: 'blocked:udp',
      [targets[3].input]: 'blocked:udp',
      [targets[4].input]: 'blocked:udp',
    });
    for (const i of [0, 2, 3, 4])
      t.regex(ms[i].raabta.verdict!.reason, /the port, not the protocol, is filtered/);
  },
);

test.serial(
  'openvpn-dpi: OpenVPN UDP and TCP blocked:protocol while TLS on the same port gets through',
  async (t) => {
    const { state, censor } = lab();
    await censor('openvpn-dpi', true, []);
    const targets = labTargets(state);
    const ms = await measureInLab(state, targets);
    check(t, ms, { [targets[0].input]: 'blocked:protocol', [targets[1].input]: 'blocked:protocol' });
    const tcp = ms[1];
    t.log(tcp.raabta.verdict?.reason);
    t.like(tcp.test_keys.handshakes[0], { failure: 'connection_reset', received_bytes: 0 });
    // the real OpenVPN server closes (FIN) on a TLS record it cannot frame, from both vantage points
    const innocuous = tcp.test_keys.tls_handshakes[0];
    t.truthy(innocuous);
    t.is(innocuous.failure, 'eof_error');
    t.is(tcp.test_keys.control?.tls_handshakes[0]?.failure, innocuous.failure);
    t.regex(ms[0].raabta.verdict!.reason, /dropped for their content/);
  },
);

test.serial('wireguard-dpi: WireGuard blocked:protocol, everything else works', async (t) => {
  const { state, censor } = lab();
  await censor('wireguard-dpi', true, []);
  const targets = labTargets(state);
  const ms = await measureInLab(state, targets);
  check(t, ms, { [targets[2].input]: 'blocked:protocol' });
  t.like(ms[2].test_keys.control?.handshakes[0], { details: { verified: true } });
});

test.serial(
  'ip-blackhole of the tor bridge and the OpenVPN server: Tor and OpenVPN UDP/TCP blocked:ip',
  async (t) => {
    const { state, censor } = lab();
    await censor('ip-blackhole', true, [state.vpn.tor.ip, state.vpn.openvpn.ip]);
    const targets = labTargets(state).filter(
      (x) => x.kind === 'tor' || x.kind === 'openvpn' || x.kind === 'ikev2',
    );
    const ms = await measureInLab(state, targets);
    check(
      t,
      ms,
      Object.fromEntries(targets.filter((x) => x.kind !== 'ikev2').map((x) => [x.input, 'blocked:ip'])),
    );
    t.regex(ms[0].raabta.verdict!.reason, /neither the handshake bytes nor an innocuous datagram/);
  },
);

test.serial('server stopped (refuse / drop): down, seen the same way from outside', async (t) => {
  const { state, server } = lab();
  await server(state.vpn.openvpn.ip, 'stop', 'refuse');
  await server(state.vpn.wireguard.ip, 'stop', 'drop');
  await server(state.vpn.tor.ip, 'stop', 'drop');
  const targets = labTargets(state).filter((x) => x.kind !== 'ikev2');
  const ms = await measureInLab(state, targets);
  check(t, ms, Object.fromEntries(targets.map((x) => [x.input, 'down'])));
});
