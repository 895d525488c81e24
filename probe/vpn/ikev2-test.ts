/**
 * IKEv2: an IKE_SA_INIT request (AES-CBC/HMAC-SHA2-256, DH 14/19/31 offered, a real group-14 public
 * value, nonce, NAT detection notifies) to UDP 500, or to 4500 behind the non-ESP marker. Any IKE_SA_INIT
 * response to our SPIi is success, including NO_PROPOSAL_CHOSEN and INVALID_KE_PAYLOAD: an IKE responder
 * is there. params.dh_group (14 | 19 | 31) changes the KE group.
 */
import type { NetTest, TestContext } from '../context.ts';
import type { Target } from '../target.ts';
import { analyzeVpn } from './analysis.ts';
import { buildSaInit, type DhGroup } from './ikev2-build.ts';
import { NAT_T_PORT } from './ikev2-names.ts';
import { checkSaInitResponse } from './ikev2-parse.ts';
import type { VpnInput } from './target-input.ts';
import { udpHandshake } from './udp-exchange.ts';
import { type HandshakeRun, handshakeTimeout, measureVpn, UDP_ATTEMPTS } from './vpn-measure.ts';

function dhGroup(target: Target): DhGroup {
  const g = target.params?.dh_group ?? 14;
  if (g !== 14 && g !== 19 && g !== 31) throw new Error('params.dh_group must be 14, 19 or 31');
  return g;
}

async function ikeHandshake(
  ctx: TestContext,
  ip: string,
  input: VpnInput,
  target: Target,
): Promise<HandshakeRun> {
  const natT = input.port === NAT_T_PORT || target.params?.nat_t === true;
  const group = dhGroup(target);
  const req = buildSaInit({ dstIp: ip, dstPort: natT ? NAT_T_PORT : input.port, dhGroup: group });
  const datagram =
    natT && input.port !== NAT_T_PORT ? Buffer.concat([Buffer.alloc(4), req.message]) : req.datagram;
  const r = await udpHandshake(ctx, {
    protocol: 'ikev2',
    ip,
    port: input.port,
    tx: ctx.trace.nextTransaction(),
    datagram: () => datagram,
    judge: (reply) => {
      const c = checkSaInitResponse(reply, req.spiI, natT);
      return c.ok
        ? { kind: 'match', response: 'ike_sa_init', details: { ...c.summary } }
        : { kind: 'bad', failure: c.failure, error: c.error };
    },
    attempts: UDP_ATTEMPTS,
    timeoutMs: handshakeTimeout(ctx),
    details: {
      role: 'handshake',
      stage: 'exchange',
      spi_i: req.spiI.toString('hex'),
      nat_t: natT,
      ke_group_sent: group,
    },
  });
  return { entry: r.entry, datagram: () => datagram };
}

export const ikev2Test: NetTest = {
  name: 'ikev2',
  version: '1.0.0',
  measure: (ctx, target) => measureVpn(ctx, target, 'ikev2', ikeHandshake),
  analyze: (m) => analyzeVpn(m, 'ikev2'),
};
