/**
 * probe (root, censor lab): the probe's runner in rb-probe on N HTTPS targets siteK.bench.lab (wildcard
 * certificate, four origin IPs), some blocked by the censor (every 10th: TLS SNI reset; every 25th: DNS
 * NXDOMAIN). Figures at the probe's default concurrency; baseline: the same run at concurrency 1, one target
 * after another (the way OONI runs its URLs). The control (the collector's view of each target, measured in
 * rb-outside, which never passes the censor) is observed once beforehand, attached to each measurement and the
 * verdict recomputed with the test's own analyze(), as the collector's re-scoring does; every verdict is
 * checked against what the censor does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../probe/config/config.ts';
import type { Target } from '../../probe/target.ts';
import { testFor } from '../../probe/tests/index.ts';
import type { Control, Measurement } from '../../schemas/src/measurement.ts';
import {
  acquireLabLock,
  down,
  type LabState,
  spawn as nsSpawn,
  releaseLabLock,
  setCensor,
  up,
} from '../lab/index.ts';
import type { ProbeJob } from './probe-in-ns.ts';
import { BENCH_ROOT, runJsonChild } from './procs.ts';
import type { Benchmark, BenchOptions, BenchResult } from './types.ts';

const site = (n: number) => `site${n}.bench.lab`;
const expected = (n: number) => (n % 10 === 0 ? 'blocked:tls' : n % 25 === 0 ? 'blocked:dns' : 'ok');

interface RunFigures {
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
  rss_before_run_mib: number;
  correct: number;
  measured: number;
  wrong: string[];
}

function jobFor(state: LabState, count: number, concurrency: number): ProbeJob {
  const targets: Target[] = Array.from({ length: count }, (_, i) => ({
    input: `https://${site(i + 1)}/`,
    kind: 'web',
    suite: 'bench',
    group: 'bench',
    category_code: null,
  }));
  return {
    allow: state.allowList,
    caCert: state.caCert,
    resolver: state.resolver,
    stepTimeoutMs: 4000,
    concurrency,
    targets,
  };
}

async function harness(
  ns: string,
  mode: 'probe' | 'control',
  job: ProbeJob,
  dir: string,
): Promise<Record<string, unknown>[]> {
  const file = join(dir, `${mode}-${job.concurrency}.json`);
  writeFileSync(file, JSON.stringify(job));
  return runJsonChild(`${BENCH_ROOT}scripts/bench/probe-in-ns.ts`, [mode, file], undefined, {
    timeoutMs: 20 * 60_000,
    profile: mode === 'probe',
    wrap: (argv) => nsSpawn(ns, argv, { cwd: BENCH_ROOT, env: { ...process.env, UV_THREADPOOL_SIZE: '16' } }),
  });
}

async function runProbe(
  state: LabState,
  dir: string,
  count: number,
  concurrency: number,
  controls: Map<string, Control>,
): Promise<RunFigures> {
  const lines = await harness(state.namespaces.probe, 'probe', jobFor(state, count, concurrency), dir);
  const done = lines.find((l) => l.phase === 'done');
  if (!done) throw new Error('probe harness reported no result');
  const wrong: string[] = [];
  let correct = 0;
  let measured = 0;
  for (const l of lines) {
    if (l.phase) continue;
    measured++;
    const m = l.measurement as Measurement;
    m.test_keys.control = controls.get(m.input ?? '') ?? null;
    const v = testFor('web').analyze(m);
    const n = Number(/site(\d+)\./.exec(String(m.input))?.[1]);
    const got = v.status === 'blocked' ? `blocked:${v.method}` : String(v.status);
    if (got === expected(n)) correct++;
    else wrong.push(`${site(n)}: ${got} (expected ${expected(n)})`);
  }
  return {
    wall_s: Number(done.wall_s),
    cpu_s: Number(done.cpu_s),
    peak_rss_mib: Number(done.peak_rss_mib),
    rss_before_run_mib: Number(done.rss_before_run_mib),
    correct,
    measured,
    wrong,
  };
}

export const probe: Benchmark = {
  name: 'probe',
  description: 'probe runner in the censor lab on many siteN.bench.lab targets, default concurrency vs 1',
  needsLab: true,
  async run(o: BenchOptions): Promise<BenchResult> {
    if (process.getuid?.() !== 0) throw new Error('the probe benchmark needs root (the censor lab)');
    const count = o.quick ? 100 : 1000;
    const concurrency = DEFAULTS.concurrency;
    const dir = mkdtempSync(join(tmpdir(), 'raabta-bench-probe-'));
    const blockedTls = Array.from({ length: count }, (_, i) => i + 1).filter(
      (n) => expected(n) === 'blocked:tls',
    );
    const blockedDns = Array.from({ length: count }, (_, i) => i + 1).filter(
      (n) => expected(n) === 'blocked:dns',
    );
    const lock = await acquireLabLock({
      onWait: (pid) => o.log(`waiting for the lab lock held by pid ${pid}`),
    });
    const teardown = () => {
      down();
      releaseLabLock();
    };
    const onSignal = () => {
      teardown();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (lock.waitedMs > 1000) o.log(`waited ${Math.round(lock.waitedMs / 1000)} s for the lab`);
      const state = await up();
      await setCensor('sni-rst', true, blockedTls.map(site));
      await setCensor('dns-nxdomain', true, blockedDns.map(site));
      const controlLines = await harness(state.namespaces.outside, 'control', jobFor(state, count, 8), dir);
      const controls = new Map(controlLines.map((l) => [String(l.input), l.control as Control]));
      const fast = await runProbe(state, dir, count, concurrency, controls);
      o.log(`concurrency ${concurrency}: ${fast.wall_s.toFixed(1)} s, ${fast.correct}/${count} correct`);
      const serial = await runProbe(state, dir, count, 1, controls);
      o.log(`concurrency 1: ${serial.wall_s.toFixed(1)} s, ${serial.correct}/${count} correct`);
      const wrong = [...fast.wrong, ...serial.wrong];
      return {
        name: 'probe',
        parameters: {
          targets: count,
          concurrency,
          baseline_concurrency: 1,
          blocked_sni_rst: blockedTls.length,
          blocked_dns_nxdomain: blockedDns.length,
          step_timeout_ms: 4000,
          per_host: 1,
        },
        figures: {
          wall_s: fast.wall_s,
          targets_per_s: count / fast.wall_s,
          cpu_s: fast.cpu_s,
          peak_rss_mib: fast.peak_rss_mib,
          rss_before_run_mib: fast.rss_before_run_mib,
          verdicts_correct: fast.correct,
          measured: fast.measured,
        },
        baseline: {
          wall_s: serial.wall_s,
          targets_per_s: count / serial.wall_s,
          cpu_s: serial.cpu_s,
          peak_rss_mib: serial.peak_rss_mib,
          verdicts_correct: serial.correct,
        },
        ratio: serial.wall_s / fast.wall_s,
        ratioLabel: 'concurrency 1 wall / default wall (speed-up; higher is better)',
        targets: [
          { label: 'wall ≤ 60 s', met: fast.wall_s <= 60, value: fast.wall_s, target: 60 },
          {
            label: 'peak RSS ≤ 120 MB',
            met: fast.peak_rss_mib <= 120,
            value: fast.peak_rss_mib,
            target: 120,
          },
          { label: 'every verdict correct', met: wrong.length === 0, value: fast.correct, target: count },
        ],
        notes: [
          'controls observed once in rb-outside before the runs (not in the wall time), attached, verdicts recomputed',
          'peak RSS is sampled every 50 ms during the run; rss_before_run is the process with every module loaded (Node + tsx + probe)',
          ...(wrong.length ? [`wrong verdicts: ${wrong.slice(0, 10).join('; ')}`] : []),
        ],
      };
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      teardown();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
