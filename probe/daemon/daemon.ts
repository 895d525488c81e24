/**
 * `raabta probe start`: the scheduled probe. Outbound connections only (no listening port). Runs each suite on
 * its cron schedule with a stable per-probe offset, never overlapping itself, within the daily bandwidth
 * budget; uploads after each run and on a timer (with backoff); checks in every `check_in_interval_seconds`
 * and follows a changed central schedule without a restart (schedule-refresh.ts); shuts down gracefully on
 * SIGTERM/SIGINT.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createTask } from 'node-cron';
import { finishRun, overDailyBudget, startRun } from './budget.ts';
import { runTargets } from './run-targets.ts';
import type { Runtime } from './runtime.ts';
import { type ScheduleRefresh, scheduleFor, startScheduleRefresh } from './schedule-refresh.ts';
import { Scheduler } from './scheduler.ts';
import { filterRisky, loadSuite } from './targets.ts';

export interface DaemonHandle {
  scheduler: Scheduler;
  stop(reason: string): Promise<void>;
  done: Promise<void>;
}

/** The configuration's schedule, with the collector's for suites the volunteer left alone (targets.ts). */
export async function effectiveSchedule(rt: Runtime): Promise<Record<string, string>> {
  return scheduleFor(rt.config, rt.checkIn ?? (await rt.refreshCheckIn()));
}

export async function startDaemon(rt: Runtime): Promise<DaemonHandle> {
  const { log, outbox, config } = rt;
  let uploading: Promise<unknown> | null = null;
  const upload = (force = false) => {
    if (!config.upload || uploading) return uploading;
    uploading = rt.uploader
      .run({ force })
      .catch((err: Error) => log.error({ err: err.message }, 'upload round failed'))
      .finally(() => {
        uploading = null;
      });
    return uploading;
  };

  const runSuite = async (suite: string, signal: AbortSignal) => {
    if (overDailyBudget(outbox.db, config.daily_bandwidth_mb)) {
      const id = startRun(outbox.db, suite, 'scheduled');
      const error = `daily bandwidth budget of ${config.daily_bandwidth_mb} MB reached`;
      finishRun(outbox.db, id, { outcome: 'skipped_budget', measurements: 0, bytes: 0, error });
      log.warn({ suite }, `run skipped: ${error}`);
      return;
    }
    let targets: Awaited<ReturnType<typeof loadSuite>>;
    try {
      targets = await loadSuite(suite, rt.checkIn);
    } catch (err) {
      const id = startRun(outbox.db, suite, 'scheduled');
      finishRun(outbox.db, id, {
        outcome: 'error',
        measurements: 0,
        bytes: 0,
        error: (err as Error).message,
      });
      throw err;
    }
    const { run, skipped } = filterRisky(targets, config.risky_categories, config.enabled_risky_categories);
    if (skipped.length)
      log.info({ suite, skipped: skipped.length }, 'targets in risky categories skipped (not enabled)');
    if (run.length === 0 && skipped.length > 0) {
      // e.g. a suite the central schedule added: nothing in it the volunteer opted into, so nothing runs
      const categories = [...new Set(skipped.map((t) => t.category_code ?? 'risky'))].sort().join(', ');
      const error = `every target is in a risky category not enabled (${categories})`;
      finishRun(outbox.db, startRun(outbox.db, suite, 'scheduled'), {
        outcome: 'skipped_risky',
        measurements: 0,
        bytes: 0,
        error,
      });
      log.warn({ suite }, `run skipped: ${error}`);
      return;
    }
    await runTargets(rt, run, {
      suite,
      reason: 'scheduled',
      signal,
      dailyBudgetMb: config.daily_bandwidth_mb,
    });
    if (!signal.aborted) await upload();
  };

  if (config.upload) await rt.refreshCheckIn().catch(() => {});
  const schedule = await effectiveSchedule(rt);
  const scheduler = new Scheduler({
    schedule,
    jitterMaxMs: config.jitter_max_seconds * 1000,
    seed: rt.identity.key.publicKeyB64,
    run: runSuite,
    log,
  });
  const uploadTask = createTask(config.upload_schedule, () => upload(), { name: 'raabta-upload' });
  writeFileSync(rt.paths.daemon, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() }));
  scheduler.start();
  // the central schedule is followed at each check-in; never without uploads (no collector contact at all)
  const refresh: ScheduleRefresh | null =
    config.upload && config.collectors.length > 0
      ? startScheduleRefresh(rt, scheduler, config.check_in_interval_seconds * 1000)
      : null;
  if (config.upload) void uploadTask.start();
  void upload();
  log.info(
    {
      suites: Object.keys(schedule),
      upload_schedule: config.upload_schedule,
      check_in_interval_s: refresh ? config.check_in_interval_seconds : null,
    },
    'probe daemon started',
  );

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let stopping: Promise<void> | null = null;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason }, 'stopping: no new runs; letting running ones checkpoint');
      await uploadTask.destroy();
      const checkInStopped = refresh?.stop(); // no new check-in; one in progress is awaited below
      const clean = await scheduler.stop(config.shutdown_grace_seconds * 1000);
      if (!clean)
        log.warn('runs still going after the grace period: stopping anyway (the outbox is consistent)');
      await uploading;
      await checkInStopped;
      rmSync(rt.paths.daemon, { force: true });
      await rt.close();
      log.info('stopped');
      resolveDone();
    })();
    return stopping;
  };
  return { scheduler, stop, done };
}
