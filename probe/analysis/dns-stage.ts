/**
 * DNS stage: the probe's answers (system resolver and direct UDP queries) for the target host against the
 * control's. Strong evidence ends the analysis (a known blocking IP, a bogon answer in a range the
 * control's answers are not in, a failure where the control resolves and the canary name resolves);
 * mere disagreement is "weak" and left for later stages to confirm or clear (CDNs answer differently
 * in different places: a valid certificate for the name from that address clears it).
 */
import type { Measurement } from '../../schemas/src/measurement.ts';
import { matchDnsAnswer } from '../fingerprints/match.ts';
import { bogonRange, DEFAULT_BOGONS } from './bogons.ts';
import type { ControlView } from './control.ts';
import { engines, failureOutcome } from './dns-failure.ts';
import { addressesOf, at, CONTROL, ipOfAddress, list, PROBE, sameHost } from './trace-view.ts';
import { capForControl, type Finding, finding } from './verdict.ts';

export interface DnsStageOptions {
  host: string;
  probeCc: string;
  bogons?: readonly string[];
}

export type DnsOutcome =
  | { kind: 'skip'; note: string }
  | { kind: 'consistent'; evidence: string[] }
  | { kind: 'weak'; reason: string; evidence: string[] }
  | { kind: 'final'; finding: Finding };

function validatedByTls(m: Measurement, host: string, addrs: string[]): boolean {
  return m.test_keys.tls_handshakes.some(
    (h) =>
      sameHost(h.server_name, host) &&
      h.verified &&
      h.failure === null &&
      addrs.includes(ipOfAddress(h.address)),
  );
}

export function dnsStage(m: Measurement, opts: DnsStageOptions, control: ControlView): DnsOutcome {
  const { host } = opts;
  const all = at(m.test_keys.queries, `${PROBE}/queries`);
  const mine = all.filter((q) => sameHost(q.item.hostname, host));
  if (mine.length === 0) return { kind: 'skip', note: 'no DNS lookup (IP address input)' };
  const guard = mine.find((q) => q.item.failure === 'destination_not_allowed');
  if (guard) {
    const f = finding(
      'error',
      null,
      0.95,
      `the probe's own destination guard refused the resolver ${guard.item.resolver_address}: a configuration problem of the probe, never evidence of blocking`,
      [guard.ptr],
    );
    return { kind: 'final', finding: f };
  }
  const probe = engines(mine);
  const canary = all.filter((q) => !sameHost(q.item.hostname, host));
  const c = control.control;
  const controlQ = c
    ? at(c.queries, `${CONTROL}/queries`).filter((q) => sameHost(q.item.hostname, host))
    : [];
  if (probe.every((e) => e.addrs.length === 0)) return failureOutcome(host, probe, canary, controlQ, control);

  for (const e of probe) {
    for (const ip of e.addrs) {
      const sig = matchDnsAnswer(ip);
      if (!sig) continue;
      const f = finding(
        'blocked',
        'dns',
        sig.cc.includes(opts.probeCc) || opts.probeCc === 'ZZ' ? 0.99 : 0.9,
        `${e.name} answered ${ip} for ${host}: a known blocking address (${sig.id}, ${sig.source})`,
        e.ptrs,
      );
      return { kind: 'final', finding: capForControl(f, control) };
    }
  }
  const controlAddrs = [...new Set(controlQ.flatMap((q) => addressesOf(q.item)))];
  if (control.state !== 'ok' || controlAddrs.length === 0) {
    return {
      kind: 'skip',
      note:
        control.state !== 'ok'
          ? control.reason
          : 'the control did not resolve the name, so the answers were not compared',
    };
  }
  const controlPtrs = controlQ.filter((q) => addressesOf(q.item).length).map((q) => q.ptr);
  const bogons = opts.bogons ?? DEFAULT_BOGONS;
  for (const e of probe) {
    for (const ip of e.addrs) {
      const range = bogonRange(ip, bogons);
      if (range && !controlAddrs.some((a) => bogonRange(a, [range]))) {
        const f = finding(
          'blocked',
          'dns',
          0.9,
          `${e.name} answered ${ip} for ${host}, an address in the special-purpose range ${range}; the control's answers (${list(controlAddrs)}) are not in that range`,
          [...e.ptrs, ...controlPtrs],
        );
        return { kind: 'final', finding: f };
      }
    }
  }
  const resolved = probe.filter((e) => e.addrs.length > 0);
  const nx = probe.find((e) => e.addrs.length === 0 && e.failure === 'dns_nxdomain_error');
  if (nx) {
    const f = finding(
      'blocked',
      'dns',
      0.7,
      `${nx.name} says ${host} does not exist (NXDOMAIN) while ${resolved.map((e) => e.name).join(' and ')} and the control resolve it (${list(controlAddrs)})`,
      [...nx.ptrs, ...controlPtrs],
    );
    return { kind: 'final', finding: f };
  }
  const controlAsns = new Set(controlQ.flatMap((q) => q.item.answers.flatMap((a) => (a.asn ? [a.asn] : []))));
  const inconsistent = resolved.filter((e) => {
    if (e.addrs.some((a) => controlAddrs.includes(a))) return false;
    const asns = mine.flatMap((q) => q.item.answers.flatMap((a) => (a.asn ? [a.asn] : [])));
    if (asns.some((a) => controlAsns.has(a))) return false;
    return !validatedByTls(m, host, e.addrs);
  });
  if (inconsistent.length === 0)
    return { kind: 'consistent', evidence: [...mine.map((q) => q.ptr), ...controlPtrs] };
  const what = inconsistent.map((e) => `${e.name} answered ${list([...new Set(e.addrs)])}`).join('; ');
  return {
    kind: 'weak',
    reason: `${what} for ${host}, none of which the control saw (control: ${list(controlAddrs)}) and no address there served a valid certificate for the name`,
    evidence: [...inconsistent.flatMap((e) => e.ptrs), ...controlPtrs],
  };
}
