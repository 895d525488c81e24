/**
 * The dns verdict: the system resolver and the configured resolver against the control. Different answers
 * alone are weak (CDNs answer by location): without ASN data to rule a CDN out they are inconclusive.
 */
import type { Measurement, Verdict } from '../../schemas/src/measurement.ts';
import { controlView } from './control.ts';
import { dnsStage } from './dns-stage.ts';
import { addressesOf, inputHost, list, sameHost } from './trace-view.ts';
import { type Finding, finding, toVerdict } from './verdict.ts';
import { type AnalysisOptions, probeOwnProblem } from './web.ts';

export const DNS_ANALYSIS_VERSION = 'dns-1';

function summary(m: Measurement, host: string): string {
  const parts = m.test_keys.queries
    .filter((q) => sameHost(q.hostname, host))
    .map((q) => {
      const who = q.engine === 'getaddrinfo' ? 'system resolver' : `${q.resolver_address} ${q.query_type}`;
      const addrs = addressesOf(q);
      return `${who}: ${addrs.length ? list(addrs) : (q.failure ?? 'no answer')}`;
    });
  return parts.join('; ');
}

export function analyzeDnsFinding(m: Measurement, opts: AnalysisOptions = {}): Finding {
  const own = probeOwnProblem(m);
  if (own) return own;
  const host = inputHost(m);
  if (!host) return finding('error', null, 0.9, `the input "${m.input}" is not a host name`, []);
  const control = controlView(m);
  const dns = dnsStage(m, { host, probeCc: m.probe_cc, bogons: opts.bogons }, control);
  if (dns.kind === 'final') return dns.finding;
  if (dns.kind === 'skip')
    return finding(
      control.state === 'ok' ? 'inconclusive' : 'ok',
      null,
      0.5,
      `${host} resolved (${summary(m, host)}); ${dns.note}`,
      [],
    );
  if (dns.kind === 'consistent')
    return finding(
      'ok',
      null,
      0.9,
      `${host} resolved consistently with the control (${summary(m, host)})`,
      dns.evidence,
    );
  const asnKnown = m.test_keys.queries.some((q) => q.answers.some((a) => a.asn !== undefined));
  if (asnKnown) return finding('blocked', 'dns', 0.6, `${dns.reason}, and no ASN in common`, dns.evidence);
  return finding(
    'inconclusive',
    null,
    0.4,
    `${dns.reason}; without ASN data a CDN answering by location cannot be ruled out`,
    dns.evidence,
  );
}

export function analyzeDns(m: Measurement, opts: AnalysisOptions = {}): Verdict {
  return toVerdict(analyzeDnsFinding(m, opts), DNS_ANALYSIS_VERSION);
}
