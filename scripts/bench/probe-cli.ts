/**
 * The probe benchmark's run of the probe CLI itself, bundled: `raabta probe run --once` in the lab's probe
 * namespace on a suite file of the benchmark's targets — outbox writes and progress lines included, no upload,
 * every measurement also on stdout (`--output -`) for the verdict check. Figures are of the whole process,
 * start-up included: wall, CPU (/proc), peak RSS sampled from /proc every 50 ms and the kernel's high-water
 * mark (VmHWM), which also catches a peak between two samples.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { type LabState, spawn as nsSpawn } from '../lab/index.ts';
import { BENCH_ROOT, cpuSeconds } from './procs.ts';

export interface CliRun {
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
  max_rss_mib: number;
  measurements: Measurement[];
}

export async function runProbeCli(
  state: LabState,
  dir: string,
  cliBundle: string,
  inputs: string[],
  nodeFlags: string[] = [],
): Promise<CliRun> {
  const suite = join(dir, 'cli-suite.json');
  const targets = inputs.map((input) => ({ input, category_code: 'NEWS' }));
  writeFileSync(suite, JSON.stringify({ name: 'bench', targets }));
  const data = mkdtempSync(join(dir, 'cli-data-'));
  const options = {
    '--suite': suite,
    '--allow': state.allowList,
    '--ca': state.caCert,
    '--resolver': state.resolver,
    '--data-dir': data,
    '--output': '-',
    '--log-level': 'warn',
  };
  const argv = [
    process.execPath,
    ...nodeFlags,
    cliBundle,
    ...['probe', 'run', '--once', '--no-upload', '--accept'],
    ...Object.entries(options).flat(),
  ];
  const t0 = performance.now();
  const child = nsSpawn(state.namespaces.probe, argv, {
    cwd: BENCH_ROOT,
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(dir, 'no-config'),
      RAABTA_ALLOW: undefined,
      RAABTA_DATA_DIR: undefined,
    },
  });
  let out = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let peak = 0;
  let hwm = 0;
  let cpu = 0;
  // `ip netns exec` becomes node (exec): the pid is the probe's once its name reads node
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      if (!/^Name:\s+node$/m.test(status)) return;
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      cpu = cpuSeconds(child.pid ?? 0);
    } catch {
      // exited between two samples
    }
  };
  const timer = setInterval(sample, 50);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`raabta probe run --once exited ${code}: ${stderr}`);
  const measurements = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Measurement);
  return {
    wall_s: (performance.now() - t0) / 1000,
    cpu_s: cpu,
    peak_rss_mib: Math.round((peak / 1024) * 10) / 10,
    max_rss_mib: Math.round((hwm / 1024) * 10) / 10,
    measurements,
  };
}
