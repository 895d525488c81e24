/**
 * The datasets publishing job: keeps `<datasets root>/<YYYY-MM-DD>/` (collector/datasets/README.md) in step
 * with the storage. Each run exports every complete UTC day (before today, UTC) that has measurements and no
 * manifest yet, and re-exports a day whose stored measurement count differs from the row count in its
 * manifest (late uploads for past days) or whose counts per verdict differ from those its manifest recorded
 * (a re-score changed verdicts: the CSV and Parquet verdict columns would be stale). The per-day counts come
 * from the daily rollups (one timeline query over all days), so finding what to do costs what the number of
 * days costs, not the number of rows.
 *
 * A day is exported into a staging directory (`<root>/.publish/<date>-XXXXXX/<date>/`, the manifest
 * written last) and swapped in by rename: a reader sees the previous complete version or the new one, never a
 * half file; a failure or a crash during the export leaves the previous version untouched. A crash between
 * the two renames of the swap is repaired at the start of the next run (`recoverStaging`).
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { iterateRawByDayFromScan, utcDay } from '../datasets/export-all.ts';
import { exportDay } from '../datasets/export-day.ts';
import { isDay, MANIFEST_NAME, readDayManifest } from '../datasets/manifest.ts';
import type { DayManifest, ExportFormat, ExportItem, IterateRawByDay } from '../datasets/types.ts';
import type { Storage } from '../storage/types.ts';
import { type ExclusiveLock, lockFor } from './exclusive.ts';

const DAY_MS = 86_400_000;
/** staging area inside the datasets root (same filesystem, so renames are atomic; not a day: never listed) */
export const STAGING_DIR = '.publish';
const PREVIOUS = 'previous';

export interface PublishOptions {
  datasetsDir: string;
  now?: () => Date;
  formats?: readonly ExportFormat[];
  /** at most this many days exported per run; the rest go to the next run (default 31) */
  maxDaysPerRun?: number;
  /** where a day's measurements come from; default: the storage's `scanRaw` */
  iterateRawByDay?: IterateRawByDay;
  /** aborts the run between measurements (the day being exported is abandoned, its previous version kept) */
  signal?: AbortSignal;
}

export interface DayToPublish {
  date: string;
  /** measurements stored for the day (daily rollups) */
  stored: number;
  /** the same per current verdict */
  verdicts: VerdictCounts;
  /** rows in its published manifest; null when never published */
  published: number | null;
}

export interface PublishedDay {
  date: string;
  rows: number;
  previous_rows: number | null;
  bytes: number;
  ms: number;
}

export interface PublishRunResult {
  published: PublishedDay[];
  failed: { date: string; error: string }[];
  /** days still to publish after this run (over the per-run bound) */
  pending: number;
}

type VerdictCounts = NonNullable<DayManifest['verdict_counts']>;
const VERDICTS = ['ok', 'blocked', 'down', 'error', 'inconclusive'] as const;

/** Measurements per UTC day before `untilMs` and per current verdict, from the daily rollups. */
export async function storedCountsByDay(
  storage: Storage,
  untilMs: number,
): Promise<Map<string, VerdictCounts>> {
  const cells = await storage.timeline({
    bucket: '1d',
    since_ms: 0,
    until_ms: untilMs,
    group_by: 'target_group',
    by_asn: false,
  });
  const out = new Map<string, VerdictCounts>();
  for (const c of cells) {
    const day = utcDay(new Date(c.t_ms));
    const sum = out.get(day) ?? { ok: 0, blocked: 0, down: 0, error: 0, inconclusive: 0 };
    for (const v of VERDICTS) sum[v] += c.counts[v];
    out.set(day, sum);
  }
  return out;
}

const total = (c: VerdictCounts) => VERDICTS.reduce((n, v) => n + c[v], 0);
/** A manifest without verdict counts (written before they were recorded) is judged by its row count alone. */
const sameVerdicts = (published: VerdictCounts | undefined, stored: VerdictCounts) =>
  !published || VERDICTS.every((v) => published[v] === stored[v]);

/** Complete days with measurements whose manifest is missing or counts other rows or verdicts; newest first. */
export async function daysToPublish(storage: Storage, root: string, now: Date): Promise<DayToPublish[]> {
  const today = Date.parse(`${utcDay(now)}T00:00:00Z`);
  const counts = await storedCountsByDay(storage, today);
  const out: DayToPublish[] = [];
  for (const [date, verdicts] of counts) {
    const stored = total(verdicts);
    if (stored === 0 || Date.parse(`${date}T00:00:00Z`) + DAY_MS > today) continue;
    const manifest = await readDayManifest(join(root, date)).catch(() => null);
    const published = manifest ? (manifest.files[0]?.rows ?? 0) : null;
    if (published !== stored || !sameVerdicts(manifest?.verdict_counts, verdicts)) {
      out.push({ date, stored, verdicts, published });
    }
  }
  return out.sort((a, b) => (a.date < b.date ? 1 : -1));
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Leftovers of an interrupted run: a staging directory whose day is missing from the root (a crash between
 * the swap's two renames) puts back the new version if it is complete (has its manifest), else the previous
 * one; every staging directory is then removed.
 */
export async function recoverStaging(root: string, log: Logger): Promise<void> {
  const staging = join(root, STAGING_DIR);
  const names = await readdir(staging).catch(() => [] as string[]);
  for (const name of names) {
    const dir = join(staging, name);
    const date = name.slice(0, 10);
    if (isDay(date) && !(await exists(join(root, date)))) {
      const fresh = join(dir, date);
      const back = (await exists(join(fresh, MANIFEST_NAME))) ? fresh : join(dir, PREVIOUS);
      if (await exists(join(back, MANIFEST_NAME))) {
        await rename(back, join(root, date));
        log.warn({ date, kept: back === fresh ? 'new' : 'previous' }, 'dataset day restored after a crash');
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** Items exported between two turns of the event loop (requests are served in between). */
const YIELD_EVERY = 100;

async function* stoppable(
  items: AsyncIterable<ExportItem>,
  signal?: AbortSignal,
): AsyncGenerator<ExportItem> {
  let n = 0;
  for await (const item of items) {
    if (signal?.aborted) throw new Error('publishing stopped');
    yield item;
    if (++n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Exports one day into a fresh staging directory and swaps it in. Null when the day turned out empty (its
 * published files, if any, are left as they are).
 */
export async function publishDay(
  root: string,
  date: string,
  iterate: IterateRawByDay,
  o: Pick<PublishOptions, 'formats' | 'now' | 'signal'> & { verdictCounts?: VerdictCounts } = {},
): Promise<{ rows: number; bytes: number } | null> {
  await mkdir(join(root, STAGING_DIR), { recursive: true });
  const stage = await mkdtemp(join(root, STAGING_DIR, `${date}-`));
  try {
    const manifest = await exportDay({
      date,
      items: stoppable(iterate(date), o.signal),
      outDir: stage,
      formats: o.formats,
      now: o.now,
      verdictCounts: o.verdictCounts,
    });
    if (!manifest) return null;
    const target = join(root, date);
    // the swap: previous version aside, new one in (a crash in between: recoverStaging)
    await rename(target, join(stage, PREVIOUS)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(join(stage, date), target);
    return {
      rows: manifest.files[0]?.rows ?? 0,
      bytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
    };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** One run: repair leftovers, find the days to (re)publish, export at most `maxDaysPerRun` of them. */
export async function publishDatasets(
  storage: Storage,
  log: Logger,
  o: PublishOptions,
): Promise<PublishRunResult> {
  const result: PublishRunResult = { published: [], failed: [], pending: 0 };
  const root = o.datasetsDir;
  await mkdir(root, { recursive: true });
  await recoverStaging(root, log);
  const todo = await daysToPublish(storage, root, o.now?.() ?? new Date());
  const max = o.maxDaysPerRun ?? 31;
  // pages as small as the yield interval: one storage call is one synchronous stretch on the SQLite storage
  const iterate = o.iterateRawByDay ?? iterateRawByDayFromScan((q) => storage.scanRaw(q), YIELD_EVERY);
  for (const day of todo.slice(0, max)) {
    if (o.signal?.aborted) break;
    const t0 = performance.now();
    try {
      const done = await publishDay(root, day.date, iterate, { ...o, verdictCounts: day.verdicts });
      if (!done) continue;
      const entry: PublishedDay = {
        date: day.date,
        rows: done.rows,
        previous_rows: day.published,
        bytes: done.bytes,
        ms: Math.round(performance.now() - t0),
      };
      result.published.push(entry);
      log.info(entry, day.published === null ? 'dataset day published' : 'dataset day re-published');
    } catch (err) {
      const error = (err as Error).message;
      result.failed.push({ date: day.date, error });
      if (!o.signal?.aborted) log.error({ date: day.date, err: error }, 'dataset day not published');
    }
  }
  result.pending = Math.max(0, todo.length - max);
  return result;
}

export interface PublishJob {
  /** Runs now, or joins the run in progress: never two at once (nor two collectors on one PostgreSQL). */
  runOnce(): Promise<PublishRunResult>;
  /** No more runs; the run in progress is stopped (its day keeps its previous version) and awaited. */
  stop(): Promise<void>;
}

export interface PublishJobOptions extends Omit<PublishOptions, 'signal'> {
  /** once at a time across the collectors on this database (default: the storage engine's, exclusive.ts) */
  lock?: ExclusiveLock;
  /** between runs; 0 = never on a timer (runOnce still works) */
  everyMs: number;
  /** first run after start (default 1 s) */
  firstRunAfterMs?: number;
  /** next run when the last one left days over its bound (default 1 s) */
  continueAfterMs?: number;
}

export function startPublishJob(storage: Storage, log: Logger, o: PublishJobOptions): PublishJob {
  const abort = new AbortController();
  const lock = o.lock ?? lockFor(storage);
  const idle: PublishRunResult = { published: [], failed: [], pending: 0 };
  let inFlight: Promise<PublishRunResult> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const runOnce = (): Promise<PublishRunResult> => {
    if (inFlight) return inFlight;
    const t0 = performance.now();
    // another collector's run holds the turn: nothing to do here this time
    const run = lock
      .run('publish-datasets', () => publishDatasets(storage, log, { ...o, signal: abort.signal }))
      .then((r) => r ?? idle)
      .catch((err: Error): PublishRunResult => {
        if (!abort.signal.aborted) log.error({ err: err.message }, 'datasets publishing failed');
        return { published: [], failed: [{ date: '', error: err.message }], pending: 0 };
      })
      .then((r) => {
        if (r.published.length || r.failed.length) {
          const ms = Math.round(performance.now() - t0);
          log.info(
            { published: r.published.length, failed: r.failed.length, pending: r.pending, ms },
            'datasets publishing run',
          );
        }
        return r;
      })
      .finally(() => {
        inFlight = null;
      });
    inFlight = run;
    return run;
  };

  const schedule = (ms: number) => {
    if (stopped || o.everyMs <= 0) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce().then((r) => schedule(r.pending > 0 ? (o.continueAfterMs ?? 1000) : o.everyMs));
    }, ms);
    timer.unref();
  };
  schedule(o.firstRunAfterMs ?? 1000);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await inFlight;
    },
  };
}
