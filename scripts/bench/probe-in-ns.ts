/**
 * The probe benchmark's harness, run inside the lab's rb-probe namespace
 * (`ip netns exec rb-probe node --import tsx scripts/bench/probe-in-ns.ts probe <job.json>`): the probe's runner
 * on the job's targets at the given concurrency, through the guarded dialer. One JSON line per measurement
 * ({measurement}), then {phase:"done", wall_s, cpu_s, peak_rss_mib}. Mode `control` (run in rb-outside, never
 * behind the censor) observes every target as the collector's control does: one {input, control} line each.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
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
  // BENCH_MEM_TRACE=FILE: memoryUsage and V8 heap spaces every 200 ms (JSON lines), to see what grows
  const memFile = process.env.BENCH_MEM_TRACE;
  const memLines: string[] = [];
  const memTimer = memFile
    ? setInterval(() => {
        const spaces = Object.fromEntries(
          getHeapSpaceStatistics().map((s) => [
            s.space_name,
            [Math.round(s.space_used_size / 1024), Math.round(s.space_size / 1024)],
          ]),
        );
        memLines.push(JSON.stringify({ t: Math.round(performance.now()), ...process.memoryUsage(), spaces }));
      }, 200)
    : undefined;
  const gcObserver = memFile
    ? new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
          memLines.push(JSON.stringify({ t: Math.round(e.startTime), gc: kind, ms: e.duration }));
        }
      })
    : undefined;
  gcObserver?.observe({ entryTypes: ['gc'] });
  const promotedProf = process.env.BENCH_PROMOTED_PROF;
  const session = promotedProf ? new Session() : undefined;
  session?.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session?.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
    );
  if (session)
    await post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    });
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
  clearInterval(memTimer);
  if (session && promotedProf) {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(promotedProf, JSON.stringify(profile));
  }
  gcObserver?.disconnect();
  if (memFile) writeFileSync(memFile, `${memLines.join('\n')}\n`);
  if (process.env.BENCH_SMAPS) writeFileSync(process.env.BENCH_SMAPS, readFileSync('/proc/self/smaps'));
  if (process.env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
  const cpu = process.cpuUsage(cpu0);
  say({
    phase: 'done',
    wall_s: wall,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_rss_mib: rss.stop(),
    rss_before_run_mib: rssBefore,
    max_rss_mib: process.resourceUsage().maxRSS / 1024,
  });
}
