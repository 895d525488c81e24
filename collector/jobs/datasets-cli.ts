/**
 * `raabta collector export` and `raabta collector import-ooni`: the dataset CLIs of collector/datasets/
 * wired to this collector's storage.
 */
import { runExportCli, runImportOoniCli } from '../datasets/cli.ts';
import { iterateRawByDayFromScan } from '../datasets/export-all.ts';
import { createAnalyzer } from '../ingest/analyze.ts';
import { ingestMeasurements } from '../ingest/local-ingest.ts';
import { openStorage } from '../storage/postgres/open-storage.ts';

/** Imported OONI measurements carry no Raabta probe id; their batches are recorded under this one. */
export const OONI_IMPORT_PROBE = 'ooni-import';

export function runExport(argv: string[]): Promise<number> {
  return runExportCli(argv, {
    async openSource(db) {
      const storage = await openStorage(db);
      return {
        iterateRawByDay: iterateRawByDayFromScan((o) => storage.scanRaw(o)),
        close: () => storage.close(),
      };
    },
  });
}

export function runImportOoni(argv: string[]): Promise<number> {
  return runImportOoniCli(argv, {
    async openSink(db) {
      const storage = await openStorage(db);
      const analyze = createAnalyzer();
      return {
        async insert(batch) {
          const r = await ingestMeasurements(storage, batch, { analyze, fallbackProbeId: OONI_IMPORT_PROBE });
          if (r.invalid) {
            process.stderr.write(
              `${r.invalid} converted measurements failed validation, e.g. ${r.firstInvalidReason}\n`,
            );
          }
          return { accepted: r.accepted, duplicate: r.duplicate };
        },
        close: () => storage.close(),
      };
    },
  });
}
