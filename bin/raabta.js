#!/usr/bin/env node
// `npx raabta` / global install. The probe runs from the JavaScript bundle dist/raabta-probe.mjs when it is
// there (`npm run build:probe`): no TypeScript compilation at start-up, less memory. Otherwise — and always
// for `raabta collector`, which is not in the bundle, with RAABTA_TSX=1, or when a file the bundle was built
// from (dist/raabta-probe.inputs.json) is newer than it — tsx is registered and the TypeScript sources run as
// they are. Both paths run the same main() of bin/cli.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/raabta-probe.mjs', root);

/** The first source file newer than the bundle (edited or pulled since `npm run build:probe`), if any. */
function newerSource() {
  const built = statSync(bundle).mtimeMs;
  let inputs = [];
  try {
    inputs = JSON.parse(readFileSync(new URL('dist/raabta-probe.inputs.json', root), 'utf8'));
  } catch {
    return null;
  }
  for (const f of inputs) {
    try {
      if (statSync(new URL(f, root)).mtimeMs > built) return f;
    } catch {
      // not shipped next to the bundle (an installed package): nothing to compare
    }
  }
  return null;
}

process.env.RAABTA_BIN = '1';
let useBundle = process.argv[2] !== 'collector' && process.env.RAABTA_TSX !== '1' && existsSync(bundle);
if (useBundle) {
  const stale = newerSource();
  if (stale) {
    process.stderr.write(
      `raabta: ${stale} is newer than dist/raabta-probe.mjs; running the sources (npm run build:probe to rebuild)\n`,
    );
    useBundle = false;
  }
}
if (useBundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
