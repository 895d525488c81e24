/** DNS through the system resolver (getaddrinfo via the guarded dialer), recorded as an OONI df-002 query. */
import { isIP } from 'node:net';
import type { DnsAnswer, DnsQuery } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { stepSettings, withDeadline } from './settings.ts';

export interface SystemLookup {
  addresses: string[];
  query: DnsQuery;
}

export function answersFor(addresses: string[], ttl: number | null = null): DnsAnswer[] {
  return addresses.map((a) =>
    isIP(a) === 6 ? { answer_type: 'AAAA', ipv6: a, ttl } : { answer_type: 'A', ipv4: a, ttl },
  );
}

export async function lookupSystemStep(
  ctx: TestContext,
  hostname: string,
  tx: number,
): Promise<SystemLookup> {
  const { trace } = ctx;
  const settings = stepSettings(ctx.settings);
  const t0 = trace.now();
  let addresses: string[] = [];
  let failure: DnsQuery['failure'] = null;
  try {
    addresses = await withDeadline(ctx.dialer.lookupSystem(hostname), settings.stepTimeoutMs, 'getaddrinfo');
    addresses = [...new Set(addresses)].filter((a) => isIP(a) !== 0);
    if (addresses.length === 0) failure = 'dns_no_answer';
  } catch (err) {
    failure = failureOf(err);
  }
  const query: DnsQuery = {
    transaction_id: tx,
    t0,
    t: trace.now(),
    engine: 'getaddrinfo',
    resolver_address: 'system',
    hostname,
    query_type: 'ANY',
    answers: answersFor(addresses).slice(0, 64),
    rcode: null,
    failure,
  };
  trace.queries.push(query);
  return { addresses, query };
}
