/**
 * The schedule: one node-cron task per suite, each fire delayed by a per-probe offset derived from the probe's
 * public key (stable across restarts, different between probes), so probes do not fire in lockstep. A suite
 * never overlaps itself: a fire while the previous run is still going is skipped and counted. update() changes
 * the schedule in place (a changed central schedule, probe/daemon/schedule-refresh.ts): suites whose cron did
 * not change keep their task and timing; a run in progress is never interrupted, nor started twice.
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

export interface ScheduleChange {
  suite: string;
  change: 'added' | 'removed' | 'changed';
  /** the cron in force now (null: removed) */
  cron: string | null;
  /** the cron before (null: added) */
  previous: string | null;
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

type Entry = SuiteState & {
  timer: NodeJS.Timeout | null;
  pendingAt: number | null;
  task: ScheduledTask | null;
  /** taken off the schedule while a run of it was still going: kept until that run ends */
  removed: boolean;
};

export class Scheduler {
  private readonly states = new Map<string, Entry>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private started = false;

  constructor(private readonly o: SchedulerOptions) {
    for (const [suite, cron] of Object.entries(o.schedule)) this.states.set(suite, this.entry(suite, cron));
  }

  private entry(suite: string, cron: string): Entry {
    const st: Entry = {
      suite,
      cron,
      offsetMs: 0,
      periodMs: 0,
      nextRun: null,
      running: false,
      runs: 0,
      skippedOverlap: 0,
      timer: null,
      pendingAt: null,
      task: null,
      removed: false,
    };
    this.setCron(st, cron);
    return st;
  }

  /** The cron, its period and the stable offset that follows from it (same rule as at start). */
  private setCron(st: Entry, cron: string): void {
    st.cron = cron;
    st.periodMs = cronPeriodMs(cron);
    st.offsetMs = stableOffsetMs(this.o.seed, st.suite, this.o.jitterMaxMs, st.periodMs);
  }

  private arm(st: Entry): void {
    if (!this.started || this.abort.signal.aborted) return;
    st.task = createTask(st.cron, () => this.fire(st.suite), { name: `raabta-${st.suite}` });
    void st.task.start();
  }

  /** Stops the suite's cron task; with `cancelPending` also a fire waiting out its offset. */
  private disarm(st: Entry, cancelPending: boolean): void {
    void st.task?.destroy();
    st.task = null;
    if (cancelPending && st.timer) {
      clearTimeout(st.timer);
      st.timer = null;
      st.pendingAt = null;
    }
  }

  start(): void {
    this.started = true;
    for (const st of this.states.values()) {
      this.arm(st);
      this.o.log.info({ suite: st.suite, cron: st.cron, offset_s: st.offsetMs / 1000 }, 'scheduled');
    }
  }

  /**
   * Makes `schedule` the one in force. A new suite gets a task (its offset by the usual rule); a removed one
   * loses its task and any fire still waiting out its offset (a run already going finishes); a changed cron
   * replaces the task (a fire already due still runs); an unchanged suite is not touched. A suite removed
   * while running and added again keeps its running state, so the no-overlap rule still holds.
   */
  update(schedule: Record<string, string>): ScheduleChange[] {
    if (this.abort.signal.aborted) return [];
    const changes: ScheduleChange[] = [];
    for (const st of this.states.values()) {
      if (st.removed || st.suite in schedule) continue;
      this.disarm(st, true);
      st.removed = true;
      if (!st.running) this.states.delete(st.suite);
      changes.push({ suite: st.suite, change: 'removed', cron: null, previous: st.cron });
    }
    for (const [suite, cron] of Object.entries(schedule)) {
      const st = this.states.get(suite);
      if (st && !st.removed && st.cron === cron) continue;
      if (!st) {
        const fresh = this.entry(suite, cron);
        this.states.set(suite, fresh);
        this.arm(fresh);
        changes.push({ suite, change: 'added', cron, previous: null });
        continue;
      }
      const previous = st.removed ? null : st.cron;
      this.disarm(st, false);
      st.removed = false;
      this.setCron(st, cron);
      this.arm(st);
      changes.push({ suite, change: previous === null ? 'added' : 'changed', cron, previous });
    }
    return changes;
  }

  private fire(suite: string): void {
    const st = this.states.get(suite);
    if (!st || st.removed || this.abort.signal.aborted || st.timer) return;
    st.pendingAt = Date.now() + st.offsetMs;
    st.timer = setTimeout(() => {
      st.timer = null;
      st.pendingAt = null;
      if (this.abort.signal.aborted || st.removed) return;
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
          if (st.removed && this.states.get(suite) === st) this.states.delete(suite);
          this.inflight.delete(p);
        });
      this.inflight.add(p);
    }, st.offsetMs);
  }

  /** The suites on the schedule (a removed suite whose last run is still going is not listed). */
  status(): SuiteState[] {
    return [...this.states.values()]
      .filter((st) => !st.removed)
      .map((st) => {
        const cronNext = st.task?.getNextRun() ?? nextCronRun(st.cron);
        const next = st.pendingAt ?? (cronNext ? cronNext.getTime() + st.offsetMs : null);
        const { timer: _t, pendingAt: _p, task: _k, removed: _r, ...rest } = st;
        return { ...rest, nextRun: next ? new Date(next) : null };
      });
  }

  /** No new runs; in-flight runs get the abort signal and up to `graceMs` to checkpoint and finish. */
  async stop(graceMs: number): Promise<boolean> {
    this.abort.abort();
    for (const st of this.states.values()) this.disarm(st, true);
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
