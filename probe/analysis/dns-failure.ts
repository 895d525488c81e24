/** DNS stage helpers: the probe's answers grouped by resolver, and the verdict when the name did not resolve. */
import type { DnsQuery } from '../../schemas/src/steps.ts';
import type { ControlView } from './control.ts';
import type { DnsOutcome } from './dns-stage.ts';
import { type At, addressesOf, list } from './trace-view.ts';
import { capForControl, finding } from './verdict.ts';

export interface EngineView {
  name: string;
  addrs: string[];
  failure: DnsQuery['failure'];
  ptrs: string[];
}

export function engines(queries: At<DnsQuery>[]): EngineView[] {
  const byName = new Map<string, EngineView>();
  for (const { item: q, ptr } of queries) {
    const name = q.engine === 'getaddrinfo' ? 'the system resolver' : `resolver ${q.resolver_address}`;
    const e = byName.get(name) ?? { name, addrs: [], failure: null, ptrs: [] };
    e.addrs.push(...addressesOf(q));
    e.ptrs.push(ptr);
    // the failure that explains an empty answer: getaddrinfo's, or the A query's (AAAA may well be empty)
    if (q.failure && (q.engine === 'getaddrinfo' || q.query_type === 'A')) e.failure ??= q.failure;
    byName.set(name, e);
  }
  return [...byName.values()];
}

const FAILURE_CONFIDENCE: Record<string, number> = { dns_nxdomain_error: 0.85, generic_timeout_error: 0.8 };

export function failureOutcome(
  host: string,
  probe: EngineView[],
  canary: At<DnsQuery>[],
  controlAddrs: At<DnsQuery>[],
  control: ControlView,
): DnsOutcome {
  const failures = probe.map((e) => `${e.name}: ${e.failure ?? 'no answer'}`);
  const evidence = probe.flatMap((e) => e.ptrs);
  const canaryAnswered = canary.some((c) => addressesOf(c.item).length > 0);
  if (canary.length > 0 && !canaryAnswered) {
    const name = canary[0].item.hostname;
    return {
      kind: 'final',
      finding: finding(
        'error',
        null,
        0.9,
        `${host} did not resolve (${list(failures)}) and neither did the canary name ${name} (${canary[0].item.failure}): the probe's resolver or network is not working, which is not evidence about ${host}`,
        [...evidence, ...canary.map((c) => c.ptr)],
      ),
    };
  }
  const primary = probe.find((e) => e.failure)?.failure ?? 'dns_no_answer';
  const controlResolved = controlAddrs.filter((c) => addressesOf(c.item).length > 0);
  if (control.state !== 'ok') {
    const f = finding('inconclusive', null, 0.3, `${host} did not resolve (${list(failures)})`, evidence);
    return { kind: 'final', finding: capForControl(f, control) };
  }
  if (controlResolved.length > 0) {
    const addrs = [...new Set(controlResolved.flatMap((c) => addressesOf(c.item)))];
    const conf = (FAILURE_CONFIDENCE[primary] ?? 0.75) + (canaryAnswered ? 0.05 : 0);
    const canaryNote = canaryAnswered ? `; the same resolver answered for ${canary[0].item.hostname}` : '';
    return {
      kind: 'final',
      finding: finding(
        'blocked',
        'dns',
        conf,
        `${host} did not resolve on the probe's network (${list(failures)})${canaryNote}; the control resolved it to ${list(addrs)}`,
        [
          ...evidence,
          ...canary.filter((c) => addressesOf(c.item).length).map((c) => c.ptr),
          ...controlResolved.map((c) => c.ptr),
        ],
      ),
    };
  }
  if (controlAddrs.length > 0) {
    const why = controlAddrs.find((c) => c.item.failure)?.item.failure ?? 'no answer';
    return {
      kind: 'final',
      finding: finding(
        'down',
        null,
        0.8,
        `${host} does not resolve from the control either (probe: ${list(failures)}; control: ${why}): the name itself is not resolvable, not blocked`,
        [...evidence, ...controlAddrs.map((c) => c.ptr)],
      ),
    };
  }
  return {
    kind: 'final',
    finding: finding(
      'inconclusive',
      null,
      0.3,
      `${host} did not resolve (${list(failures)}); the control made no DNS observation to compare`,
      evidence,
    ),
  };
}
