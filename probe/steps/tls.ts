/**
 * TLS handshake with SNI over an already-connected socket (the dialer records verification instead of
 * throwing). Recorded as an OONI df-006 entry plus a network event with the bytes the server sent
 * during the handshake (0 bytes before a reset = the reset came right after our ClientHello).
 *
 * Verification choice (as OONI): when `verify` is on and the chain or the name does not verify, the
 * handshake is recorded as FAILED with ssl_unknown_authority / ssl_invalid_hostname /
 * ssl_invalid_certificate, and the connection is not used for HTTP. The certificates, version and cipher
 * are still recorded so anyone can re-check. With `verify` off (the innocuous-SNI check, whose
 * certificate is not expected to match) a completed handshake is a success and `no_tls_verify` is true.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FailureName } from '../../schemas/src/failures.ts';
import type { TlsHandshake } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { certificateFields } from './certs.ts';
import { hostPort, stepSettings } from './settings.ts';

export const DEFAULT_ALPN = ['http/1.1'];

export interface TlsStepOptions {
  ip: string;
  port: number;
  serverName: string;
  alpn?: string[];
  /** false for the innocuous-SNI check */
  verify?: boolean;
}

export interface TlsStepResult {
  /** the TLS socket when the handshake completed (even if not verified: the caller decides) */
  socket: TLSSocket | null;
  entry: TlsHandshake;
}

function verifyFailure(code: string | null): FailureName {
  const f = failureOf({ code: code ?? undefined, message: code ?? 'certificate verification failed' });
  return f === 'ssl_unknown_authority' || f === 'ssl_invalid_hostname' || f === 'ssl_invalid_certificate'
    ? f
    : 'ssl_invalid_certificate';
}

export async function tlsHandshakeStep(
  ctx: TestContext,
  socket: Socket,
  opts: TlsStepOptions,
  tx: number,
): Promise<TlsStepResult> {
  const { trace } = ctx;
  const verify = opts.verify ?? true;
  const alpn = opts.alpn ?? DEFAULT_ALPN;
  const address = hostPort(opts.ip, opts.port);
  const t0 = trace.now();
  const entry: TlsHandshake = {
    transaction_id: tx,
    t0,
    t: t0,
    network: 'tcp',
    address,
    server_name: opts.serverName,
    alpn,
    no_tls_verify: !verify,
    tls_version: null,
    cipher_suite: null,
    negotiated_protocol: null,
    peer_certificates: [],
    certificates: [],
    verified: false,
    verify_error: null,
    failure: null,
  };
  let tlsSocket: TLSSocket | null = null;
  try {
    const r = await ctx.dialer.tls(socket, {
      servername: opts.serverName,
      alpn,
      timeoutMs: stepSettings(ctx.settings).stepTimeoutMs,
    });
    tlsSocket = r.socket;
    tlsSocket.on('error', () => {});
    entry.tls_version = tlsSocket.getProtocol() ?? null;
    entry.cipher_suite = tlsSocket.getCipher()?.standardName ?? tlsSocket.getCipher()?.name ?? null;
    entry.negotiated_protocol = typeof tlsSocket.alpnProtocol === 'string' ? tlsSocket.alpnProtocol : null;
    Object.assign(entry, certificateFields(tlsSocket));
    entry.verified = r.verified;
    entry.verify_error = r.verifyError ? r.verifyError.slice(0, 256) : null;
    if (verify && !r.verified) entry.failure = verifyFailure(r.verifyCode);
  } catch (err) {
    entry.failure = failureOf(err);
    socket.destroy();
  }
  entry.t = trace.now();
  trace.tls_handshakes.push(entry);
  trace.network_events.push({
    transaction_id: tx,
    t0,
    t: entry.t,
    operation: 'tls_handshake_read',
    address,
    proto: 'tcp',
    num_bytes: socket.bytesRead,
    failure: entry.failure,
  });
  return { socket: tlsSocket, entry };
}

/** Failures that, right after the ClientHello, point at SNI filtering (or a dead server: the control decides). */
export function isClientHelloStageFailure(f: TlsHandshake['failure']): boolean {
  return f === 'connection_reset' || f === 'eof_error' || f === 'generic_timeout_error';
}
