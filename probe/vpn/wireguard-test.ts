/**
 * WireGuard: a complete Noise_IKpsk2 handshake initiation from the target's server public key and the
 * probe key the target list provides (params.server_public_key, params.client_private_key, optional
 * params.preshared_key; all base64). Each retransmission is a fresh initiation (new ephemeral, later
 * timestamp): a server ignores a repeated timestamp. Success is a handshake response we decrypt and
 * authenticate. A server ignores initiations from keys it does not know, so silence alone never proves
 * blocking (see the analysis).
 */
import type { NetTest, TestContext } from '../context.ts';
import type { Target } from '../target.ts';
import { analyzeVpn } from './analysis.ts';
import { paramString, type VpnInput } from './target-input.ts';
import { type Judgement, udpHandshake } from './udp-exchange.ts';
import { type HandshakeRun, handshakeTimeout, measureVpn, UDP_ATTEMPTS } from './vpn-measure.ts';
import { decodeKey, pairFromPrivate } from './wireguard-crypto.ts';
import {
  consumeResponse,
  createInitiation,
  type InitiatorKeys,
  type InitiatorState,
  MSG_COOKIE_REPLY,
  MSG_RESPONSE,
  messageType,
} from './wireguard-handshake.ts';

export function wireguardKeys(params: Record<string, unknown> | undefined): InitiatorKeys {
  const server = paramString(params, 'server_public_key');
  const client = paramString(params, 'client_private_key');
  if (!server || !client)
    throw new Error('wireguard targets need params.server_public_key and params.client_private_key');
  const psk = paramString(params, 'preshared_key');
  return {
    serverPublic: decodeKey(server, 'params.server_public_key'),
    clientPrivate: decodeKey(client, 'params.client_private_key'),
    presharedKey: psk ? decodeKey(psk, 'params.preshared_key') : null,
  };
}

/** Judges a reply against every initiation sent so far (a late response to an earlier try still counts). */
export function wireguardJudge(states: InitiatorState[], reply: Buffer): Judgement {
  const type = messageType(reply);
  if (type === MSG_COOKIE_REPLY && reply.length === 64) {
    const receiver = reply.readUInt32LE(4);
    if (states.some((s) => s.senderIndex === receiver)) {
      return {
        kind: 'match',
        response: 'cookie_reply',
        details: { verified: false, note: 'the server is under load and asked for a cookie round trip' },
      };
    }
  }
  if (type !== MSG_RESPONSE)
    return { kind: 'bad', failure: 'malformed_response', error: `unexpected WireGuard message type ${type}` };
  const receiver = reply.length >= 12 ? reply.readUInt32LE(8) : -1;
  const state = states.find((s) => s.senderIndex === receiver) ?? states[states.length - 1];
  const r = consumeResponse(state, reply);
  if (r.ok) {
    return {
      kind: 'match',
      response: 'handshake_response',
      details: {
        verified: true,
        server_sender_index: r.response.senderIndex,
        receiver_index: r.response.receiverIndex,
      },
    };
  }
  return { kind: 'bad', failure: r.failure, error: r.error, details: { verified: false } };
}

async function wireguardHandshake(
  ctx: TestContext,
  ip: string,
  input: VpnInput,
  target: Target,
): Promise<HandshakeRun> {
  const keys = wireguardKeys(target.params);
  const states: InitiatorState[] = [];
  const datagram = () => {
    const init = createInitiation(keys);
    states.push(init.state);
    return init.packet;
  };
  const r = await udpHandshake(ctx, {
    protocol: 'wireguard',
    ip,
    port: input.port,
    tx: ctx.trace.nextTransaction(),
    datagram,
    judge: (reply) => wireguardJudge(states, reply),
    attempts: UDP_ATTEMPTS,
    timeoutMs: handshakeTimeout(ctx),
    details: {
      role: 'handshake',
      stage: 'exchange',
      client_public_key: pairFromPrivate(keys.clientPrivate).publicRaw.toString('base64'),
      server_public_key: Buffer.from(keys.serverPublic).toString('base64'),
      preshared_key: keys.presharedKey ? 'set' : 'none',
    },
  });
  r.entry.details.sender_indexes = states.map((s) => s.senderIndex);
  if (r.entry.failure === 'udp_no_response') {
    r.entry.details.note =
      'WireGuard servers stay silent for initiations from keys they do not know: silence alone does not show blocking';
  }
  return { entry: r.entry, datagram: () => createInitiation(keys).packet };
}

export const wireguardTest: NetTest = {
  name: 'wireguard',
  version: '1.0.0',
  measure: (ctx, target) => measureVpn(ctx, target, 'wireguard', wireguardHandshake),
  analyze: (m) => analyzeVpn(m, 'wireguard'),
};
