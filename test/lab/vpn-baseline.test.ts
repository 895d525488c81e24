/**
 * VPN handshakes against the lab's real servers (openvpn 2.6, wireguard-go, strongSwan charon, tor)
 * with no censorship: every handshake succeeds, and the WireGuard response is verified
 * cryptographically. A wrong WireGuard server key yields silence that is reported as "the key may be
 * wrong", never as blocking.
 */
import test from 'ava';
import { generatePair } from '../../probe/vpn/wireguard-crypto.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { labTargets, measureInLab, summary } from '../fixtures/vpn/lab-run.ts';
import { useLab } from '../helpers/lab.ts';

const lab = useLab(test);

test.serial('no censorship: every protocol handshake succeeds against the real servers', async (t) => {
  const { state } = lab();
  const ms = await measureInLab(state, labTargets(state));
  t.log(summary(ms));
  for (const m of ms) {
    const v = validateMeasurement(m);
    t.true(v.ok, v.ok ? m.input! : `${m.input}: ${v.error}`);
    t.is(m.raabta.verdict?.status, 'ok', `${m.input}: ${m.raabta.verdict?.reason}`);
  }
  const [ovUdp, ovTcp, wg, ike500, ike4500, tor] = ms.map((m) => m.test_keys.handshakes[0]);
  t.like(ovUdp, { response: 'hard_reset_server_v2', details: { opcode: 'P_CONTROL_HARD_RESET_SERVER_V2' } });
  t.is(ovUdp.details.remote_session_id, ovUdp.details.session_id);
  t.like(ovTcp, { transport: 'tcp', response: 'hard_reset_server_v2' });
  t.like(wg, { response: 'handshake_response', received_bytes: 92, details: { verified: true } });
  t.is(wg.details.client_public_key, state.vpn.wireguard.probePublicKey);
  t.like(ike500, { response: 'ike_sa_init', details: { nat_t: false } });
  t.like(ike4500, { response: 'ike_sa_init', details: { nat_t: true } });
  t.true((ike500.details.payloads as string[]).includes('SA'), JSON.stringify(ike500.details));
  t.like(tor, { response: 'versions', details: { certs: true, auth_challenge: true, netinfo: true } });
  t.true(ms[0].test_keys.queries.some((q) => q.hostname === state.vpn.openvpn.name && q.failure === null));
});

test.serial(
  'a WireGuard initiation with a wrong server key: silence, "the key may be wrong", not blocked',
  async (t) => {
    const { state } = lab();
    const wrong = generatePair().publicRaw.toString('base64');
    const target = labTargets(state, { wrongWireguardKey: wrong }).find((x) => x.kind === 'wireguard')!;
    const [m] = await measureInLab(state, [target]);
    t.log(m.raabta.verdict);
    t.true(validateMeasurement(m).ok);
    t.like(m.test_keys.handshakes[0], { failure: 'udp_no_response' });
    t.like(m.test_keys.control?.handshakes[0], { failure: 'udp_no_response' });
    t.like(m.raabta.verdict, { status: 'inconclusive', method: null });
    t.regex(m.raabta.verdict!.reason, /server may not know the probe key, or server_public_key is wrong/);
  },
);
