/** The registry of NetTests by target kind (filled in as the tests are written). */
import type { NetTest } from '../context.ts';
import type { TargetKind } from '../target.ts';

const registry: Partial<Record<TargetKind, NetTest>> = {};

export function registerTest(kind: TargetKind, test: NetTest): void {
  registry[kind] = test;
}

export function testFor(kind: TargetKind): NetTest {
  const t = registry[kind];
  if (!t) throw new Error(`no test for target kind "${kind}"`);
  return t;
}
