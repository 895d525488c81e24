/** Records exchanged through the Storage interface (types.ts): what goes in at ingest, what comes out of reads. */
export type VerdictSource = 'probe' | 'collector';
export type Status = 'ok' | 'blocked' | 'down' | 'error' | 'inconclusive';

export interface VerdictRecord {
  source: VerdictSource;
  analysis_version: string;
  status: Status;
  method: string | null;
  confidence: number;
  reason: string;
  evidence: string[];
}

/** One validated measurement of a batch, with its indexed columns and its verdicts. */
export interface PreparedMeasurement {
  uid: string;
  start_ms: number;
  /** byte span of this measurement's JSON inside the decompressed batch */
  offset: number;
  length: number;
  probe_asn: string;
  probe_cc: string;
  network_name: string | null;
  test_name: string;
  input: string | null;
  target_group: string;
  simulated: boolean;
  /**
   * The verdicts to store: the current one (prepareBatch gives only that one; storage writes only the one
   * named by `current`). `current`: the collector's when it could analyse, else the probe's; feeds the rollups
   */
  verdicts: VerdictRecord[];
  current: VerdictSource | null;
}

export interface PreparedBatch {
  probe_id: string;
  received_ms: number;
  /** gzip of the batch JSON: the body as uploaded when it came gzipped and needed no scrubbing */
  gzip: Uint8Array;
  /** the probe's Ed25519 signature, kept when `gzip` is exactly the signed body */
  signature: Uint8Array | null;
  measurements: PreparedMeasurement[];
}

export type IngestItemStatus = 'accepted' | 'duplicate';
/** Per batch: the status of each of its measurements, or why the batch was rolled back. */
export type IngestOutcome = { statuses: IngestItemStatus[] } | { error: string };

export interface ProbeRecord {
  probe_id: string;
  public_key: Uint8Array;
  software_name: string;
  software_version: string;
  platform: string | null;
  created_ms: number;
}

export interface MeasurementQuery {
  since_ms?: number;
  until_ms?: number;
  test_name?: string;
  input?: string;
  target_group?: string;
  probe_asn?: string;
  probe_cc?: string;
  probe_id?: string;
  status?: Status;
  method?: string;
  simulated?: boolean;
  limit: number;
  /** opaque, from a previous page */
  cursor?: string;
}

export interface MeasurementSummaryRow {
  uid: string;
  start_ms: number;
  probe_asn: string;
  probe_cc: string;
  network_name: string | null;
  test_name: string;
  input: string | null;
  target_group: string;
  simulated: boolean;
  /** the current verdict */
  verdict: VerdictRecord | null;
}

export interface MeasurementDetail {
  summary: MeasurementSummaryRow;
  /** this measurement's JSON bytes exactly as stored */
  raw: Buffer;
  verdicts: VerdictRecord[];
}

export type BucketName = '10m' | '1h' | '1d';
export const BUCKET_SECONDS: Record<BucketName, number> = { '10m': 600, '1h': 3600, '1d': 86400 };

export interface TimelineQuery {
  bucket: BucketName;
  since_ms: number;
  until_ms: number;
  group_by: 'target_group' | 'input';
  by_asn: boolean;
  target_group?: string;
  input?: string;
  probe_asn?: string;
  probe_cc?: string;
  simulated?: boolean;
}

/** One bucket of one series: counts by status, by blocking method, and distinct probes. */
export interface TimelineCell {
  t_ms: number;
  target_group: string;
  input?: string | null;
  probe_asn?: string;
  counts: Record<Status, number>;
  methods: Record<string, number>;
  probes: number;
  simulated: boolean;
}

export interface CoverageRow {
  probe_asn: string;
  probe_cc: string;
  network_name: string | null;
  probes: number;
  measurements: number;
  last_seen_ms: number | null;
}

export interface EventRecord {
  id: string;
  title: string;
  target_group: string;
  cc: string;
  asns: string[];
  methods: string[];
  start_ms: number;
  end_ms: number | null;
  severity: string;
  peak_share: number;
  probes: number;
  status: 'open' | 'closed';
  simulated: boolean;
  /** uids of sample measurements */
  evidence: string[];
  notes: { at_ms: number; text: string }[];
}

/** What the detector reports; `key` identifies the same event across runs (so re-detection updates it). */
export type DetectedEvent = Omit<EventRecord, 'id' | 'notes'> & { key: string };

export interface EventQuery {
  since_ms?: number;
  until_ms?: number;
  target_group?: string;
  probe_asn?: string;
  status?: 'open' | 'closed';
  limit: number;
}

export interface RawRow {
  /** storage-internal key, opaque to callers, time-ordered */
  key: number;
  uid: string;
  start_ms: number;
  raw: Buffer;
  current: VerdictRecord | null;
}

export interface StorageStats {
  measurements: number;
  batches: number;
  probes: number;
  events: number;
  /** bytes on disk (database and its journals) */
  bytes: number;
}
