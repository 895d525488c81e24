/**
 * The probe's V8 settings are set at run time (v8.setFlagsFromString), after V8 started: this checks that V8
 * still honours them then, in a child node process with V8's test natives, comparing a hot function's
 * optimisation status without and with applyMemorySettings().
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

const settings = new URL('../../probe/memory-settings.ts', import.meta.url).pathname;

// plain JavaScript (V8's %-natives are not TypeScript), written at test time
const SCRIPT = `
if (process.argv[2] === 'apply') {
  const { applyMemorySettings } = await import(${JSON.stringify(settings)});
  applyMemorySettings();
}
function hot(a, b) { return a * b + 1; }
%PrepareFunctionForOptimization(hot);
hot(1, 2);
hot(3, 4);
%OptimizeFunctionOnNextCall(hot);
hot(5, 6);
process.stdout.write(String(%GetOptimizationStatus(hot)));
`;

const TURBOFANNED = 1 << 6;

function status(mode: 'default' | 'apply'): number {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-v8-'));
  try {
    const file = join(dir, 'hot.mjs');
    writeFileSync(file, SCRIPT);
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', file, mode], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
    return Number(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('after applyMemorySettings() at run time V8 no longer optimises hot functions with TurboFan', (t) => {
  t.truthy(status('default') & TURBOFANNED, 'without the settings the function is TurboFan code');
  t.falsy(status('apply') & TURBOFANNED, 'with them it stays unoptimised');
});
