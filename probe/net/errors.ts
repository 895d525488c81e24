/** Maps Node errors to the failure vocabulary (df-007). A network failure is data, not an exception. */
import type { FailureName } from '../../schemas/src/failures.ts';

const BY_CODE: Record<string, FailureName> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_aborted',
  ETIMEDOUT: 'generic_timeout_error',
  ETIMEOUT: 'generic_timeout_error',
  UND_ERR_CONNECT_TIMEOUT: 'generic_timeout_error',
  UND_ERR_HEADERS_TIMEOUT: 'generic_timeout_error',
  UND_ERR_BODY_TIMEOUT: 'generic_timeout_error',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'network_unreachable',
  ENETDOWN: 'network_down',
  EADDRNOTAVAIL: 'address_not_available',
  ENOTFOUND: 'dns_nxdomain_error',
  ENODATA: 'dns_no_answer',
  ESERVFAIL: 'dns_server_failure',
  EREFUSED: 'dns_refused_error',
  EAI_AGAIN: 'dns_temporary_failure',
  ERR_TLS_CERT_ALTNAME_INVALID: 'ssl_invalid_hostname',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'ssl_unknown_authority',
  UNABLE_TO_GET_ISSUER_CERT: 'ssl_unknown_authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'ssl_unknown_authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'ssl_unknown_authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'ssl_unknown_authority',
  CERT_HAS_EXPIRED: 'ssl_invalid_certificate',
  CERT_NOT_YET_VALID: 'ssl_invalid_certificate',
  CERT_REVOKED: 'ssl_invalid_certificate',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'body_too_large',
  destination_not_allowed: 'destination_not_allowed',
  ABORT_ERR: 'interrupted',
};

export interface ErrorLike {
  code?: string;
  syscall?: string;
  message?: string;
  name?: string;
  cause?: unknown;
}

/** The failure name for `err`, or `unknown_failure: <message>` when it is not in the vocabulary. */
export function failureOf(err: unknown): FailureName | `unknown_failure: ${string}` {
  const e = (err ?? {}) as ErrorLike;
  const msg = String(e.message ?? err);
  // A TLS peer closing (FIN) before the handshake completes: Node reports ECONNRESET without a syscall.
  if (/disconnected before secure TLS connection|socket hang up/i.test(msg) && e.syscall !== 'read') {
    return 'eof_error';
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return e.name === 'TimeoutError' ? 'generic_timeout_error' : 'interrupted';
  if (e.code && BY_CODE[e.code]) return BY_CODE[e.code];
  if (e.code?.startsWith('ERR_SSL_') || /ssl|tls/i.test(e.code ?? '')) return 'ssl_failed_handshake';
  if (e.cause && e.cause !== err) {
    const inner = failureOf(e.cause);
    if (!inner.startsWith('unknown_failure')) return inner;
  }
  if (/timed? ?out/i.test(msg)) return 'generic_timeout_error';
  return `unknown_failure: ${msg.slice(0, 200)}`;
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}
