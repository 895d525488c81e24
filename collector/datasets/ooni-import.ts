/**
 * `importOoni(lines)`: OONI JSONL (one measurement per line, as in OONI's S3 buckets or API downloads) →
 * format v1, streamed. Every non-blank line yields a result: the converted measurement (and its JSON, to
 * store), or the line number and the reason it could not be converted — nothing is dropped silently.
 * `importOoniFile(path)` reads a file, gzip (any number of members) detected by its magic bytes.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { convertOoni, type OoniImportOptions } from './ooni-convert.ts';

export type { OoniImportOptions } from './ooni-convert.ts';

export type OoniImportResult =
  | { ok: true; line: number; measurement: Measurement; raw: string }
  | { ok: false; line: number; reason: string };

export async function* importOoni(
  lines: AsyncIterable<string> | Iterable<string>,
  opts: OoniImportOptions = {},
): AsyncGenerator<OoniImportResult> {
  let n = 0;
  for await (let line of lines) {
    n++;
    if (n === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      yield { ok: false, line: n, reason: `invalid JSON: ${(err as Error).message}` };
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield { ok: false, line: n, reason: 'not a JSON object' };
      continue;
    }
    let r: ReturnType<typeof convertOoni>;
    try {
      r = convertOoni(value, opts);
    } catch (err) {
      r = { ok: false, reason: `conversion failed: ${(err as Error).message}` };
    }
    yield r.ok
      ? { ok: true, line: n, measurement: r.measurement, raw: JSON.stringify(r.measurement) }
      : { ok: false, line: n, reason: r.reason };
  }
}

/** Splits a byte stream into lines (LF or CRLF), holding one line at a time. */
export async function* linesOf(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    rest += decoder.write(chunk as Buffer);
    let start = 0;
    for (let i = rest.indexOf('\n'); i >= 0; i = rest.indexOf('\n', start)) {
      yield rest.slice(start, i).replace(/\r$/, '');
      start = i + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest) yield rest.replace(/\r$/, '');
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** The lines of a JSONL file, plain or gzip. */
export async function* readJsonlLines(path: string): AsyncGenerator<string> {
  const src = createReadStream(path);
  let stream: Readable = src;
  if (await isGzip(path)) {
    const gunzip = createGunzip();
    src.on('error', (err) => gunzip.destroy(err));
    stream = src.pipe(gunzip);
  }
  try {
    yield* linesOf(stream);
  } finally {
    src.destroy();
  }
}

export function importOoniFile(path: string, opts: OoniImportOptions = {}): AsyncGenerator<OoniImportResult> {
  return importOoni(readJsonlLines(path), opts);
}
