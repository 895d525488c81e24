/** The registry of NetTests by target kind. */
import type { NetTest } from '../context.ts';
import type { TargetKind } from '../target.ts';
import { vpnTests } from '../vpn/index.ts';
import { dnsTest } from './dns.ts';
import { tcpTest } from './tcp.ts';
import { webTest } from './web.ts';

const registry: Partial<Record<TargetKind, NetTest>> = {};

export function registerTest(kind: TargetKind, test: NetTest): void {
  registry[kind] = test;
}

export function testFor(kind: TargetKind): NetTest {
  const t = registry[kind];
  if (!t) throw new Error(`no test for target kind "${kind}"`);
  return t;
}

export function registeredKinds(): TargetKind[] {
  return Object.keys(registry) as TargetKind[];
}

registerTest('web', webTest);
registerTest('tcp', tcpTest);
registerTest('dns', dnsTest);
for (const [kind, test] of Object.entries(vpnTests)) registerTest(kind as TargetKind, test);
