import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { exportDay } from '../../collector/datasets/export-day.ts';
import { readJsonlLines } from '../../collector/datasets/ooni-import.ts';
import type { ExportItem } from '../../collector/datasets/types.ts';
import { generated } from './helpers/generate.ts';

const DAY = '2024-11-10';

async function tmp(t: { teardown: (f: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raabta-jsonl-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Raw bodies as probes might have sent them: compact, spaced, escaped unicode, odd key order, as bytes. */
function oddlyFormatted(): ExportItem[] {
  const items: ExportItem[] = [];
  for (let i = 0; i < 300; i++) {
    const { m, collector } = generated(DAY, i, true);
    let raw = JSON.stringify(m);
    if (i % 3 === 1) raw = JSON.stringify(m, null, 0).replace(/,"/g, ', "');
    if (i % 3 === 2)
      raw = raw
        .replace(/"input":"/, '"input" : "')
        .replace(/ß|ü|ا/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    items.push({ uid: m.measurement_uid, raw: i % 2 ? Buffer.from(raw, 'utf8') : raw, collector });
  }
  return items;
}

test('JSONL.gz holds every stored measurement byte for byte, one per line, in the order given', async (t) => {
  const dir = await tmp(t);
  const items = oddlyFormatted();
  const manifest = await exportDay({ date: DAY, items, outDir: dir, formats: ['jsonl.gz'] });
  t.truthy(manifest);
  const lines: Buffer[] = [];
  for await (const line of readJsonlLines(join(dir, DAY, `raabta-${DAY}.jsonl.gz`)))
    lines.push(Buffer.from(line, 'utf8'));
  t.is(lines.length, items.length);
  for (let i = 0; i < items.length; i++) {
    const want = Buffer.from(items[i].raw as string | Buffer);
    if (!lines[i].equals(want)) t.fail(`line ${i + 1} differs from the stored bytes`);
  }
  t.is(manifest!.files[0].rows, items.length);
});

test('the manifest checksum and size are those of the file on disk', async (t) => {
  const dir = await tmp(t);
  const m = await exportDay({ date: DAY, items: oddlyFormatted(), outDir: dir, formats: ['jsonl.gz'] });
  const bytes = await readFile(join(dir, DAY, m!.files[0].name));
  t.is(m!.files[0].bytes, bytes.length);
  t.is(m!.files[0].sha256, createHash('sha256').update(bytes).digest('hex'));
  const sums = await readFile(join(dir, DAY, 'SHA256SUMS'), 'utf8');
  t.is(sums, `${m!.files[0].sha256}  raabta-${DAY}.jsonl.gz\n`);
});

test('a pretty-printed upload still takes one line: its line breaks become spaces, nothing else changes', async (t) => {
  const dir = await tmp(t);
  const { m } = generated(DAY, 1);
  const pretty = JSON.stringify(m, null, 2).replace(/\n/g, '\r\n');
  await exportDay({
    date: DAY,
    items: [{ uid: m.measurement_uid, raw: pretty, collector: null }],
    outDir: dir,
    formats: ['jsonl.gz'],
  });
  const lines: string[] = [];
  for await (const line of readJsonlLines(join(dir, DAY, `raabta-${DAY}.jsonl.gz`))) lines.push(line);
  t.is(lines.length, 1);
  t.is(lines[0].length, pretty.length);
  t.deepEqual(JSON.parse(lines[0]), m);
});

test('a measurement from another day is refused and leaves no partial files behind', async (t) => {
  const dir = await tmp(t);
  const { m } = generated('2024-11-11', 3);
  const items = [
    ...oddlyFormatted().slice(0, 5),
    { uid: m.measurement_uid, raw: JSON.stringify(m), collector: null },
  ];
  await t.throwsAsync(exportDay({ date: DAY, items, outDir: dir }), {
    message: /outside the partition of 2024-11-10/,
  });
  const { readdir } = await import('node:fs/promises');
  t.deepEqual(await readdir(join(dir, DAY)), []);
});

test('a day without measurements writes nothing', async (t) => {
  const dir = await tmp(t);
  t.is(await exportDay({ date: DAY, items: [], outDir: dir }), null);
  const { readdir } = await import('node:fs/promises');
  t.deepEqual(await readdir(dir), []);
});
