/** Shared pieces of the storage contract suite (storage-contract.ts). */
import { gzipSync } from 'node:zlib';
import type { ExecutionContext } from 'ava';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { prepareBatch } from '../../collector/ingest/prepare.ts';
import type { PreparedBatch, Storage } from '../../collector/storage/types.ts';
import { type SampleOptions, sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';

export type StorageFactory = () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>;
export type WithStorage = (title: string, fn: (t: ExecutionContext, s: Storage) => Promise<void>) => void;

const analyze = createAnalyzer();
export const H = 3600_000;
export const T0 = Date.UTC(2024, 10, 10, 8, 0, 0);

/** A batch prepared exactly as the upload route prepares one (validation, spans, analysis). */
export function batchOf(probeId: string, ms: Measurement[], analyzer = analyze): PreparedBatch {
  const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: probeId, measurements: ms })));
  const r = prepareBatch(
    {
      body,
      encoding: 'gzip',
      signature: null,
      probe_id: probeId,
      caller_ips: [],
      received_ms: T0,
      max_decompressed_bytes: 1 << 26,
    },
    analyzer,
    Date.now(),
  );
  if (!r.ok) throw new Error(`${r.code}: ${r.message} ${JSON.stringify(r.results ?? '')}`);
  return r.batch;
}

export const m = (o: SampleOptions) => sampleMeasurement({ probe_id: 'p_a', ...o });
