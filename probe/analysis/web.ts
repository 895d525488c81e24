/**
 * The web verdict (pure, deterministic: the collector re-runs it): DNS → TCP → TLS → HTTP → throughput,
 * each compared with the control. A failure is judged at the step where it happened; strong DNS evidence
 * comes first because every later failure follows from a wrong address.
 */
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';
import { connectStage } from './connect-stage.ts';
import { type ControlView, controlView } from './control.ts';
import { type DnsOutcome, dnsStage } from './dns-stage.ts';
import { httpFailureStage, responseStage } from './http-stage.ts';
import { throughputStage } from './throughput-stage.ts';
import { tlsStage } from './tls-stage.ts';
import { inputHost } from './trace-view.ts';
import { type Finding, finding, toVerdict } from './verdict.ts';

export const WEB_ANALYSIS_VERSION = 'web-1';

export interface AnalysisOptions {
  /** special-purpose ranges for the bogon rule (default: bogons.ts DEFAULT_BOGONS) */
  bogons?: readonly string[];
}

/** Failures that say something about the probe itself, wherever they happen. */
export function probeOwnProblem(m: Measurement): Finding | null {
  const f = m.test_keys.failure;
  if (f === 'destination_not_allowed') {
    return finding(
      'error',
      null,
      0.95,
      `the probe's own destination guard refused a destination (${m.test_keys.failed_operation}): a configuration problem, never evidence of blocking`,
      [],
    );
  }
  if (f === 'interrupted') {
    return finding(
      'inconclusive',
      null,
      0.2,
      `the measurement was interrupted (${m.test_keys.failed_operation}) before it could finish`,
      [],
    );
  }
  return null;
}

function dnsWeakAfterFailure(dns: DnsOutcome, f: Finding): Finding {
  if (dns.kind !== 'weak' || f.status !== 'blocked') return f;
  return finding('blocked', 'dns', 0.6, `${dns.reason}; then ${f.reason}`, [...dns.evidence, ...f.evidence]);
}

export function analyzeWebFinding(
  m: Measurement,
  opts: AnalysisOptions = {},
  control: ControlView = controlView(m),
): Finding {
  const own = probeOwnProblem(m);
  if (own) return own;
  const host = inputHost(m);
  if (!host)
    return finding('error', null, 0.9, `the input "${m.input}" is not a URL the web test can measure`, []);
  const dns = dnsStage(m, { host, probeCc: m.probe_cc, bogons: opts.bogons }, control);
  if (dns.kind === 'final') return dns.finding;
  switch (m.test_keys.failed_operation) {
    case 'resolve': {
      // hop 0 resolved (or its failure was final above): a redirect target's name did not resolve
      const other = lastQueriedHost(m);
      const later =
        other && other !== host
          ? dnsStage(m, { host: other, probeCc: m.probe_cc, bogons: opts.bogons }, control)
          : null;
      if (later?.kind === 'final') return later.finding;
      return finding(
        'inconclusive',
        null,
        0.3,
        `a redirect target did not resolve (${m.test_keys.failure})`,
        [],
      );
    }
    case 'connect':
      return dnsWeakAfterFailure(dns, connectStage(m, host, control));
    case 'tls_handshake':
      return dnsWeakAfterFailure(dns, tlsStage(m, lastTlsHost(m) ?? host, control));
    case 'http_transaction':
      return dnsWeakAfterFailure(dns, httpFailureStage(m, host, control));
    default:
      break;
  }
  const page = responseStage(m, { host, control, dnsWeak: dns.kind === 'weak' ? dns : null });
  if (page.status !== 'ok') return page;
  const tp = throughputStage(m, control);
  if (tp) return tp;
  return page;
}

function lastQueriedHost(m: Measurement): string | null {
  const q = m.test_keys.queries;
  return q.length ? q[q.length - 1].hostname : null;
}

function lastTlsHost(m: Measurement): string | null {
  const primary = m.test_keys.tls_handshakes.filter((h) => !h.no_tls_verify);
  return primary.length ? primary[primary.length - 1].server_name : null;
}

export function analyzeWeb(m: Measurement, opts: AnalysisOptions = {}): Verdict {
  return toVerdict(analyzeWebFinding(m, opts), WEB_ANALYSIS_VERSION);
}
