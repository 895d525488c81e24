/**
 * Generated export items for dataset tests: valid measurements (from the documented example) with varied
 * networks, verdicts and observations, optionally with hostile strings in the free-text fields.
 */

import type { ExportItem, VerdictLike } from '../../../collector/datasets/types.ts';
import { documentedExample, ooniTime } from '../../../collector/testing/sample-measurement.ts';
import type { Measurement } from '../../../schemas/src/measurement.ts';

export const HOSTILE = [
  'He said "hi", then left',
  'line one\nline two\r\nline three',
  "=cmd|' /C calc'!A0",
  '+SUM(1,2)',
  '-2+3',
  '@HYPERLINK("http://203.0.113.9")',
  "'=already quoted",
  '\tTAB first',
  '<script>alert(1)</script>',
  'پاکستان ٹیلی کمیونیکیشن',
  '',
];

const NETWORKS: [string, string][] = [
  ['AS17557', 'Pakistan Telecommunication Company Limited'],
  ['AS45669', 'Pakistan Mobile Communications Limited'],
  ['AS59257', 'China Mobile Pak Limited'],
  ['AS24499', 'Telenor Pakistan (Pvt) Ltd.'],
];

const base = documentedExample();

/** The i-th generated measurement of a day (deterministic). */
export function generated(
  day: string,
  i: number,
  hostile = false,
): { m: Measurement; collector: VerdictLike | null } {
  const m: Measurement = structuredClone(base);
  const start = new Date(Date.parse(`${day}T00:00:00Z`) + ((i * 7) % 86_400) * 1000);
  const [asn, name] = NETWORKS[i % NETWORKS.length];
  m.measurement_uid = `${start.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z_PK_web_${i.toString(16).padStart(16, '0')}`;
  m.measurement_start_time = ooniTime(start);
  m.test_start_time = ooniTime(start);
  m.probe_asn = asn;
  m.probe_network_name = hostile ? HOSTILE[i % HOSTILE.length] : name;
  m.input = hostile
    ? `https://example.org/?q=${encodeURIComponent(HOSTILE[i % HOSTILE.length])}`
    : `https://site${i % 50}.example/`;
  if (i % 3 === 0) m.annotations = { ...m.annotations, simulated: 'true' };
  if (i % 5 === 0) m.raabta.verdict = null;
  if (i % 4 === 1) {
    m.test_keys.requests = [];
    m.test_keys.tls_handshakes = [];
  }
  if (i % 4 === 2) {
    m.test_keys.requests = [
      {
        transaction_id: 3,
        t0: 0.3,
        t: 0.5,
        network: 'tcp',
        address: '198.51.100.10:443',
        alpn: 'h2',
        failure: null,
        request: {
          method: 'GET',
          url: m.input,
          headers_list: [['Host', 'example.org']],
          body: null,
          body_is_truncated: false,
        },
        response: {
          code: i % 8 === 2 ? 200 : 451,
          headers_list: [],
          body: '<title>t</title>',
          body_is_truncated: false,
          body_length: 16,
          body_sha256: null,
          title: 't',
        },
      },
    ];
  }
  if (i % 7 === 2) {
    m.test_keys.throughput = [
      {
        transaction_id: 9,
        t0: 1,
        t: 3,
        url: m.input,
        address: '198.51.100.10:443',
        bytes: 1_048_576,
        duration: 2,
        bytes_per_second: 524_288.5,
        ttfb: 0.2,
        complete: true,
        failure: null,
      },
    ];
  }
  const collector: VerdictLike | null =
    i % 2
      ? {
          status: i % 4 === 1 ? 'ok' : 'blocked',
          method: i % 4 === 1 ? null : 'tls',
          confidence: 0.9,
          analysis_version: 'web-1',
        }
      : null;
  return { m, collector };
}

export function* generateItems(day: string, n: number, hostile = false): Generator<ExportItem> {
  for (let i = 0; i < n; i++) {
    const { m, collector } = generated(day, i, hostile);
    yield { uid: m.measurement_uid, raw: JSON.stringify(m), collector };
  }
}
