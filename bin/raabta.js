#!/usr/bin/env node
// `npx raabta` / global install. The probe runs from the JavaScript bundle dist/raabta-probe.mjs when it is
// there (`npm run build:probe`): no TypeScript compilation at start-up, less memory. Otherwise — and always
// for `raabta collector`, which is not in the bundle, or with RAABTA_TSX=1 — tsx is registered and the
// TypeScript sources run as they are. Both paths run the same main() of bin/cli.ts.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/raabta-probe.mjs', import.meta.url);
process.env.RAABTA_BIN = '1';
if (process.argv[2] !== 'collector' && process.env.RAABTA_TSX !== '1' && existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
