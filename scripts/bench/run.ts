/**
 * `npm run bench [-- NAME …] [--quick] [--seed N] [--out FILE]`: runs the benchmarks, prints a table and
 * writes one JSON object per benchmark (figures, baseline, ratio, machine, date) to bench/results/latest.json
 * (quick runs write bench/results/quick.json so they never overwrite the full figures). A run of some of
 * them replaces only their entries: the others keep their figures (each entry has its own date).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchmarks } from './benchmarks.ts';
import { machineInfo } from './machine.ts';
import type { BenchResult } from './types.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '2024' },
    out: { type: 'string' },
    'skip-lab': { type: 'boolean', default: false },
  },
});

const unknown = positionals.filter((p) => !benchmarks.some((b) => b.name === p));
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = benchmarks.filter(
  (b) => (positionals.length === 0 || positionals.includes(b.name)) && !(values['skip-lab'] && b.needsLab),
);
const quick = values.quick ?? false;
const seed = Number(values.seed);
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = values.out ?? `${root}bench/results/${quick ? 'quick' : 'latest'}.json`;

const fmt = (n: number) =>
  Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)) : String(n);
const results: (BenchResult & { machine: ReturnType<typeof machineInfo>; date: string; seconds: number })[] =
  [];
let failed = 0;
for (const b of selected) {
  const t0 = performance.now();
  console.log(`\n▶ ${b.name}: ${b.description}${quick ? ' (quick)' : ''}`);
  try {
    const r = await b.run({ quick, seed, log: (l) => console.log(`  ${l}`) });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    results.push({ ...r, machine: machineInfo(), date: new Date().toISOString(), seconds });
    for (const [k, v] of Object.entries(r.figures)) console.log(`  ${k.padEnd(34)} ${fmt(v)}`);
    for (const [k, v] of Object.entries(r.baseline)) console.log(`  baseline ${k.padEnd(25)} ${fmt(v)}`);
    if (r.ratio !== null) console.log(`  ratio ${r.ratioLabel.padEnd(28)} ${fmt(r.ratio)}`);
    for (const t of r.targets)
      console.log(`  target ${t.label}: ${t.met ? 'met' : 'NOT met'} (${fmt(t.value)})`);
    for (const n of r.notes) console.log(`  note: ${n}`);
  } catch (err) {
    failed++;
    console.error(`  ${b.name} failed: ${(err as Error).stack ?? err}`);
  }
}

console.log('\nbenchmark      ratio                              targets');
for (const r of results) {
  const ratio = r.ratio === null ? '-' : `${fmt(r.ratio)} (${r.ratioLabel})`;
  const met = r.targets.map((t) => `${t.label}:${t.met ? 'ok' : 'MISSED'}`).join(' ');
  console.log(`${r.name.padEnd(14)} ${ratio.padEnd(34)} ${met}`);
}
/** Entries of benchmarks not run this time, kept from the file (canonical order); unreadable file: none. */
function kept(): typeof results {
  if (!existsSync(out)) return [];
  try {
    const old = JSON.parse(readFileSync(out, 'utf8')) as typeof results;
    return Array.isArray(old) ? old.filter((r) => !results.some((n) => n.name === r.name)) : [];
  } catch {
    return [];
  }
}
const order = (name: string) => benchmarks.findIndex((b) => b.name === name);
const merged = [...kept(), ...results].sort((a, b) => order(a.name) - order(b.name));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`\nwrote ${out}`);
process.exit(failed ? 1 : 0);
