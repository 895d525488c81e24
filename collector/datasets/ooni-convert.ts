/**
 * One OONI measurement (web_connectivity, whatsapp, signal, telegram, tor) → one format v1 measurement that
 * validates against the published schema: the df-000 envelope kept, trace arrays mapped (ooni-traces.ts,
 * ooni-http-tls.ts, ooni-control.ts, ooni-tor.ts), OONI's verdict restated (ooni-verdict.ts), and provenance
 * in `annotations`: `source: "ooni"`, `ooni_measurement_uid`, OONI's scalar test keys as `ooni_<key>`, and
 * `ooni_import_notes` naming anything dropped or changed. Also accepts OONI API wrappers that carry the
 * measurement as a `raw_measurement` string beside `measurement_uid` / `category_code`.
 */
import { createHash } from 'node:crypto';
import {
  FORMAT_VERSION,
  type Measurement,
  OONI_DATA_FORMAT_VERSION,
  type TestKeys,
} from '../../schemas/src/measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { mapWebControl } from './ooni-control.ts';
import { annotationsFor, scrubProbeIp } from './ooni-envelope.ts';
import { mapRequests, mapTlsHandshakes } from './ooni-http-tls.ts';
import { torTraces } from './ooni-tor.ts';
import { mapNetworkEvents, mapQueries, mapTcpConnect } from './ooni-traces.ts';
import { ImportNotes, mapFailedOperation, mapFailure, num, type Obj, obj, str } from './ooni-values.ts';
import { isSupportedOoniTest, ooniVerdict, targetGroupFor } from './ooni-verdict.ts';

export interface OoniImportOptions {
  /** Citizen Lab category code of an input URL, when the line does not carry one (e.g. from test-lists) */
  categoryFor?: (input: string) => string | null;
}

export type ConvertResult = { ok: true; measurement: Measurement } | { ok: false; reason: string };

const UID = /^[A-Za-z0-9._-]{8,128}$/;
const REPORT_ID = /^[A-Za-z0-9._-]{1,128}$/;
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ASN = /^AS\d{1,10}$/;

function unwrap(value: unknown): { m: Obj; meta: Obj } | string {
  const w = obj(value);
  if (typeof w.raw_measurement === 'string') {
    try {
      return { m: obj(JSON.parse(w.raw_measurement)), meta: w };
    } catch (err) {
      return `raw_measurement: invalid JSON (${(err as Error).message})`;
    }
  }
  if (w.raw_measurement && typeof w.raw_measurement === 'object')
    return { m: obj(w.raw_measurement), meta: w };
  return { m: w, meta: {} };
}

function testKeys(testName: string, m: Obj, input: string | null, notes: ImportNotes): TestKeys {
  const tk = obj(m.test_keys);
  const tor = testName === 'tor' ? torTraces(tk, notes) : null;
  const src = tor ? tor.raw : tk;
  let failure = mapFailure(tk.failure);
  let op = mapFailedOperation(tk.failed_operation, failure);
  if (testName === 'web_connectivity' && failure === null) {
    const dns = mapFailure(tk.dns_experiment_failure);
    const http = mapFailure(tk.http_experiment_failure);
    failure = dns ?? http;
    op = dns ? 'resolve' : http ? 'http_transaction' : null;
  }
  return {
    queries: mapQueries(src.queries, notes),
    tcp_connect: mapTcpConnect(src.tcp_connect, notes),
    tls_handshakes: mapTlsHandshakes(src.tls_handshakes, notes),
    requests: mapRequests(src.requests, notes),
    handshakes: tor ? tor.handshakes : [],
    throughput: [],
    network_events: mapNetworkEvents(src.network_events, notes),
    control: testName === 'web_connectivity' ? mapWebControl(tk, input, m.test_helpers, notes) : null,
    failure,
    failed_operation: op as TestKeys['failed_operation'],
  };
}

function derivedUid(m: Obj, start: string, cc: string, testName: string): string {
  const stamp = `${start.replace(/[-:]/g, '').replace(' ', 'T')}Z`;
  const hash = createHash('sha256').update(JSON.stringify(m)).digest('hex').slice(0, 16);
  return `${stamp}_${cc}_ooni_${testName}_${hash}`.slice(0, 128);
}

export function convertOoni(value: unknown, opts: OoniImportOptions = {}): ConvertResult {
  const un = unwrap(value);
  if (typeof un === 'string') return { ok: false, reason: un };
  const notes = new ImportNotes();
  const m = scrubProbeIp(un.m, notes);
  const testName = str(m.test_name) ?? '';
  if (!isSupportedOoniTest(testName)) {
    return {
      ok: false,
      reason: `test_name "${testName}" is not supported (web_connectivity, whatsapp, signal, telegram, tor)`,
    };
  }
  const start = str(m.measurement_start_time) ?? '';
  if (!TIME.test(start))
    return { ok: false, reason: `measurement_start_time "${start}" is not YYYY-MM-DD HH:MM:SS` };
  const cc = /^[A-Z]{2}$/.test(str(m.probe_cc) ?? '') ? (m.probe_cc as string) : 'ZZ';
  const ooniUid = str(un.meta.measurement_uid) ?? str(m.measurement_uid);
  const uid = ooniUid && UID.test(ooniUid) ? ooniUid : derivedUid(m, start, cc, testName);
  const input = typeof m.input === 'string' ? m.input.slice(0, 4096) : null;
  const category =
    str(un.meta.category_code) ??
    str(m.category_code) ??
    (input ? (opts.categoryFor?.(input) ?? null) : null);
  const tk = testKeys(testName, m, input, notes);
  const testVersion = (str(m.test_version) ?? '').slice(0, 32);
  const measurement: Measurement = {
    measurement_uid: uid,
    report_id: REPORT_ID.test(str(m.report_id) ?? '') ? (m.report_id as string) : `ooni_${uid}`.slice(0, 128),
    data_format_version: OONI_DATA_FORMAT_VERSION,
    probe_asn: ASN.test(str(m.probe_asn) ?? '') ? (m.probe_asn as string) : 'AS0',
    probe_cc: cc,
    probe_network_name: str(m.probe_network_name)?.slice(0, 256) ?? null,
    probe_ip: '127.0.0.1',
    resolver_asn: ASN.test(str(m.resolver_asn) ?? '') ? (m.resolver_asn as string) : 'AS0',
    resolver_ip: (str(m.resolver_ip) ?? '').slice(0, 64),
    resolver_network_name: str(m.resolver_network_name)?.slice(0, 256) ?? null,
    software_name: (str(m.software_name) ?? 'ooniprobe').slice(0, 64),
    software_version: (str(m.software_version) ?? '').slice(0, 32),
    test_name: testName,
    test_version: testVersion,
    test_start_time: TIME.test(str(m.test_start_time) ?? '') ? (m.test_start_time as string) : start,
    measurement_start_time: start,
    test_runtime: Math.max(0, num(m.test_runtime) ?? 0),
    input,
    annotations: annotationsFor(m, ooniUid && UID.test(ooniUid) ? ooniUid : null, notes),
    test_keys: tk,
    raabta: {
      format_version: FORMAT_VERSION,
      probe_id: null,
      suite: 'ooni',
      target_group: targetGroupFor(testName, category),
      category_code: category ? category.slice(0, 16) : null,
      verdict: ooniVerdict(testName, obj(m.test_keys), tk, testVersion, start),
      signature: null,
    },
  };
  const v = validateMeasurement(measurement);
  return v.ok
    ? { ok: true, measurement: v.value }
    : { ok: false, reason: `not valid after conversion: ${v.error}` };
}
