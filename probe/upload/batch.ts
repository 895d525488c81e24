/**
 * One signed upload batch: `UploadBatch` JSON, gzip-compressed, signed over the exact bytes sent
 * (`X-Raabta-Signature`, base64 Ed25519) with `X-Raabta-Probe-Id`. See schemas/src/api.ts.
 */
import { gzipSync } from 'node:zlib';
import type { UploadBatch, UploadResponse } from '../../schemas/src/api.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { ProbeKey } from '../identity/keys.ts';
import { apiUrl, parseJson } from './collector-url.ts';
import type { HttpClient } from './http-client.ts';

export interface SignedBatch {
  body: Buffer;
  headers: Record<string, string>;
  uids: string[];
}

export function buildBatch(probeId: string, measurements: Measurement[], key: ProbeKey): SignedBatch {
  const batch: UploadBatch = { probe_id: probeId, measurements };
  const body = gzipSync(Buffer.from(JSON.stringify(batch)));
  return {
    body,
    uids: measurements.map((m) => m.measurement_uid),
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-raabta-probe-id': probeId,
      'x-raabta-signature': key.sign(body),
    },
  };
}

export type BatchOutcome =
  | { kind: 'results'; status: number; response: UploadResponse }
  | { kind: 'http_error'; status: number; code: string | null; message: string };

export async function sendBatch(http: HttpClient, collector: string, b: SignedBatch): Promise<BatchOutcome> {
  const res = await http.request(apiUrl(collector, 'measurements'), {
    method: 'POST',
    headers: b.headers,
    body: b.body,
  });
  const json = parseJson(res) as (UploadResponse & { error?: { code: string; message: string } }) | null;
  if ((res.status === 200 || res.status === 400) && json && Array.isArray(json.results)) {
    return { kind: 'results', status: res.status, response: json };
  }
  return {
    kind: 'http_error',
    status: res.status,
    code: json?.error?.code ?? null,
    message: json?.error?.message ?? res.body.toString('utf8').slice(0, 300),
  };
}
