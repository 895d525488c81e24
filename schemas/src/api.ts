/**
 * The probe ↔ collector contract. Routes use these schemas; the probe uses the types.
 *
 * Upload: POST /api/v1/measurements with body `UploadBatch` as JSON, optionally `Content-Encoding: gzip`.
 * Headers: `X-Raabta-Probe-Id: <probe_id>` and `X-Raabta-Signature: <base64 Ed25519 signature of the exact
 * request body bytes as sent (after gzip)>` by the key registered for that probe id. The body's probe_id must
 * equal the header's. Errors everywhere: `{ error: { code, message } }` with a stable code.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Control } from './measurement.ts';

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

export const RegisterRequest = Type.Object(
  {
    public_key: Type.String({
      pattern: '^[A-Za-z0-9+/]{43}=$',
      description: 'raw 32-byte Ed25519 key, base64',
    }),
    software_name: Type.String({ maxLength: 64 }),
    software_version: Type.String({ maxLength: 32 }),
    platform: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const RegisterResponse = Type.Object({ probe_id: Type.String() });

const TARGET_KINDS = ['web', 'tcp', 'dns', 'openvpn', 'wireguard', 'ikev2', 'tor'] as const;

/** One target of a suite as handed out at check-in (probe/target.ts `Target`, checked by probe/suites/load.ts). */
export const SuiteTarget = Type.Object(
  {
    input: Type.String(),
    kind: Type.Union(TARGET_KINDS.map((k) => Type.Literal(k))),
    suite: Type.String(),
    group: Type.String(),
    category_code: Type.Union([Type.String(), Type.Null()]),
    throughput: Type.Optional(
      Type.Object(
        {
          path: Type.Optional(Type.String()),
          maxBytes: Type.Optional(Type.Integer()),
          maxSeconds: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
/** A suite (probe/suites/*.json after loading: every target complete). */
export const CheckInSuite = Type.Object(
  {
    suite: Type.String(),
    version: Type.String(),
    description: Type.Optional(Type.String()),
    targets: Type.Array(SuiteTarget),
  },
  { additionalProperties: false },
);

/**
 * 200 with header `ETag: "<hash of this body>"`; a request with a matching `If-None-Match` gets 304 and no body
 * (the probe keeps its cached copy). `version` is the hash of `suites` + `schedule` only: the same for every
 * probe given the same lists, it changes exactly when the operator's lists for this network change.
 */
export const CheckInResponse = Type.Object({
  probe_cc: Type.String(),
  probe_asn: Type.String(),
  probe_network_name: Type.Union([Type.String(), Type.Null()]),
  /** the caller's address as the collector saw it, so the probe can scrub it; never stored */
  probe_ip: Type.String(),
  version: Type.String(),
  suites: Type.Array(CheckInSuite),
  /** suite → cron expression (5 fields, or 6 with seconds) */
  schedule: Type.Record(Type.String(), Type.String()),
});

export const UploadBatch = Type.Object(
  {
    probe_id: Type.String({ maxLength: 64 }),
    measurements: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export const ITEM_STATUSES = ['accepted', 'duplicate', 'rejected', 'not_stored'] as const;
export const UploadItemResult = Type.Object({
  measurement_uid: Type.Union([Type.String(), Type.Null()]),
  index: Type.Integer(),
  status: Type.Union(ITEM_STATUSES.map((s) => Type.Literal(s))),
  reason: Type.Optional(Type.String()),
});
/** 200 when every item is accepted or duplicate; 400 with the same shape when any item is rejected (then none is stored). */
export const UploadResponse = Type.Object({
  accepted: Type.Integer(),
  duplicate: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(UploadItemResult),
});

export const ControlRequest = Type.Object(
  {
    input: Type.String({ maxLength: 4096 }),
    kind: Type.Union(
      ['web', 'tcp', 'dns', 'openvpn', 'wireguard', 'ikev2', 'tor'].map((k) => Type.Literal(k)),
    ),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    throughput: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export const ControlResponse = Control;

export type RegisterRequest = Static<typeof RegisterRequest>;
export type CheckInResponse = Static<typeof CheckInResponse>;
export type CheckInSuite = Static<typeof CheckInSuite>;
export type UploadBatch = Static<typeof UploadBatch>;
export type UploadResponse = Static<typeof UploadResponse>;
export type UploadItemResult = Static<typeof UploadItemResult>;
export type ControlRequest = Static<typeof ControlRequest>;
