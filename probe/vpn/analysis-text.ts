/** Phrases for VPN verdict reasons: what each observation means, in words a journalist can quote. */
import type { Handshake, TcpConnect } from '../../schemas/src/steps.ts';
import type { At, SideView } from './analysis-view.ts';

const RESPONSE_NAMES: Record<string, string> = {
  hard_reset_server_v2: 'P_CONTROL_HARD_RESET_SERVER_V2 echoing our session id',
  handshake_response: 'a WireGuard handshake response that decrypted and authenticated',
  cookie_reply: 'a WireGuard cookie reply (server under load)',
  ike_sa_init: 'an IKE_SA_INIT response',
  versions: 'a VERSIONS cell',
};

export function answered(h: Handshake): string {
  const what = RESPONSE_NAMES[h.response ?? ''] ?? h.response ?? 'an answer';
  const extra: string[] = [];
  const notifies = h.details.notifies;
  if (Array.isArray(notifies) && notifies.length) extra.push(`notifies ${notifies.join(', ')}`);
  const cells = h.details.cells;
  if (Array.isArray(cells) && cells.length) extra.push(`cells ${cells.join(', ')}`);
  if (h.details.tls_auth_verified === true) extra.push('tls-auth HMAC verified');
  if (h.rtt !== null) extra.push(`rtt ${Math.round(h.rtt * 1000)} ms`);
  return `${what}${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

export function failed(h: Handshake): string {
  const attempts = typeof h.details.attempts === 'number' ? h.details.attempts : 1;
  switch (h.failure) {
    case 'udp_no_response':
      return `got no answer to ${attempts} ${attempts === 1 ? 'try' : 'tries'}`;
    case 'udp_port_unreachable':
      return 'got an ICMP port unreachable';
    case 'connection_reset':
      return h.sent_bytes > 0
        ? `was reset right after our ${h.sent_bytes} handshake bytes (${h.received_bytes} bytes received)`
        : 'was reset';
    case 'eof_error':
      return h.sent_bytes > 0 ? 'was closed by the other end right after our handshake bytes' : 'was closed';
    case 'generic_timeout_error':
      return h.details.stage === 'connect'
        ? 'could not connect (timeout)'
        : 'got no answer before the timeout';
    case 'malformed_response':
    case 'protocol_mismatch':
      return `got a reply that is not the expected answer (${h.failure}${h.details.error ? `: ${h.details.error}` : ''})`;
    default:
      return `failed (${h.failure}${h.details.stage ? ` at ${h.details.stage}` : ''})`;
  }
}

export function connectText(c: TcpConnect): string {
  return `TCP ${c.port} ${c.status.success ? 'connected' : `failed (${c.status.failure})`}`;
}

export function reachText(v: SideView): string {
  if (v.reach.length === 0) return 'no plain TCP connect to the address was made';
  return v.reach.map((c) => connectText(c.item)).join(', ');
}

export function closedPortText(v: SideView): string {
  const port = v.closedProbes[0]?.item.address.replace(/^.*:/, '') ?? '?';
  switch (v.closedPort) {
    case 'passes':
      return `the same handshake bytes sent to closed UDP port ${port} of the address drew an ICMP port unreachable, so these packets do reach the host`;
    case 'content_dropped':
      return `the same handshake bytes sent to closed UDP port ${port} got no ICMP (tried twice) while an innocuous DNS-shaped datagram to that port did: packets are dropped for their content`;
    case 'udp_filtered':
      return `neither the handshake bytes nor an innocuous datagram to closed UDP port ${port} drew an ICMP answer`;
    default:
      return '';
  }
}

export function ptrs(...items: (At<unknown> | null | undefined | At<unknown>[])[]): string[] {
  return items.flatMap((i) => (Array.isArray(i) ? i.map((x) => x.ptr) : i ? [i.ptr] : []));
}

export function join(...parts: (string | false | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('; ');
}
