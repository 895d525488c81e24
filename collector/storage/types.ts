/**
 * The collector's storage contract. Every method is async so a PostgreSQL implementation can follow the
 * SQLite one without touching the routes. Implementations must pass test/collector/storage-contract.ts.
 *
 * Raw data model: an accepted upload batch is kept once, verbatim (the request body as received, normally
 * the probe's own gzip member, plus the probe's signature over it); each measurement row points at its byte
 * span inside the decompressed batch. Raw data is never modified. Verdicts live apart and can be replaced.
 */

export * from './records.ts';

import type {
  CoverageRow,
  DetectedEvent,
  EventQuery,
  EventRecord,
  IngestOutcome,
  MeasurementDetail,
  MeasurementQuery,
  MeasurementSummaryRow,
  PreparedBatch,
  ProbeRecord,
  RawRow,
  StorageStats,
  TimelineCell,
  TimelineQuery,
  VerdictRecord,
} from './records.ts';

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

  /** Counts and size; counting raw batches reads the whole table: not for health checks (ping). */
  stats(): Promise<StorageStats>;
  /** One cheap round trip to the database: fails when it cannot be read (health checks). */
  ping(): Promise<void>;
  /**
   * On a database replica: seconds its data is behind the primary (0 when it has replayed all it received);
   * null on a primary. Engines without replicas leave it out.
   */
  replicaLagSeconds?(): Promise<number | null>;
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
