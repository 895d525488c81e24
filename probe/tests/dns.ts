/** The dns test: one name through the system resolver and the configured resolver (compared with the control). */
import { analyzeDns } from '../analysis/dns.ts';
import type { NetTest } from '../context.ts';
import { resolveHost } from '../steps/resolve.ts';
import { parseDnsInput } from './inputs.ts';

export const dnsTest: NetTest = {
  name: 'dns',
  version: '1.0.0',
  async measure(ctx, target) {
    const host = parseDnsInput(target.input);
    const resolution = await resolveHost(ctx, host, { canary: true });
    if (resolution.failure) ctx.trace.fail(resolution.failure, 'resolve');
  },
  analyze: (m) => analyzeDns(m),
};
