/**
 * `npm run bench -- --quick` keeps the benchmarks from rotting: it runs every benchmark at small sizes and
 * this test checks what they report — each one completed, with finite figures, a baseline measured in the same
 * run and a ratio, and the JSON file was written. Never timings: these machines are shared and noisy.
 * The probe benchmark needs root and the censor lab (it waits for the machine-wide lab lock); without root it
 * is skipped (`--skip-lab`) and the test says so.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { benchmarks } from '../../scripts/bench/benchmarks.ts';

interface Written {
  name: string;
  parameters: Record<string, unknown>;
  figures: Record<string, unknown>;
  baseline: Record<string, unknown>;
  ratio: unknown;
  ratioLabel: string;
  targets: { label: string; met: boolean }[];
  machine: { cores: number; node: string };
  date: string;
}

const root = new URL('../../', import.meta.url).pathname;

test('npm run bench -- --quick: every benchmark reports finite figures, a baseline and a ratio', async (t) => {
  t.timeout(30 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'raabta-bench-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'quick.json');
  const root_ = process.getuid?.() === 0;
  const args = ['--import', 'tsx', 'scripts/bench/run.ts', '--quick', '--out', out];
  if (!root_) {
    args.push('--skip-lab');
    t.log('not root: the probe benchmark (censor lab) is skipped');
  }
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  t.is(code, 0, output.slice(-4000));

  const written = JSON.parse(readFileSync(out, 'utf8')) as Written[];
  const expected = benchmarks.filter((b) => root_ || !b.needsLab).map((b) => b.name);
  t.deepEqual(
    written.map((r) => r.name),
    expected,
    'one result per benchmark, in order',
  );
  for (const r of written) {
    const finite = (o: Record<string, unknown>) =>
      Object.entries(o).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
    t.true(Object.keys(r.figures).length > 0, `${r.name}: has figures`);
    t.deepEqual(finite(r.figures), [], `${r.name}: every figure is a finite number`);
    t.true(Object.keys(r.baseline).length > 0, `${r.name}: has a baseline from the same run`);
    t.deepEqual(finite(r.baseline), [], `${r.name}: every baseline figure is a finite number`);
    t.true(
      r.ratio === null || (typeof r.ratio === 'number' && Number.isFinite(r.ratio) && r.ratio > 0),
      `${r.name}: ratio ${r.ratio}`,
    );
    t.true(r.ratioLabel.length > 0);
    t.true(Array.isArray(r.targets) && r.targets.every((x) => typeof x.met === 'boolean'));
    t.true(r.machine.cores > 0 && r.machine.node.startsWith('v'), `${r.name}: machine info`);
    t.false(Number.isNaN(Date.parse(r.date)), `${r.name}: date`);
  }
  // the ratio is the headline: only the detection benchmark may lack one (while collector/detect is absent)
  for (const r of written.filter((x) => x.ratio === null)) t.is(r.name, 'detection');
  // the probe benchmark, when it ran, measured every target in both runs
  const probe = written.find((r) => r.name === 'probe');
  if (probe) t.is(probe.figures.measured, probe.parameters.targets);
});
