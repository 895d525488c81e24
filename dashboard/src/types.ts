/** Shapes of the collector's read API (collector/API.md). */
export type Status = 'ok' | 'blocked' | 'down' | 'error' | 'inconclusive';
export const STATUSES: Status[] = ['ok', 'blocked', 'down', 'error', 'inconclusive'];
export type Bucket = '10m' | '1h' | '1d';

export interface VerdictSummary {
  status: Status;
  method: string | null;
  confidence: number;
  reason: string;
}

export interface FullVerdict extends VerdictSummary {
  source?: 'probe' | 'collector';
  analysis_version: string;
  evidence: string[];
}

export interface MeasurementSummary {
  measurement_uid: string;
  measurement_start_time: string;
  probe_asn: string;
  probe_cc: string;
  probe_network_name: string | null;
  test_name: string;
  input: string | null;
  target_group: string;
  simulated: boolean;
  verdict: VerdictSummary | null;
}

export interface TimelineBucket {
  t: string;
  ok: number;
  blocked: number;
  down: number;
  error: number;
  inconclusive: number;
  probes: number;
  methods: Record<string, number>;
}

export interface TimelineSeries {
  key: { target_group: string; input?: string; probe_asn?: string };
  buckets: TimelineBucket[];
}

export interface TimelineResponse {
  bucket: Bucket;
  since: string;
  until: string;
  series: TimelineSeries[];
  simulated: boolean;
}

export interface EventNote {
  at: string;
  text: string;
}

/** Another event of the same disruption (same country, service family and time: collector/API.md). */
export interface RelatedEvent {
  id: string;
  title: string;
  target_group: string;
  asns: string[];
  methods: string[];
  start: string;
  end: string | null;
  status: string;
}

export interface RaabtaEvent {
  id: string;
  title: string;
  target_group: string;
  scope: { cc: string; asns: string[] };
  methods: string[];
  start: string;
  end: string | null;
  severity: string;
  peak_share: number;
  probes: number;
  status: string;
  notes: EventNote[];
  simulated: boolean;
  /** the service's family ('vpn', 'whatsapp') or null */
  family: string | null;
  /** id of the first event of its group (its own id when alone) */
  group_id: string;
  related: RelatedEvent[];
}

export interface EventDetail extends RaabtaEvent {
  evidence: MeasurementSummary[];
}

export interface Network {
  asn: string;
  name: string;
  kind: string;
  cc: string;
}

export interface Coverage {
  probe_asn: string;
  probe_cc: string;
  network_name: string | null;
  probes: number;
  measurements: number;
  last_seen: string | null;
}

export interface DatasetFile {
  format: string;
  name: string;
  bytes: number;
  rows: number;
  sha256: string;
  url: string;
}

export interface Dataset {
  date: string;
  files: DatasetFile[];
}

/** The raw measurement is only read defensively: every field may be missing or of another type. */
export type Raw = Record<string, unknown>;

export interface MeasurementDetail {
  measurement: Raw;
  verdicts: FullVerdict[];
}
