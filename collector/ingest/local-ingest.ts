/**
 * Ingest of measurement objects from inside the collector (the demo dataset, imports): the same path as an
 * upload — batch JSON, prepareBatch (validation, analysis, spans), one commit per batch — without HTTP or a
 * signature. Invalid measurements are skipped and counted, never stored.
 */
import { gzipSync } from 'node:zlib';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Storage } from '../storage/types.ts';
import type { Analyzer } from './analyze.ts';
import { prepareBatch } from './prepare.ts';

export interface LocalIngestResult {
  accepted: number;
  duplicate: number;
  invalid: number;
  firstInvalidReason: string | null;
}

/** A measurement and, when it must be stored as particular bytes (imports), those bytes. */
export type LocalItem = Measurement | { measurement: Measurement; raw: string };

function rawOf(item: LocalItem): { m: Measurement; raw: string } {
  if ('raw' in item && 'measurement' in item) return { m: item.measurement, raw: item.raw };
  return { m: item as Measurement, raw: JSON.stringify(item) };
}

export async function ingestMeasurements(
  storage: Storage,
  items: Iterable<LocalItem> | AsyncIterable<LocalItem>,
  o: { analyze: Analyzer; batchSize?: number; nowMs?: () => number; fallbackProbeId?: string },
): Promise<LocalIngestResult> {
  const size = o.batchSize ?? 500;
  const now = o.nowMs ?? Date.now;
  const result: LocalIngestResult = { accepted: 0, duplicate: 0, invalid: 0, firstInvalidReason: null };
  let batch: string[] = [];
  let batchProbe: string | null = null;

  const flush = async () => {
    let list = batch;
    batch = [];
    while (list.length) {
      const probeId = batchProbe ?? o.fallbackProbeId ?? 'local';
      const json = `{"probe_id":${JSON.stringify(probeId)},"measurements":[${list.join(',')}]}`;
      const body = gzipSync(Buffer.from(json), { level: 1 });
      const r = prepareBatch(
        {
          body,
          encoding: 'gzip',
          signature: null,
          probe_id: probeId,
          caller_ips: [],
          received_ms: now(),
          max_decompressed_bytes: 1 << 30,
        },
        o.analyze,
        now(),
      );
      if (r.ok) {
        const [outcome] = await storage.ingest([r.batch]);
        if ('error' in outcome) throw new Error(`storing a batch failed: ${outcome.error}`);
        for (const s of outcome.statuses) result[s]++;
        return;
      }
      if (!r.results) throw new Error(`${r.code}: ${r.message}`);
      const bad = new Set(r.results.filter((x) => x.status === 'rejected').map((x) => x.index));
      result.invalid += bad.size;
      result.firstInvalidReason ??= r.results.find((x) => x.status === 'rejected')?.reason ?? null;
      list = list.filter((_, i) => !bad.has(i));
    }
  };

  for await (const item of items) {
    const { m, raw } = rawOf(item);
    const probe = m.raabta?.probe_id ?? null;
    if (batch.length >= size || (batch.length && probe !== batchProbe)) await flush();
    batchProbe = probe;
    batch.push(raw);
  }
  if (batch.length) await flush();
  return result;
}
