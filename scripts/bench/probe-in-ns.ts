/**
 * The probe benchmark's harness, run inside the lab's rb-probe namespace
 * (`ip netns exec rb-probe node --import tsx scripts/bench/probe-in-ns.ts probe <job.json>`): the probe's runner
 * on the job's targets at the given concurrency, through the guarded dialer. One JSON line per measurement
 * ({measurement}), then {phase:"done", wall_s, cpu_s, peak_rss_mib}. Mode `control` (run in rb-outside, never
 * behind the censor) observes every target as the collector's control does: one {input, control} line each.
 * Memory diagnostics on request: probe-diagnostics.ts.
 */
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import pino from 'pino';
import { systemClock } from '../../probe/context.ts';
import { observeControl } from '../../probe/control.ts';
import { applyMemorySettings } from '../../probe/memory-settings.ts';
import { createDialer } from '../../probe/net/dialer.ts';
import { createGuard } from '../../probe/net/guard.ts';
import { UNKNOWN_NETWORK } from '../../probe/run-test.ts';
import { runTargets } from '../../probe/runner.ts';
import type { Target } from '../../probe/target.ts';
import { rssSampler } from './machine.ts';
import { startDiagnostics } from './probe-diagnostics.ts';

export interface ProbeJob {
  allow: string;
  caCert: string;
  resolver: string;
  stepTimeoutMs: number;
  concurrency: number;
  targets: Target[];
}

// as the probe CLI does when it starts (before any HTTP request)
applyMemorySettings();
const [mode, jobFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ProbeJob;
const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
const dialer = createDialer({
  guard: createGuard(job.allow),
  extraCaPem: [readFileSync(job.caCert, 'utf8')],
  defaultTimeoutMs: job.stepTimeoutMs,
});
const env = {
  dialer,
  clock: systemClock,
  log: pino({ level: 'silent' }),
  settings: { resolver: job.resolver, stepTimeoutMs: job.stepTimeoutMs, bodyCapBytes: 65_536 },
  network: UNKNOWN_NETWORK,
};
if (mode === 'control') {
  const limit = pLimit(job.concurrency);
  await Promise.all(
    job.targets.map((t) =>
      limit(async () => {
        const control = await observeControl(t, { ...env, source: 'lab rb-outside' });
        say({ input: t.input, control });
      }),
    ),
  );
} else {
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const rss = rssSampler(undefined, 50);
  const diagnostics = await startDiagnostics();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runTargets(job.targets, {
    env,
    concurrency: job.concurrency,
    perHost: 1,
    targetTimeoutMs: 60_000,
    blockedSpacingMs: 0,
    keep: false,
    onProgress: (p) => {
      say({ measurement: p.measurement });
    },
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peak = rss.stop();
  const maxRss = process.resourceUsage().maxRSS / 1024;
  // after the figures: a heap snapshot, for one, takes memory of its own
  await diagnostics.stop();
  say({
    phase: 'done',
    wall_s: wall,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_rss_mib: peak,
    rss_before_run_mib: rssBefore,
    max_rss_mib: maxRss,
  });
}
