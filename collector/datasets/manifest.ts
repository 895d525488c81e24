/**
 * Per-day manifests: `<root>/<YYYY-MM-DD>/manifest.json` lists each file of the day's partition with its
 * format, size, row count and SHA-256, and `SHA256SUMS` beside it (checkable with `sha256sum -c SHA256SUMS`).
 * Also: the index served at `GET /api/v1/datasets`, checksum verification, and safe lookup of a file by
 * (date, name) for `GET /api/v1/datasets/:date/:name` (only names listed in the day's manifest resolve).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetFile, DayManifest, ExportFormat } from './types.ts';
import { isExportFormat } from './types.ts';

export const MANIFEST_NAME = 'manifest.json';
export const SUMS_NAME = 'SHA256SUMS';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

export function datasetFileName(date: string, format: ExportFormat): string {
  return `raabta-${date}.${format}`;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function writeDayManifest(dayDir: string, manifest: DayManifest): Promise<void> {
  const sums = manifest.files.map((f) => `${f.sha256}  ${f.name}\n`).join('');
  await writeAtomic(join(dayDir, SUMS_NAME), sums);
  await writeAtomic(join(dayDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
}

function isFile(v: unknown): v is DatasetFile {
  const f = v as DatasetFile;
  return (
    !!f &&
    typeof f.name === 'string' &&
    /^[A-Za-z0-9._-]+$/.test(f.name) &&
    isExportFormat(f.format) &&
    Number.isInteger(f.bytes) &&
    Number.isInteger(f.rows) &&
    /^[0-9a-f]{64}$/.test(f.sha256)
  );
}

/** The day's manifest, or null when there is none; throws on a malformed one (naming the problem). */
export async function readDayManifest(dayDir: string): Promise<DayManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dayDir, MANIFEST_NAME), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const m = JSON.parse(text) as DayManifest;
  if (m.manifest_version !== 1 || !isDay(m.date) || !Array.isArray(m.files) || !m.files.every(isFile)) {
    throw new Error(`${join(dayDir, MANIFEST_NAME)}: not a valid day manifest`);
  }
  return m;
}

/** Every day under `root` that has a manifest, oldest first. */
export async function listDayManifests(root: string): Promise<DayManifest[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  // read 32 at a time: one after another, a few years of days made every index request slow
  const days = names.filter(isDay).sort();
  const out: DayManifest[] = [];
  for (let i = 0; i < days.length; i += 32) {
    const read = await Promise.all(days.slice(i, i + 32).map((d) => readDayManifest(join(root, d))));
    for (const m of read) if (m) out.push(m);
  }
  return out;
}

export interface DatasetsIndex {
  results: { date: string; files: (DatasetFile & { url: string })[] }[];
}

/** The `GET /api/v1/datasets` document; `urlFor` builds each file's download URL. */
export async function datasetsIndex(
  root: string,
  urlFor: (date: string, name: string) => string,
): Promise<DatasetsIndex> {
  const days = await listDayManifests(root);
  return {
    results: days.map((d) => ({
      date: d.date,
      files: d.files.map((f) => ({ ...f, url: urlFor(d.date, f.name) })),
    })),
  };
}

/** Path and listing of a file of a day, or null: only names in that day's manifest resolve (no traversal). */
export async function resolveDatasetFile(
  root: string,
  date: string,
  name: string,
): Promise<{ path: string; file: DatasetFile } | null> {
  if (!isDay(date)) return null;
  const m = await readDayManifest(join(root, date)).catch(() => null);
  const file = m?.files.find((f) => f.name === name);
  return file ? { path: join(root, date, file.name), file } : null;
}

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Recomputes size and SHA-256 of every listed file: a list of mismatches (empty when all is well). */
export async function verifyDay(dayDir: string): Promise<string[]> {
  const m = await readDayManifest(dayDir);
  if (!m) return [`${dayDir}: no manifest`];
  const problems: string[] = [];
  for (const f of m.files) {
    const path = join(dayDir, f.name);
    const st = await stat(path).catch(() => null);
    if (!st) {
      problems.push(`${f.name}: missing`);
      continue;
    }
    const got = await sha256File(path);
    if (got.bytes !== f.bytes) problems.push(`${f.name}: ${got.bytes} bytes, manifest says ${f.bytes}`);
    if (got.sha256 !== f.sha256) problems.push(`${f.name}: SHA-256 ${got.sha256}, manifest says ${f.sha256}`);
  }
  return problems;
}
