/** TypeBox schemas of the read API (collector/API.md); the probe-facing ones are in schemas/src/api.ts. */
import { Type } from '@sinclair/typebox';
import { BLOCKING_METHODS, VERDICT_STATUSES } from '../schemas/src/measurement.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Status = Type.Union(VERDICT_STATUSES.map((s) => Type.Literal(s)));
const Asn = Type.String({ pattern: '^AS[0-9]{1,10}$' });
const Cc = Type.String({ pattern: '^[A-Z]{2}$' });
const IsoTime = Type.String({ description: 'ISO 8601, e.g. 2024-11-10T08:00:00Z', maxLength: 40 });
const BoolParam = Type.Union([Type.Boolean(), Type.Literal('1'), Type.Literal('0')]);

export const VerdictSummary = Type.Object({
  status: Status,
  method: Type.Union([Type.String(), Type.Null()]),
  confidence: Type.Number(),
  reason: Type.String(),
});

export const FullVerdict = Type.Object({
  source: Type.Union([Type.Literal('probe'), Type.Literal('collector')]),
  analysis_version: Type.String(),
  status: Status,
  method: Type.Union([Type.String(), Type.Null()]),
  confidence: Type.Number(),
  reason: Type.String(),
  evidence: Type.Array(Type.String()),
});

export const MeasurementSummary = Type.Object({
  measurement_uid: Type.String(),
  measurement_start_time: Type.String(),
  probe_asn: Type.String(),
  probe_cc: Type.String(),
  probe_network_name: Nullable(Type.String()),
  test_name: Type.String(),
  input: Nullable(Type.String()),
  target_group: Type.String(),
  simulated: Type.Boolean(),
  verdict: Type.Union([VerdictSummary, Type.Null()]),
});

export const MeasurementsQuery = Type.Object(
  {
    since: Type.Optional(IsoTime),
    until: Type.Optional(IsoTime),
    test_name: Type.Optional(Type.String({ maxLength: 64 })),
    input: Type.Optional(Type.String({ maxLength: 4096 })),
    target_group: Type.Optional(Type.String({ maxLength: 64 })),
    probe_asn: Type.Optional(Asn),
    probe_cc: Type.Optional(Cc),
    probe_id: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(Status),
    method: Type.Optional(Type.Union(BLOCKING_METHODS.map((m) => Type.Literal(m)))),
    simulated: Type.Optional(BoolParam),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const MeasurementsPage = Type.Object({
  results: Type.Array(MeasurementSummary),
  next_cursor: Nullable(Type.String()),
});

export const UidParams = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9._-]{8,128}$' }) });

export const MeasurementDetail = Type.Object({
  measurement: Type.Unknown({ description: 'the raw measurement exactly as stored' }),
  verdicts: Type.Array(FullVerdict),
});

export const TimelineQuery = Type.Object(
  {
    since: Type.Optional(IsoTime),
    until: Type.Optional(IsoTime),
    bucket: Type.Optional(Type.Union([Type.Literal('10m'), Type.Literal('1h'), Type.Literal('1d')])),
    group_by: Type.Optional(Type.Union([Type.Literal('target_group'), Type.Literal('input')])),
    by_asn: Type.Optional(BoolParam),
    target_group: Type.Optional(Type.String({ maxLength: 64 })),
    input: Type.Optional(Type.String({ maxLength: 4096 })),
    probe_asn: Type.Optional(Asn),
    probe_cc: Type.Optional(Cc),
    simulated: Type.Optional(BoolParam),
  },
  { additionalProperties: false },
);

export const TimelineBucket = Type.Object({
  t: Type.String(),
  ok: Type.Integer(),
  blocked: Type.Integer(),
  down: Type.Integer(),
  error: Type.Integer(),
  inconclusive: Type.Integer(),
  probes: Type.Integer(),
  methods: Type.Record(Type.String(), Type.Integer()),
});

export const TimelineResponse = Type.Object({
  bucket: Type.String(),
  since: Type.String(),
  until: Type.String(),
  series: Type.Array(
    Type.Object({
      key: Type.Object({
        target_group: Type.String(),
        input: Type.Optional(Nullable(Type.String())),
        probe_asn: Type.Optional(Type.String()),
      }),
      buckets: Type.Array(TimelineBucket),
    }),
  ),
  simulated: Type.Boolean(),
});

export const EventNote = Type.Object({ at: Type.String(), text: Type.String() });
const eventFields = {
  id: Type.String(),
  title: Type.String(),
  target_group: Type.String(),
  scope: Type.Object({ cc: Type.String(), asns: Type.Array(Type.String()) }),
  methods: Type.Array(Type.String()),
  start: Type.String(),
  end: Nullable(Type.String()),
  severity: Type.String(),
  peak_share: Type.Number(),
  probes: Type.Integer(),
  status: Type.String(),
  notes: Type.Array(EventNote),
  simulated: Type.Boolean(),
};
/** Another event of the same disruption (collector/related): same country, service family and time. */
export const RelatedEvent = Type.Object({
  id: Type.String(),
  title: Type.String(),
  target_group: Type.String(),
  asns: Type.Array(Type.String()),
  methods: Type.Array(Type.String()),
  start: Type.String(),
  end: Nullable(Type.String()),
  status: Type.String(),
});
const groupFields = {
  family: Nullable(Type.String({ description: "the service's family (vpn, whatsapp) or null" })),
  group_id: Type.String({ description: 'id of the first event of its group; its own id when alone' }),
  related: Type.Array(RelatedEvent, { description: 'the other events of its group, by start' }),
};
/** The stored event alone (routes/shapes.ts toEvent); the routes answer GroupedEvent. */
export const Event = Type.Object(eventFields);
export const GroupedEvent = Type.Object({ ...eventFields, ...groupFields });
export const EventDetail = Type.Object({
  ...eventFields,
  ...groupFields,
  evidence: Type.Array(MeasurementSummary),
});

export const EventsQuery = Type.Object(
  {
    since: Type.Optional(IsoTime),
    until: Type.Optional(IsoTime),
    target_group: Type.Optional(Type.String({ maxLength: 64 })),
    probe_asn: Type.Optional(Asn),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export const EventParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
export const AdminEventPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const FeedQuery = Type.Object(
  { target_group: Type.Optional(Type.String({ maxLength: 64 })), probe_asn: Type.Optional(Asn) },
  { additionalProperties: false },
);

export const NetworksResponse = Type.Object({
  results: Type.Array(
    Type.Object({ asn: Type.String(), name: Type.String(), kind: Type.String(), cc: Type.String() }),
  ),
});

export const CoverageResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      probe_asn: Type.String(),
      probe_cc: Type.String(),
      network_name: Nullable(Type.String()),
      probes: Type.Integer(),
      measurements: Type.Integer(),
      last_seen: Nullable(Type.String()),
    }),
  ),
});

export const DatasetFile = Type.Object({
  format: Type.String(),
  name: Type.String(),
  bytes: Type.Integer(),
  rows: Type.Integer(),
  sha256: Type.String(),
  url: Type.String(),
});
export const DatasetsResponse = Type.Object({
  results: Type.Array(Type.Object({ date: Type.String(), files: Type.Array(DatasetFile) })),
});
export const DatasetParams = Type.Object({
  date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
});

export const ProbeHeaders = Type.Object({
  'x-raabta-probe-id': Type.Optional(Type.String({ maxLength: 64 })),
});
export const UploadHeaders = Type.Object({
  'x-raabta-probe-id': Type.Optional(Type.String({ maxLength: 64 })),
  'x-raabta-signature': Type.Optional(Type.String({ maxLength: 200 })),
  'content-encoding': Type.Optional(Type.String({ maxLength: 32 })),
});
export const AdminHeaders = Type.Object({ authorization: Type.Optional(Type.String({ maxLength: 512 })) });
