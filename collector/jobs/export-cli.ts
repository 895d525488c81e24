/** `raabta collector export`: daily dataset partitions from the database (writers in collector/datasets/). */
import { parseArgs, required, str, UsageError } from '../cli-args.ts';
import { exportAll } from '../datasets/export-all.ts';
import { type ExportFormat, isExportFormat } from '../datasets/types.ts';
import { openSqliteStorage } from '../storage/sqlite/index.ts';
import { iterateRawByDay } from './export-source.ts';

export async function runExport(argv: string[]): Promise<number> {
  const a = parseArgs(argv, {
    db: { value: true },
    out: { value: true },
    since: { value: true },
    until: { value: true },
    formats: { value: true },
  });
  const formats = str(a, 'formats')?.split(',');
  if (formats?.some((f) => !isExportFormat(f)))
    throw new UsageError(`--formats: one of jsonl.gz, csv, parquet, ooni.jsonl.gz`);
  const storage = openSqliteStorage({ path: required(a, 'db') });
  try {
    const r = await exportAll({
      since: required(a, 'since'),
      until: str(a, 'until'),
      outDir: required(a, 'out'),
      formats: formats as ExportFormat[] | undefined,
      iterateRawByDay: iterateRawByDay(storage),
      onDay: (date, m, ms) =>
        process.stdout.write(
          `${date}: ${m ? `${m.files.length} files, ${m.files[0]?.rows ?? 0} rows` : 'no data'} (${Math.round(ms)} ms)\n`,
        ),
    });
    process.stdout.write(`exported ${r.days.length} days (${r.empty.length} without data)\n`);
    return 0;
  } finally {
    await storage.close();
  }
}
