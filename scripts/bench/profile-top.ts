/**
 * Summarises V8 CPU profiles (`BENCH_CPU_PROF=DIR npm run bench -- <name> --quick`):
 *   tsx scripts/bench/profile-top.ts DIR/*.cpuprofile [--top 25]
 * Self time per function (name, file:line), and per file, as shares of the sampled time.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const top = Number(values.top);
for (const file of positionals) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
  const hits = new Map<number, number>();
  for (const s of prof.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const total = prof.samples.length;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of prof.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (!h) continue;
    const url = n.callFrame.url.replace(
      /^file:\/\/.*?\/(node_modules|collector|probe|schemas|scripts)\//,
      '$1/',
    );
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + h);
    const f = url || `(${n.callFrame.functionName})`;
    byFile.set(f, (byFile.get(f) ?? 0) + h);
  }
  const show = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  process.stdout.write(
    `${file}: ${total} samples\nby function (self):\n${show(byFn)}\nby file:\n${show(byFile)}\n`,
  );
}
