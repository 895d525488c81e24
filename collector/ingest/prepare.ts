/**
 * Everything CPU-bound about an upload, as one pure function (run in worker threads, see pool.ts):
 * inflate with a size limit, check UTF-8 and JSON, validate each measurement against the published schema,
 * scrub the caller's address, locate each measurement's exact bytes, and score it centrally.
 * The signature has already been checked on the main thread (it needs the probe's registered key).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { UploadItemResult } from '../../schemas/src/api.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { PreparedBatch, PreparedMeasurement, VerdictRecord } from '../storage/types.ts';
import type { Analyzer } from './analyze.ts';
import { parseBatchFast } from './batch-parse.ts';
import { measurementSpans, type Span } from './batch-scan.ts';
import { checkBatchShape, checkItem } from './item-checks.ts';
import { mayContain, SCRUBBED, scrubPattern } from './scrub.ts';
import { validateFast } from './validator.ts';

export interface PrepareInput {
  body: Uint8Array;
  encoding: 'gzip' | 'identity';
  signature: Uint8Array | null;
  /** the authenticated probe id (from the header whose key verified the signature) */
  probe_id: string;
  caller_ips: string[];
  received_ms: number;
  max_decompressed_bytes: number;
}

export type PrepareResult =
  | { ok: true; batch: PreparedBatch; scrubbed: boolean }
  | { ok: false; status: 400 | 413; code: string; message: string; results?: UploadItemResult[] };

function fail(status: 400 | 413, code: string, message: string): PrepareResult {
  return { ok: false, status, code, message };
}

function inflate(input: PrepareInput): Buffer | PrepareResult {
  const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  if (input.encoding === 'identity') {
    return body.length > input.max_decompressed_bytes
      ? fail(413, 'decompressed_too_large', `body: larger than ${input.max_decompressed_bytes} bytes`)
      : body;
  }
  try {
    return gunzipSync(body, { maxOutputLength: input.max_decompressed_bytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      return fail(
        413,
        'decompressed_too_large',
        `body: inflates to more than ${input.max_decompressed_bytes} bytes (limit); nothing was stored`,
      );
    }
    return fail(
      400,
      'bad_gzip',
      `body: Content-Encoding is gzip but the body is not valid gzip (${e.message})`,
    );
  }
}

function parse(text: Buffer): { value: unknown; spans: Span[] | null } | PrepareResult {
  // pure ASCII (the usual case) is valid UTF-8 and decodes ~3× faster as latin1 (same characters)
  const ascii = isAscii(text);
  if (!ascii && !isUtf8(text)) return fail(400, 'bad_utf8', 'body: not valid UTF-8');
  // the usual envelope: one measurement at a time, spans included (batch-parse.ts); else the whole body
  const fast = parseBatchFast(text, ascii);
  if (fast) return { value: { probe_id: fast.probe_id, measurements: fast.measurements }, spans: fast.spans };
  let value: unknown;
  try {
    value = JSON.parse(text.toString(ascii ? 'latin1' : 'utf8'));
  } catch (err) {
    return fail(400, 'bad_json', `body: invalid JSON (${(err as Error).message})`);
  }
  return { value, spans: measurementSpans(text) };
}

function startMs(t: string): number {
  return Date.parse(`${t.replace(' ', 'T')}Z`);
}

export function prepareBatch(input: PrepareInput, analyze: Analyzer, nowMs: number): PrepareResult {
  let text = inflate(input);
  if (!Buffer.isBuffer(text)) return text;
  let parsed = parse(text);
  if ('ok' in parsed) return parsed;
  const shape = checkBatchShape(parsed.value, input.probe_id);
  if (shape) return shape;
  let items = (parsed.value as { measurements: unknown[] }).measurements;

  const results: UploadItemResult[] = [];
  let rejected = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as { measurement_uid?: unknown };
    const uid = item && typeof item.measurement_uid === 'string' ? item.measurement_uid : null;
    const v = validateFast(item);
    const reason = v.ok ? checkItem(v.value, input.probe_id, nowMs) : v.error;
    if (reason) rejected++;
    results.push(
      reason
        ? { measurement_uid: uid, index: i, status: 'rejected', reason }
        : { measurement_uid: uid, index: i, status: 'not_stored' },
    );
  }
  if (rejected) {
    return {
      ok: false,
      status: 400,
      code: 'invalid_measurements',
      message: `${rejected} of ${items.length} measurements are invalid (see results); nothing was stored`,
      results,
    };
  }

  let scrubbed = false;
  if (mayContain(text, input.caller_ips)) {
    const pattern = scrubPattern(input.caller_ips);
    const before = text.toString('utf8');
    const after = pattern ? before.replace(pattern, SCRUBBED) : before;
    if (after !== before) {
      scrubbed = true;
      text = Buffer.from(after, 'utf8');
      parsed = parse(text);
      if ('ok' in parsed) return parsed;
      items = (parsed.value as { measurements: unknown[] }).measurements;
    }
  }
  const spans = parsed.spans;
  if (!spans || spans.length !== items.length) {
    return fail(400, 'invalid_batch', 'measurements: could not locate each measurement in the body');
  }

  const measurements: PreparedMeasurement[] = items.map((raw, i) => {
    const m = raw as Measurement;
    // only the current verdict travels on (storage keeps no other; the probe's stays in the raw bytes)
    const pv = m.raabta.verdict;
    const cv = analyze(m);
    const verdicts: VerdictRecord[] = cv
      ? [cv]
      : pv
        ? [
            {
              source: 'probe',
              analysis_version: pv.analysis_version,
              status: pv.status,
              method: pv.method,
              confidence: pv.confidence,
              reason: pv.reason,
              evidence: pv.evidence,
            },
          ]
        : [];
    return {
      uid: m.measurement_uid,
      start_ms: startMs(m.measurement_start_time),
      offset: spans[i].offset,
      length: spans[i].length,
      probe_asn: m.probe_asn,
      probe_cc: m.probe_cc,
      network_name: m.probe_network_name,
      test_name: m.test_name,
      input: m.input,
      target_group: m.raabta.target_group,
      simulated: m.annotations.simulated === 'true',
      verdicts,
      current: cv ? 'collector' : pv ? 'probe' : null,
    };
  });
  const keepAsSent = input.encoding === 'gzip' && !scrubbed;
  return {
    ok: true,
    scrubbed,
    batch: {
      probe_id: input.probe_id,
      received_ms: input.received_ms,
      gzip: keepAsSent ? input.body : gzipSync(text, { level: 1 }),
      signature: keepAsSent ? input.signature : null,
      measurements,
    },
  };
}
