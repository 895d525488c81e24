/**
 * Shared types of the dataset exports. The collector feeds the writers one day of stored measurements,
 * in time order, as raw JSON exactly as stored plus the collector's current verdict (kept apart from the raw
 * data, see collector/storage/types.ts).
 */

export type VerdictStatusName = 'ok' | 'blocked' | 'down' | 'error' | 'inconclusive';

/** The parts of a verdict the flat tables carry (structurally compatible with storage's VerdictRecord). */
export interface VerdictLike {
  status: VerdictStatusName;
  method: string | null;
  confidence: number;
  analysis_version: string;
}

/** One stored measurement as the exporter receives it. */
export interface ExportItem {
  uid: string;
  /** the measurement's JSON bytes exactly as stored (never re-serialised by the JSONL writer) */
  raw: string | Uint8Array;
  /** the collector's own verdict, null when it could not analyse this measurement */
  collector: VerdictLike | null;
}

/**
 * What the collector's storage must provide to export a day: its measurements whose
 * `measurement_start_time` falls on that UTC day (`YYYY-MM-DD`), ordered by start time then uid.
 */
export type IterateRawByDay = (date: string) => AsyncIterable<ExportItem>;

export const EXPORT_FORMATS = ['jsonl.gz', 'csv', 'parquet', 'ooni.jsonl.gz'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** One file of a day's partition, as listed in its manifest. */
export interface DatasetFile {
  name: string;
  format: ExportFormat;
  bytes: number;
  rows: number;
  /** lowercase hex SHA-256 of the file's bytes */
  sha256: string;
}

export interface DayManifest {
  /** version of this manifest layout */
  manifest_version: 1;
  date: string;
  /** ISO 8601 UTC */
  generated_at: string;
  /** format version of the measurements inside (schemas/README.md) */
  measurement_format_version: string;
  files: DatasetFile[];
  /**
   * The day's measurements per current verdict as the collector's rollups counted them when it was exported
   * (absent in manifests written before this field, and in `raabta export` dumps). The publishing job
   * re-publishes a day when these differ: a re-score changes verdicts without changing the row count.
   */
  verdict_counts?: Record<VerdictStatusName, number>;
}
