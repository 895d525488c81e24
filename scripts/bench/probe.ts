/**
 * probe (root, censor lab): the probe's runner in rb-probe on N HTTPS targets siteK.bench.lab (wildcard
 * certificate, four origin IPs), some blocked by the censor (every 10th: TLS SNI reset; every 25th: DNS
 * NXDOMAIN). Figures at the probe's default concurrency; baseline: the same run at concurrency 1, one target
 * after another (the way OONI runs its URLs). The control (the collector's view of each target, measured in
 * rb-outside, which never passes the censor) is observed once beforehand, attached to each measurement and the
 * verdict recomputed with the test's own analyze(), as the collector's re-scoring does; every verdict is
 * checked against what the censor does.
 *
 * The default-concurrency run is made three times: with the harness through tsx (TypeScript compiled at load, as
 * `npm run probe` runs), with the harness bundled to JavaScript the way `npm run build:probe` bundles the
 * CLI (scripts/build-probe.ts; what bin/raabta.js runs when dist/ is built), and bundled with the node option
 * the daemon's systemd unit gives (DAEMON_NODE_OPTIONS: a smaller young generation). The harness applies the
 * probe CLI's own V8 settings (probe/memory-settings.ts) in every run. Then the probe CLI itself, bundled, on the
 * same targets (`raabta probe run --once`: outbox, progress lines; probe-cli.ts), without and with that node
 * option: the figures of the program volunteers run, start-up included. Start-up: wall time of
 * `raabta probe --help` through tsx and from the CLI bundle, median of 5 each (3 with --quick; outside the lab).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../probe/config/config.ts';
import { DAEMON_NODE_OPTIONS } from '../../probe/memory-settings.ts';
import type { Target } from '../../probe/target.ts';
import { testFor } from '../../probe/tests/index.ts';
import type { Control, Measurement } from '../../schemas/src/measurement.ts';
import { buildProbe } from '../build-probe.ts';
import {
  acquireLabLock,
  down,
  type LabState,
  spawn as nsSpawn,
  releaseLabLock,
  setCensor,
  up,
} from '../lab/index.ts';
import { runProbeCli } from './probe-cli.ts';
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
  max_rss_mib: number;
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

/** The harness bundled like the CLI (scripts/build-probe.ts), in `dir` with node_modules linked beside it. */
async function bundleHarness(dir: string): Promise<string> {
  symlinkSync(join(BENCH_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const { bundle } = await buildProbe({
    quiet: true,
    outDir: join(dir, 'bundle'),
    entry: join(BENCH_ROOT, 'scripts', 'bench', 'probe-in-ns.ts'),
    outName: 'probe-in-ns.mjs',
  });
  return bundle;
}

async function harness(
  ns: string,
  mode: 'probe' | 'control',
  job: ProbeJob,
  dir: string,
  bundle?: string,
  nodeFlags: string[] = [],
): Promise<Record<string, unknown>[]> {
  const file = join(
    dir,
    `${mode}-${job.concurrency}${bundle ? '-bundle' : ''}${nodeFlags.length ? '-flags' : ''}.json`,
  );
  writeFileSync(file, JSON.stringify(job));
  // bundled: plain `node bundle.mjs` — runJsonChild's `--import tsx` is taken out, so tsx is never loaded
  const script = bundle ?? `${BENCH_ROOT}scripts/bench/probe-in-ns.ts`;
  const plain = (argv: string[]) => {
    const i = argv.findIndex((a, j) => a === '--import' && argv[j + 1] === 'tsx');
    const rest = bundle && i >= 0 ? [...argv.slice(0, i), ...argv.slice(i + 2)] : argv;
    return [rest[0], ...nodeFlags, ...rest.slice(1)];
  };
  return runJsonChild(script, [mode, file], undefined, {
    timeoutMs: 20 * 60_000,
    profile: mode === 'probe',
    wrap: (argv) =>
      nsSpawn(ns, plain(argv), { cwd: BENCH_ROOT, env: { ...process.env, UV_THREADPOOL_SIZE: '16' } }),
  });
}

/** Median wall time (ms) of `raabta probe --help` through tsx and from the CLI bundle, alternating, n each. */
async function startupMs(bundle: string, n: number): Promise<{ tsx: number; bundle: number }> {
  const argv = {
    tsx: ['--import', 'tsx', join(BENCH_ROOT, 'bin', 'cli.ts'), 'probe', '--help'],
    bundle: [bundle, 'probe', '--help'],
  };
  const times: { tsx: number[]; bundle: number[] } = { tsx: [], bundle: [] };
  for (let i = 0; i < n; i++) {
    for (const k of ['tsx', 'bundle'] as const) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, argv[k], { cwd: BENCH_ROOT, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`raabta probe --help (${k}) exited ${r.status}`);
      times[k].push(performance.now() - t0);
    }
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { tsx: median(times.tsx), bundle: median(times.bundle) };
}

/** Each measurement with its control attached, re-analysed and compared with what the censor does. */
function score(ms: Measurement[], controls: Map<string, Control>) {
  const wrong: string[] = [];
  let correct = 0;
  for (const m of ms) {
    m.test_keys.control = controls.get(m.input ?? '') ?? null;
    const v = testFor('web').analyze(m);
    const n = Number(/site(\d+)\./.exec(String(m.input))?.[1]);
    const got = v.status === 'blocked' ? `blocked:${v.method}` : String(v.status);
    if (got === expected(n)) correct++;
    else wrong.push(`${site(n)}: ${got} (expected ${expected(n)})`);
  }
  return { correct, measured: ms.length, wrong };
}

async function runCli(
  state: LabState,
  dir: string,
  cli: string,
  count: number,
  controls: Map<string, Control>,
  nodeFlags: string[] = [],
) {
  const inputs = jobFor(state, count, 1).targets.map((t) => t.input);
  const r = await runProbeCli(state, dir, cli, inputs, nodeFlags);
  return { ...r, ...score(r.measurements, controls) };
}

async function runProbe(
  state: LabState,
  dir: string,
  count: number,
  concurrency: number,
  controls: Map<string, Control>,
  bundle?: string,
  nodeFlags: string[] = [],
): Promise<RunFigures> {
  const job = jobFor(state, count, concurrency);
  const lines = await harness(state.namespaces.probe, 'probe', job, dir, bundle, nodeFlags);
  const done = lines.find((l) => l.phase === 'done');
  if (!done) throw new Error('probe harness reported no result');
  const { correct, measured, wrong } = score(
    lines.filter((l) => !l.phase).map((l) => l.measurement as Measurement),
    controls,
  );
  return {
    wall_s: Number(done.wall_s),
    cpu_s: Number(done.cpu_s),
    peak_rss_mib: Number(done.peak_rss_mib),
    rss_before_run_mib: Number(done.rss_before_run_mib),
    max_rss_mib: Number(done.max_rss_mib),
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
      const harnessBundle = await bundleHarness(dir);
      const bundled = await runProbe(state, dir, count, concurrency, controls, harnessBundle);
      o.log(
        `concurrency ${concurrency}, bundled: ${bundled.wall_s.toFixed(1)} s, ${bundled.correct}/${count} correct, ` +
          `RSS ${bundled.rss_before_run_mib.toFixed(0)} MiB before, peak ${bundled.peak_rss_mib.toFixed(0)} MiB ` +
          `(tsx: ${fast.rss_before_run_mib.toFixed(0)}, ${fast.peak_rss_mib.toFixed(0)})`,
      );
      const daemonFlags = DAEMON_NODE_OPTIONS.split(' ');
      const daemon = await runProbe(state, dir, count, concurrency, controls, harnessBundle, daemonFlags);
      o.log(
        `concurrency ${concurrency}, bundled, ${DAEMON_NODE_OPTIONS}: ${daemon.wall_s.toFixed(1)} s, ` +
          `${daemon.correct}/${count} correct, peak ${daemon.peak_rss_mib.toFixed(0)} MiB ` +
          `(kernel high-water mark ${daemon.max_rss_mib.toFixed(0)} MiB)`,
      );
      const { bundle: cliBundle } = await buildProbe({ quiet: true, outDir: join(dir, 'cli') });
      const cli = await runCli(state, dir, cliBundle, count, controls);
      const cliDaemon = await runCli(state, dir, cliBundle, count, controls, daemonFlags);
      o.log(
        `probe CLI (bundled, outbox): ${cli.wall_s.toFixed(1)} s, ${cli.correct}/${count} correct, peak ` +
          `${cli.peak_rss_mib.toFixed(0)} MiB (high-water ${cli.max_rss_mib.toFixed(0)}); with ${DAEMON_NODE_OPTIONS}: ` +
          `${cliDaemon.peak_rss_mib.toFixed(0)} MiB (high-water ${cliDaemon.max_rss_mib.toFixed(0)})`,
      );
      const serial = await runProbe(state, dir, count, 1, controls);
      o.log(`concurrency 1: ${serial.wall_s.toFixed(1)} s, ${serial.correct}/${count} correct`);
      const startup = await startupMs(cliBundle, o.quick ? 3 : 5);
      o.log(
        `start-up (probe --help): tsx ${startup.tsx.toFixed(0)} ms, bundle ${startup.bundle.toFixed(0)} ms`,
      );
      const wrong = [
        ...fast.wrong,
        ...bundled.wrong.map((w) => `bundled ${w}`),
        ...daemon.wrong.map((w) => `bundled with ${DAEMON_NODE_OPTIONS} ${w}`),
        ...cli.wrong.map((w) => `CLI ${w}`),
        ...cliDaemon.wrong.map((w) => `CLI with ${DAEMON_NODE_OPTIONS} ${w}`),
        ...serial.wrong,
      ];
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
          daemon_node_options: DAEMON_NODE_OPTIONS,
        },
        figures: {
          wall_s: fast.wall_s,
          targets_per_s: count / fast.wall_s,
          cpu_s: fast.cpu_s,
          peak_rss_mib: fast.peak_rss_mib,
          rss_before_run_mib: fast.rss_before_run_mib,
          verdicts_correct: fast.correct,
          measured: fast.measured,
          bundled_wall_s: bundled.wall_s,
          bundled_cpu_s: bundled.cpu_s,
          bundled_peak_rss_mib: bundled.peak_rss_mib,
          bundled_rss_before_run_mib: bundled.rss_before_run_mib,
          bundled_max_rss_mib: bundled.max_rss_mib,
          bundled_verdicts_correct: bundled.correct,
          bundled_measured: bundled.measured,
          bundled_daemon_wall_s: daemon.wall_s,
          bundled_daemon_cpu_s: daemon.cpu_s,
          bundled_daemon_peak_rss_mib: daemon.peak_rss_mib,
          bundled_daemon_max_rss_mib: daemon.max_rss_mib,
          bundled_daemon_verdicts_correct: daemon.correct,
          bundled_daemon_measured: daemon.measured,
          cli_wall_s: cli.wall_s,
          cli_cpu_s: cli.cpu_s,
          cli_peak_rss_mib: cli.peak_rss_mib,
          cli_max_rss_mib: cli.max_rss_mib,
          cli_verdicts_correct: cli.correct,
          cli_measured: cli.measured,
          cli_daemon_wall_s: cliDaemon.wall_s,
          cli_daemon_cpu_s: cliDaemon.cpu_s,
          cli_daemon_peak_rss_mib: cliDaemon.peak_rss_mib,
          cli_daemon_max_rss_mib: cliDaemon.max_rss_mib,
          cli_daemon_verdicts_correct: cliDaemon.correct,
          startup_ms_tsx: startup.tsx,
          startup_ms_bundle: startup.bundle,
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
          {
            label: 'peak RSS ≤ 120 MB, bundled probe',
            met: bundled.peak_rss_mib <= 120,
            value: bundled.peak_rss_mib,
            target: 120,
          },
          {
            label: `peak RSS ≤ 120 MB, bundled probe with the daemon's ${DAEMON_NODE_OPTIONS}`,
            met: daemon.peak_rss_mib <= 120,
            value: daemon.peak_rss_mib,
            target: 120,
          },
          {
            label:
              'peak RSS ≤ 120 MB, probe CLI (bundled, outbox, start-up included; kernel high-water mark)',
            met: cli.max_rss_mib <= 120,
            value: cli.max_rss_mib,
            target: 120,
          },
          {
            label: `peak RSS ≤ 120 MB, probe CLI with the daemon's ${DAEMON_NODE_OPTIONS} (kernel high-water mark)`,
            met: cliDaemon.max_rss_mib <= 120,
            value: cliDaemon.max_rss_mib,
            target: 120,
          },
          { label: 'every verdict correct', met: wrong.length === 0, value: fast.correct, target: count },
        ],
        notes: [
          'controls observed once in rb-outside before the runs (not in the wall time), attached, verdicts recomputed',
          'peak RSS is sampled every 50 ms during the run; rss_before_run is the process with every module loaded (Node + tsx + probe)',
          'bundled_*: the same default-concurrency run with the harness bundled as npm run build:probe bundles the CLI (no tsx); startup_ms_*: raabta probe --help, median of 5 (3 with --quick), tsx vs the CLI bundle',
          'cli_*: raabta probe run --once (the CLI bundle) on a suite file of the same targets: outbox writes, progress lines, --output - for the verdict check, no upload; whole process from start to exit (cli_daemon_*: with the daemon option)',
          `bundled_daemon_*: the bundled run with node ${DAEMON_NODE_OPTIONS}, the option the systemd unit of probe/README.md gives the daemon; max_rss: the kernel's high-water mark (getrusage), which also catches peaks between two samples`,
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
