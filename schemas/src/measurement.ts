import { type Static, Type } from '@sinclair/typebox';
import { FailedOperation, Failure } from './failures.ts';
import {
  DnsQuery,
  Handshake,
  HttpRequest,
  NetworkEvent,
  TcpConnect,
  Throughput,
  TlsHandshake,
} from './steps.ts';

export const FORMAT_VERSION = '1.0.0';
export const OONI_DATA_FORMAT_VERSION = '0.2.0';

export const VERDICT_STATUSES = ['ok', 'blocked', 'down', 'error', 'inconclusive'] as const;
export const BLOCKING_METHODS = [
  'dns',
  'tcp',
  'tls',
  'tls_mitm',
  'http',
  'throttle',
  'udp',
  'protocol',
  'ip',
] as const;
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];
export type BlockingMethod = (typeof BLOCKING_METHODS)[number];

export const Verdict = Type.Object(
  {
    status: Type.Union(VERDICT_STATUSES.map((s) => Type.Literal(s))),
    method: Type.Union([Type.Null(), ...BLOCKING_METHODS.map((m) => Type.Literal(m))]),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    reason: Type.String({ maxLength: 2000, description: 'human-readable, names the evidence' }),
    evidence: Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: 50,
      description: 'JSON pointers into the measurement to the steps that prove the verdict',
    }),
    analysis_version: Type.String({ maxLength: 32 }),
  },
  { additionalProperties: false },
);

const TraceArrays = {
  queries: Type.Array(DnsQuery, { maxItems: 256 }),
  tcp_connect: Type.Array(TcpConnect, { maxItems: 256 }),
  tls_handshakes: Type.Array(TlsHandshake, { maxItems: 64 }),
  requests: Type.Array(HttpRequest, { maxItems: 32 }),
  handshakes: Type.Array(Handshake, { maxItems: 64 }),
  throughput: Type.Array(Throughput, { maxItems: 16 }),
};

/** Observations of the same target from the collector's vantage point (like OONI's test helper). */
export const Control = Type.Object(
  {
    source: Type.String({ maxLength: 512, description: 'the control service that made these observations' }),
    failure: Failure,
    ...TraceArrays,
  },
  { additionalProperties: false },
);

export const TestKeys = Type.Object(
  {
    ...TraceArrays,
    network_events: Type.Array(NetworkEvent, { maxItems: 1024 }),
    control: Type.Union([Control, Type.Null()]),
    failure: Failure,
    failed_operation: FailedOperation,
  },
  { additionalProperties: false },
);

const AsnString = Type.String({ pattern: '^AS[0-9]{1,10}$' });
const OoniTime = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$',
  description: 'UTC, "YYYY-MM-DD HH:MM:SS" as in OONI',
});

export const Measurement = Type.Object(
  {
    measurement_uid: Type.String({ pattern: '^[A-Za-z0-9._-]{8,128}$' }),
    report_id: Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$' }),
    data_format_version: Type.Literal(OONI_DATA_FORMAT_VERSION),
    probe_asn: AsnString,
    probe_cc: Type.String({ pattern: '^[A-Z]{2}$', description: 'ZZ when unknown' }),
    probe_network_name: Type.Union([Type.String({ maxLength: 256 }), Type.Null()]),
    probe_ip: Type.Literal('127.0.0.1', { description: 'always 127.0.0.1: the probe IP is never recorded' }),
    resolver_asn: AsnString,
    resolver_ip: Type.String({ maxLength: 64 }),
    resolver_network_name: Type.Union([Type.String({ maxLength: 256 }), Type.Null()]),
    software_name: Type.String({ maxLength: 64 }),
    software_version: Type.String({ maxLength: 32 }),
    test_name: Type.String({ pattern: '^[a-z0-9_]{1,64}$' }),
    test_version: Type.String({ maxLength: 32 }),
    test_start_time: OoniTime,
    measurement_start_time: OoniTime,
    test_runtime: Type.Number({ minimum: 0 }),
    input: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
    annotations: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 512 })),
    test_keys: TestKeys,
    raabta: Type.Object(
      {
        format_version: Type.Literal(FORMAT_VERSION),
        probe_id: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
        suite: Type.String({ maxLength: 64 }),
        target_group: Type.String({
          maxLength: 64,
          description: 'e.g. x, whatsapp_text, whatsapp_media, news, openvpn, wireguard, ikev2, tor, dns',
        }),
        category_code: Type.Union([Type.String({ maxLength: 16 }), Type.Null()]),
        verdict: Type.Union([Verdict, Type.Null()]),
        signature: Type.Union([Type.String({ maxLength: 256 }), Type.Null()], {
          description: 'base64 Ed25519 signature by the probe key over the canonical JSON without this field',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'urn:raabta:schema:measurement:v1' },
);

export type Verdict = Static<typeof Verdict>;
export type Control = Static<typeof Control>;
export type TestKeys = Static<typeof TestKeys>;
export type Measurement = Static<typeof Measurement>;
