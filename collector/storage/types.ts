/**
 * The collector's storage contract. Every method is async so a PostgreSQL implementation can follow the
 * SQLite one without touching the routes. Implementations must pass test/collector/storage-contract.ts.
 *
 * Raw data model: an accepted upload batch is kept once, verbatim (the request body as received, normally
 * the probe's own gzip member, plus the probe's signature over it); each measurement row points at its byte
 * span inside the decompressed batch. Raw data is never modified. Verdicts live apart and can be replaced.
 */

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
  /** 0–2 verdicts; `current` (the collector's when it could analyse, else the probe's) feeds the rollups */
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

export interface Storage {
  readonly kind: string;
  close(): Promise<void>;

  registerProbe(p: ProbeRecord): Promise<{ probe_id: string; created: boolean }>;
  probeKey(probeId: string): Promise<Uint8Array | null>;

  /**
   * Stores batches — each one all or nothing (batch blob, new measurements, verdicts, rollups, coverage;
   * duplicates skipped) — and resolves only once they are committed. Several batches may share one commit.
   */
  ingest(batches: PreparedBatch[]): Promise<IngestOutcome[]>;

  listMeasurements(
    q: MeasurementQuery,
  ): Promise<{ rows: MeasurementSummaryRow[]; next_cursor: string | null }>;
  getMeasurement(uid: string): Promise<MeasurementDetail | null>;
  summariesByUid(uids: string[]): Promise<MeasurementSummaryRow[]>;
  timeline(q: TimelineQuery): Promise<TimelineCell[]>;
  coverage(): Promise<CoverageRow[]>;

  /** Raw rows in key order, starting after `afterKey`, measurement start ≥ since_ms. */
  scanRaw(opts: {
    after_key: number | null;
    since_ms: number;
    until_ms?: number;
    limit: number;
  }): Promise<RawRow[]>;
  /** Replaces collector verdicts (one transaction), moving the rollups from the old current verdict to the new. */
  replaceCollectorVerdicts(items: { key: number; verdict: VerdictRecord }[]): Promise<number>;

  upsertEvents(events: DetectedEvent[]): Promise<void>;
  listEvents(q: EventQuery): Promise<EventRecord[]>;
  getEvent(id: string): Promise<EventRecord | null>;
  /** Admin edit: a title (kept over the detector's from then on) and/or a note. Null when no such event. */
  editEvent(id: string, edit: { title?: string; note?: string; at_ms: number }): Promise<EventRecord | null>;

  stats(): Promise<StorageStats>;
  /** Rollups recounted from raw rows and verdicts, compared with the stored ones: a list of differences. */
  verifyRollups(): Promise<string[]>;
  backup(destination: string): Promise<void>;
}

/** A caller error the storage detects (e.g. a malformed cursor): routes answer 400 with this code. */
export class StorageInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
