/**
 * The schedule: one node-cron task per suite, each fire delayed by a per-probe offset derived from the probe's
 * public key (stable across restarts, different between probes), so probes do not fire in lockstep. A suite
 * never overlaps itself: a fire while the previous run is still going is skipped and counted.
 */
import { createHash } from 'node:crypto';
import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';

export type SuiteRunner = (suite: string, signal: AbortSignal) => Promise<void>;

export interface SchedulerOptions {
  schedule: Record<string, string>;
  /** upper bound of the offset; it is also kept below the suite's period */
  jitterMaxMs: number;
  /** the probe's public key (or anything stable and unique to the probe) */
  seed: string;
  run: SuiteRunner;
  log: Logger;
}

export interface SuiteState {
  suite: string;
  cron: string;
  offsetMs: number;
  periodMs: number;
  nextRun: Date | null;
  running: boolean;
  runs: number;
  skippedOverlap: number;
}

/** Milliseconds between two consecutive fires of `cron` (the shortest of the next few gaps). */
export function cronPeriodMs(cron: string): number {
  const task = createTask(cron, () => {});
  const next = task.getNextRuns(4).map((d) => d.getTime());
  void task.destroy();
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < next.length; i++) min = Math.min(min, next[i] - next[i - 1]);
  return Number.isFinite(min) ? min : 3600_000;
}

/** Stable offset in [0, min(jitterMax, 0.9·period)) from sha256(seed, suite). */
export function stableOffsetMs(seed: string, suite: string, jitterMaxMs: number, periodMs: number): number {
  const bound = Math.floor(Math.min(jitterMaxMs, periodMs * 0.9));
  if (bound <= 0) return 0;
  const h = createHash('sha256').update(`${seed}\0${suite}`).digest();
  return h.readUInt32BE(0) % bound;
}

export function nextCronRun(cron: string, from?: Date): Date | null {
  const task = createTask(cron, () => {});
  const next = from ? (task.getNextRuns(64).find((d) => d > from) ?? null) : task.getNextRun();
  void task.destroy();
  return next;
}

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly states = new Map<
    string,
    SuiteState & { timer: NodeJS.Timeout | null; pendingAt: number | null }
  >();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly o: SchedulerOptions) {
    for (const [suite, cron] of Object.entries(o.schedule)) {
      const periodMs = cronPeriodMs(cron);
      const offsetMs = stableOffsetMs(o.seed, suite, o.jitterMaxMs, periodMs);
      this.states.set(suite, {
        suite,
        cron,
        offsetMs,
        periodMs,
        nextRun: null,
        running: false,
        runs: 0,
        skippedOverlap: 0,
        timer: null,
        pendingAt: null,
      });
    }
  }

  start(): void {
    for (const st of this.states.values()) {
      const task = createTask(st.cron, () => this.fire(st.suite), { name: `raabta-${st.suite}` });
      void task.start();
      this.tasks.push(task);
      (st as { task?: ScheduledTask }).task = task;
      this.o.log.info({ suite: st.suite, cron: st.cron, offset_s: st.offsetMs / 1000 }, 'scheduled');
    }
  }

  private fire(suite: string): void {
    const st = this.states.get(suite)!;
    if (this.abort.signal.aborted || st.timer) return;
    st.pendingAt = Date.now() + st.offsetMs;
    st.timer = setTimeout(() => {
      st.timer = null;
      st.pendingAt = null;
      if (this.abort.signal.aborted) return;
      if (st.running) {
        st.skippedOverlap++;
        this.o.log.warn(
          { suite },
          'previous run of this suite still going: this run is skipped (no overlap)',
        );
        return;
      }
      st.running = true;
      st.runs++;
      const p = this.o
        .run(suite, this.abort.signal)
        .catch((err: Error) => this.o.log.error({ suite, err: err.message }, 'run failed'))
        .finally(() => {
          st.running = false;
          this.inflight.delete(p);
        });
      this.inflight.add(p);
    }, st.offsetMs);
  }

  status(): SuiteState[] {
    return [...this.states.values()].map((st) => {
      const task = (st as { task?: ScheduledTask }).task;
      const cronNext = task?.getNextRun() ?? nextCronRun(st.cron);
      const next = st.pendingAt ?? (cronNext ? cronNext.getTime() + st.offsetMs : null);
      const { timer: _t, pendingAt: _p, ...rest } = st;
      return { ...rest, nextRun: next ? new Date(next) : null };
    });
  }

  /** No new runs; in-flight runs get the abort signal and up to `graceMs` to checkpoint and finish. */
  async stop(graceMs: number): Promise<boolean> {
    this.abort.abort();
    for (const t of this.tasks) await t.destroy();
    for (const st of this.states.values()) if (st.timer) clearTimeout(st.timer);
    if (this.inflight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), graceMs);
    });
    const done = Promise.all(this.inflight).then(() => true);
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
