/**
 * Memory diagnostics for the probe benchmark's harness (probe-in-ns.ts), each switched on by an environment
 * variable naming the file to write (`BENCH_MEM_TRACE=/tmp/m.jsonl npm run bench -- probe`; every harness run
 * writes the same file, so the last run's stays):
 * - BENCH_MEM_TRACE: process.memoryUsage() and each V8 heap space (used / committed KiB) every 200 ms, and
 *   every GC (kind 1 scavenge, 4 mark-compact, 8 incremental) — what grows, and when it is collected;
 * - BENCH_PROMOTED_PROF: a sampling heap profile (.heapprofile, open in Chrome DevTools) of the objects that
 *   survived young-generation GCs — what ends up in the old space (run it with --max-semi-space-size=1 so
 *   objects still in the young space at the end weigh little);
 * - BENCH_SMAPS: /proc/self/smaps at the end (V8 heap vs malloc arenas vs the node binary);
 * - BENCH_HEAP_SNAPSHOT: a heap snapshot at the end (after a full GC: what is really retained).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

export async function startDiagnostics(env = process.env): Promise<{ stop(): Promise<void> }> {
  const lines: string[] = [];
  const trace = env.BENCH_MEM_TRACE;
  const timer = trace
    ? setInterval(() => {
        const spaces = Object.fromEntries(
          getHeapSpaceStatistics().map((s) => [
            s.space_name,
            [Math.round(s.space_used_size / 1024), Math.round(s.space_size / 1024)],
          ]),
        );
        lines.push(JSON.stringify({ t: Math.round(performance.now()), ...process.memoryUsage(), spaces }));
      }, 200)
    : undefined;
  const gcs = trace
    ? new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
          lines.push(JSON.stringify({ t: Math.round(e.startTime), gc: kind, ms: e.duration }));
        }
      })
    : undefined;
  gcs?.observe({ entryTypes: ['gc'] });
  const promoted = env.BENCH_PROMOTED_PROF;
  const session = promoted ? new Session() : undefined;
  session?.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session?.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
    );
  if (session) {
    await post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    });
  }
  return {
    async stop() {
      clearInterval(timer);
      gcs?.disconnect();
      if (session && promoted) {
        const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
        writeFileSync(promoted, JSON.stringify(profile));
        session.disconnect();
      }
      if (trace) writeFileSync(trace, `${lines.join('\n')}\n`);
      if (env.BENCH_SMAPS) writeFileSync(env.BENCH_SMAPS, readFileSync('/proc/self/smaps'));
      if (env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(env.BENCH_HEAP_SNAPSHOT);
    },
  };
}
