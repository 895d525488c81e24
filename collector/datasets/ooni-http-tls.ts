/**
 * OONI df-006 TLS handshakes and df-001 HTTP transactions → format v1. OONI lists HTTP transactions newest
 * first (ts-017); format v1 lists hops in time order, so the list is reversed. Bodies may be strings or
 * `{format: "base64", data}`: both are decoded to bytes, hashed (`body_sha256`), measured (`body_length`),
 * kept as text when they are text (else `body: null`), and the `<title>` is extracted, as the probe does.
 */

import { decodeText, extractTitle, sha256Hex } from '../../probe/steps/body.ts';
import { summarize } from '../../probe/steps/certs.ts';
import type { HttpRequest, TlsHandshake } from '../../schemas/src/steps.ts';
import { timing } from './ooni-traces.ts';
import {
  arr,
  bool,
  capped,
  clip,
  clipOrNull,
  type ImportNotes,
  mapFailure,
  num,
  obj,
  str,
} from './ooni-values.ts';

const MAX_BODY = 200_000;

export function mapTlsHandshakes(v: unknown, notes: ImportNotes): TlsHandshake[] {
  const out: TlsHandshake[] = [];
  for (const raw of arr(v)) {
    const h = obj(raw);
    if (str(h.network) && h.network !== 'tcp') {
      notes.add(`tls handshake dropped (network ${str(h.network)})`);
      continue;
    }
    const certs = arr(h.peer_certificates)
      .map(obj)
      .filter((c) => c.format === 'base64' && typeof c.data === 'string' && c.data.length <= 65536);
    const kept = capped(certs, 10, 'peer_certificates', notes);
    const failure = mapFailure(h.failure);
    const noVerify = bool(h.no_tls_verify) ?? false;
    out.push({
      ...timing(h),
      network: 'tcp',
      address: clip(str(h.address) ?? '', 80),
      server_name: clip(str(h.server_name) ?? '', 255),
      alpn: arr(h.alpn)
        .filter((a): a is string => typeof a === 'string')
        .slice(0, 8)
        .map((a) => clip(a, 32)),
      no_tls_verify: noVerify,
      tls_version: clipOrNull(h.tls_version, 32),
      cipher_suite: clipOrNull(h.cipher_suite, 128),
      negotiated_protocol: clipOrNull(h.negotiated_protocol, 32),
      peer_certificates: kept.map((c) => ({ format: 'base64' as const, data: c.data as string })),
      certificates: kept.map((c) => summarize(Buffer.from(c.data as string, 'base64'))),
      verified: failure === null && !noVerify,
      verify_error: failure?.startsWith('ssl_') ? failure : null,
      failure,
    });
  }
  return capped(out, 64, 'tls_handshakes', notes);
}

/** A df-001 body (string or base64 object) → bytes, or null when absent. */
function bodyBytes(v: unknown): Buffer | null {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  const o = obj(v);
  if (o.format === 'base64' && typeof o.data === 'string') return Buffer.from(o.data, 'base64');
  return null;
}

function bodyText(bytes: Buffer | null): { text: string | null; cut: boolean } {
  const text = bytes ? decodeText(bytes, Number.POSITIVE_INFINITY) : null;
  if (text === null || text.length <= MAX_BODY) return { text, cut: false };
  return { text: clip(text, MAX_BODY), cut: true };
}

function headerValue(v: unknown): string {
  if (typeof v === 'string') return v;
  const b = bodyBytes(v);
  return b ? b.toString('latin1') : String(v ?? '');
}

/** `headers_list` when present, else built from the older `headers` map (values string or string[]). */
function headers(part: Record<string, unknown>, notes: ImportNotes): [string, string][] {
  let list: [string, string][];
  if (Array.isArray(part.headers_list)) {
    list = part.headers_list
      .filter((p) => Array.isArray(p) && p.length >= 2)
      .map((p) => [String(p[0]), headerValue(p[1])]);
  } else {
    list = Object.entries(obj(part.headers)).flatMap(([k, val]) =>
      (Array.isArray(val) ? val : [val]).map((x): [string, string] => [k, headerValue(x)]),
    );
  }
  return capped(list, 200, 'http headers', notes).map(([k, val]) => [clip(k, 8192), clip(val, 8192)]);
}

export function mapRequests(v: unknown, notes: ImportNotes): HttpRequest[] {
  const out: HttpRequest[] = [];
  for (const raw of arr(v)) {
    const r = obj(raw);
    if (str(r.network) && r.network !== 'tcp') {
      notes.add(`http transaction dropped (network ${str(r.network)})`);
      continue;
    }
    const req = obj(r.request);
    const res = obj(r.response);
    const reqBody = bodyText(bodyBytes(req.body));
    const resBytes = bodyBytes(res.body);
    const resBody = bodyText(resBytes);
    const code = Math.trunc(num(res.code) ?? 0);
    out.push({
      ...timing(r),
      network: 'tcp',
      address: clip(str(r.address) ?? '', 80),
      alpn: clipOrNull(r.alpn, 32),
      failure: mapFailure(r.failure),
      request: {
        method: clip(str(req.method) ?? 'GET', 16),
        url: clip(str(req.url) ?? '', 4096),
        headers_list: headers(req, notes),
        body: reqBody.text,
        body_is_truncated: (bool(req.body_is_truncated) ?? false) || reqBody.cut,
      },
      response: {
        code: code >= 0 && code <= 999 ? code : 0,
        headers_list: headers(res, notes),
        body: resBody.text,
        body_is_truncated: (bool(res.body_is_truncated) ?? false) || resBody.cut,
        body_length: resBytes?.length ?? 0,
        body_sha256: resBytes?.length ? sha256Hex(resBytes) : null,
        title: extractTitle(resBody.text),
      },
    });
  }
  return capped(out.reverse(), 32, 'requests', notes);
}
