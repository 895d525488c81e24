/** DNS ops: a c-ares Resolver query (no retries by default) and getaddrinfo (dns.lookup). */
import { lookup, Resolver } from 'node:dns/promises';
import { type AgentRequest, num, str } from './types.ts';

export async function dnsOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const resolver = new Resolver({ timeout: num(req.timeoutMs, 1500), tries: num(req.tries, 1) });
  if (typeof req.server === 'string') resolver.setServers([req.server]);
  const type = str(req.type, 'A');
  const answers = await resolver.resolve(str(req.name), type as 'A');
  return { answers };
}

export async function lookupOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const res = await lookup(str(req.name), { family: 4, all: true });
  return { answers: res.map((r) => r.address) };
}
