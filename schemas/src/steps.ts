import { type Static, Type } from '@sinclair/typebox';
import { Failure } from './failures.ts';

const Seconds = Type.Number({ minimum: 0, description: 'seconds since measurement_start_time' });
const Tx = Type.Integer({
  minimum: 0,
  description: 'links the steps of one transaction (OONI transaction_id)',
});
const Timing = { transaction_id: Tx, t0: Seconds, t: Seconds };
const Str = (max = 2048) => Type.String({ maxLength: max });

export const DnsAnswer = Type.Object(
  {
    answer_type: Type.Union([Type.Literal('A'), Type.Literal('AAAA'), Type.Literal('CNAME')]),
    ipv4: Type.Optional(Type.String({ format: 'ipv4' })),
    ipv6: Type.Optional(Type.String({ format: 'ipv6' })),
    hostname: Type.Optional(Str(255)),
    ttl: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    asn: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** OONI df-002-dnst, plus `rcode`. */
export const DnsQuery = Type.Object(
  {
    ...Timing,
    engine: Type.Union([Type.Literal('getaddrinfo'), Type.Literal('udp'), Type.Literal('tcp')]),
    resolver_address: Str(64),
    hostname: Str(255),
    query_type: Type.Union([Type.Literal('A'), Type.Literal('AAAA'), Type.Literal('ANY')]),
    answers: Type.Array(DnsAnswer, { maxItems: 64 }),
    rcode: Type.Optional(Type.Union([Str(16), Type.Null()])),
    failure: Failure,
  },
  { additionalProperties: false },
);

/** OONI df-005-tcpconnect. */
export const TcpConnect = Type.Object(
  {
    ...Timing,
    ip: Str(64),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    status: Type.Object(
      { success: Type.Boolean(), failure: Failure, blocked: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const CertSummary = Type.Object(
  { subject: Str(), issuer: Str(), not_before: Str(64), not_after: Str(64), fingerprint_sha256: Str(128) },
  { additionalProperties: false },
);

/** OONI df-006-tlshandshake, plus a readable certificate summary. */
export const TlsHandshake = Type.Object(
  {
    ...Timing,
    network: Type.Literal('tcp'),
    address: Str(80),
    server_name: Str(255),
    alpn: Type.Array(Str(32), { maxItems: 8 }),
    no_tls_verify: Type.Boolean(),
    tls_version: Type.Union([Str(32), Type.Null()]),
    cipher_suite: Type.Union([Str(128), Type.Null()]),
    negotiated_protocol: Type.Union([Str(32), Type.Null()]),
    peer_certificates: Type.Array(
      Type.Object({ format: Type.Literal('base64'), data: Str(65536) }, { additionalProperties: false }),
      { maxItems: 10 },
    ),
    certificates: Type.Array(CertSummary, {
      maxItems: 10,
      description: 'Raabta: summary of peer_certificates',
    }),
    verified: Type.Boolean({ description: 'Raabta: chain and hostname verified against the trust store' }),
    verify_error: Type.Union([Str(256), Type.Null()]),
    failure: Failure,
  },
  { additionalProperties: false },
);

const HeaderList = Type.Array(
  Type.Array(Str(8192), { minItems: 2, maxItems: 2, description: '[name, value]' }),
  {
    maxItems: 200,
  },
);
const Body = Type.Union([Type.String({ maxLength: 200000 }), Type.Null()]);

/** OONI df-001-httpt, plus body hash, length and title of the response. */
export const HttpRequest = Type.Object(
  {
    ...Timing,
    network: Type.Literal('tcp'),
    address: Str(80),
    alpn: Type.Union([Str(32), Type.Null()]),
    failure: Failure,
    request: Type.Object(
      {
        method: Str(16),
        url: Str(4096),
        headers_list: HeaderList,
        body: Body,
        body_is_truncated: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      {
        code: Type.Integer({ minimum: 0, maximum: 999 }),
        headers_list: HeaderList,
        body: Body,
        body_is_truncated: Type.Boolean(),
        body_length: Type.Integer({ minimum: 0, description: 'Raabta: bytes received (up to the cap)' }),
        body_sha256: Type.Union([Str(64), Type.Null()]),
        title: Type.Union([Str(512), Type.Null()]),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** OONI df-008-netevents. */
export const NetworkEvent = Type.Object(
  {
    ...Timing,
    operation: Str(32),
    address: Type.Optional(Str(80)),
    proto: Type.Optional(Str(8)),
    num_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    failure: Failure,
  },
  { additionalProperties: false },
);

/** Raabta: one handshake of a UDP or TCP protocol (VPN, Tor) — what was sent and what came back. */
export const Handshake = Type.Object(
  {
    ...Timing,
    protocol: Type.Union(
      ['openvpn', 'wireguard', 'ikev2', 'tor', 'dns', 'other'].map((p) => Type.Literal(p)),
    ),
    transport: Type.Union([Type.Literal('udp'), Type.Literal('tcp')]),
    address: Str(80),
    sent_bytes: Type.Integer({ minimum: 0 }),
    received_bytes: Type.Integer({ minimum: 0 }),
    rtt: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    response: Type.Union([Str(64), Type.Null()], {
      description: 'what came back: e.g. hard_reset_server_v2, handshake_response, ike_sa_init, versions',
    }),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'parsed fields of the reply' }),
    raw_response: Type.Union([Str(8192), Type.Null()], { description: 'base64 of the first reply bytes' }),
    failure: Failure,
  },
  { additionalProperties: false },
);

/** Raabta: a bounded transfer. */
export const Throughput = Type.Object(
  {
    ...Timing,
    url: Str(4096),
    address: Str(80),
    bytes: Type.Integer({ minimum: 0 }),
    duration: Type.Number({ minimum: 0 }),
    bytes_per_second: Type.Number({ minimum: 0 }),
    ttfb: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    complete: Type.Boolean({ description: 'the whole body (up to the byte cap) arrived' }),
    failure: Failure,
  },
  { additionalProperties: false },
);

export type DnsQuery = Static<typeof DnsQuery>;
export type DnsAnswer = Static<typeof DnsAnswer>;
export type TcpConnect = Static<typeof TcpConnect>;
export type TlsHandshake = Static<typeof TlsHandshake>;
export type CertSummary = Static<typeof CertSummary>;
export type HttpRequest = Static<typeof HttpRequest>;
export type NetworkEvent = Static<typeof NetworkEvent>;
export type Handshake = Static<typeof Handshake>;
export type Throughput = Static<typeof Throughput>;
