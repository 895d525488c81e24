import { Type } from '@sinclair/typebox';

/**
 * Failure names: OONI's closed vocabulary (df-007-errors) plus a few of Raabta's own, each documented in
 * schemas/README.md. A failure is data, never an exception: every step that fails records one of these.
 */
export const FAILURES = [
  // OONI df-007
  'connection_refused',
  'connection_reset',
  'connection_aborted',
  'generic_timeout_error',
  'eof_error',
  'host_unreachable',
  'network_unreachable',
  'network_down',
  'address_not_available',
  'dns_nxdomain_error',
  'dns_bogon_error',
  'dns_refused_error',
  'dns_server_failure',
  'dns_no_answer',
  'dns_non_recoverable_failure',
  'dns_temporary_failure',
  'ssl_invalid_hostname',
  'ssl_unknown_authority',
  'ssl_invalid_certificate',
  'ssl_failed_handshake',
  'interrupted',
  'json_parse_error',
  'http_request_failed',
  'http_unexpected_status_code',
  'http_unexpected_redirect_url',
  // Raabta additions
  'destination_not_allowed',
  'udp_no_response',
  'udp_port_unreachable',
  'malformed_response',
  'protocol_mismatch',
  'too_many_redirects',
  'body_too_large',
  'unknown_failure',
] as const;

export type FailureName = (typeof FAILURES)[number];

/** A failure string: a known name, or `unknown_failure: <detail>` for anything not yet classified. */
export const Failure = Type.Union(
  [
    Type.Null(),
    Type.Union(FAILURES.map((f) => Type.Literal(f))),
    Type.String({ pattern: '^unknown_failure: ', maxLength: 512 }),
  ],
  {
    description:
      'null on success, else a failure name from the closed vocabulary (df-007 + Raabta additions)',
  },
);

export const FAILED_OPERATIONS = [
  'resolve',
  'connect',
  'tls_handshake',
  'http_transaction',
  'udp_handshake',
  'throughput',
  'control',
  'top_level',
] as const;
export const FailedOperation = Type.Union([Type.Null(), ...FAILED_OPERATIONS.map((f) => Type.Literal(f))]);
