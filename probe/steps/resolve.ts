/**
 * Resolution of one host: the system resolver and (when configured) the resolver queried directly over
 * UDP, both recorded. When the name does not resolve, a canary name is resolved the same way, so the
 * analysis can tell "this name is blocked" from "the probe's resolver is not there at all".
 */
import { isIP } from 'node:net';
import type { DnsQuery } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import type { FailureValue } from '../trace.ts';
import { lookupSystemStep } from './dns-system.ts';
import { addressesOf, queryUdpStep } from './dns-udp.ts';
import { stepSettings } from './settings.ts';

export interface Resolution {
  hostname: string;
  /** deduplicated, system resolver's first, bounded by settings.maxAddresses */
  addresses: string[];
  /** null when at least one address came back */
  failure: FailureValue;
  queries: DnsQuery[];
}

async function resolveOnce(ctx: TestContext, hostname: string): Promise<DnsQuery[]> {
  const { resolver } = ctx.settings;
  const tx = ctx.trace.nextTransaction();
  const jobs: Promise<DnsQuery>[] = [lookupSystemStep(ctx, hostname, tx).then((r) => r.query)];
  if (resolver) {
    jobs.push(queryUdpStep(ctx, resolver, hostname, 'A', tx));
    jobs.push(queryUdpStep(ctx, resolver, hostname, 'AAAA', tx));
  }
  return Promise.all(jobs);
}

/** Which failure explains an empty resolution: the system resolver's, else the UDP A query's. */
function resolutionFailure(queries: DnsQuery[]): FailureValue {
  const system = queries.find((q) => q.engine === 'getaddrinfo');
  const udpA = queries.find((q) => q.engine === 'udp' && q.query_type === 'A');
  return system?.failure ?? udpA?.failure ?? 'dns_no_answer';
}

export async function resolveHost(
  ctx: TestContext,
  hostname: string,
  opts: { canary?: boolean } = {},
): Promise<Resolution> {
  const settings = stepSettings(ctx.settings);
  if (isIP(hostname.replace(/^\[|\]$/g, ''))) {
    return { hostname, addresses: [hostname.replace(/^\[|\]$/g, '')], failure: null, queries: [] };
  }
  const queries = await resolveOnce(ctx, hostname);
  const all = queries.flatMap((q) =>
    q.engine === 'getaddrinfo' ? q.answers.flatMap((a) => a.ipv4 ?? a.ipv6 ?? []) : addressesOf(q),
  );
  // IPv4 first: lab and most probe networks are v4-only; v6 addresses are still tried within the bound.
  const unique = [...new Set(all)].sort((a, b) => isIP(a) - isIP(b));
  const addresses = unique.slice(0, settings.maxAddresses);
  const failure = addresses.length ? null : resolutionFailure(queries);
  if (failure && opts.canary && failure !== 'destination_not_allowed' && hostname !== settings.canaryName) {
    await resolveOnce(ctx, settings.canaryName);
  }
  return { hostname, addresses, failure, queries };
}
