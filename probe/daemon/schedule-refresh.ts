/**
 * The daemon's periodic check-in (every `check_in_interval_seconds`): refreshes the central target lists and,
 * when the schedule that follows from the answer (the volunteer's configuration merged with the central
 * schedule: mergeSchedule, the volunteer's own cron always wins) differs from the one in force, updates the
 * Scheduler in place and logs one line per change. A failed check-in (collector away, answer from the cached
 * copy) keeps the schedule in force. Which targets of a suite may run is decided at each run (filterRisky in
 * daemon.ts), so a suite the central schedule adds is held to the volunteer's risky-category choices too.
 */
import { DEFAULT_SCHEDULE, type ProbeConfig } from '../config/config.ts';
import type { CheckInResult } from '../identity/check-in.ts';
import { redactUrl } from '../upload/collector-url.ts';
import type { Runtime } from './runtime.ts';
import type { ScheduleChange, Scheduler } from './scheduler.ts';
import { type CentralLists, mergeSchedule } from './targets.ts';

/** The schedule to run: the configuration's, the central one filling in what the volunteer left alone. */
export function scheduleFor(config: ProbeConfig, central: CentralLists | null): Record<string, string> {
  return mergeSchedule(config.schedule, central, DEFAULT_SCHEDULE, config.schedule_disabled);
}

/** Where a suite's cron in the merged schedule comes from. */
export function cronSource(
  change: ScheduleChange,
  central: Record<string, string>,
): 'central' | 'configuration' {
  if (change.cron === null) return 'central'; // only a central entry can disappear from the merged schedule
  return central[change.suite] === change.cron ? 'central' : 'configuration';
}

/**
 * Applies a check-in's schedule to the scheduler. Returns the changes made (none when the check-in failed:
 * only a live answer can change the schedule).
 */
export function applyCheckIn(rt: Runtime, scheduler: Scheduler, ci: CheckInResult): ScheduleChange[] {
  if (ci.source !== 'live') {
    rt.log.info(
      { source: ci.source, error: ci.error },
      'check-in failed: the schedule in force is kept unchanged',
    );
    return [];
  }
  const changes = scheduler.update(scheduleFor(rt.config, ci));
  for (const c of changes) {
    rt.log.info(
      {
        suite: c.suite,
        change: c.change,
        cron: c.cron,
        previous_cron: c.previous,
        source: cronSource(c, ci.schedule),
        collector: ci.collector ? redactUrl(ci.collector) : null,
        version: ci.version,
      },
      `schedule changed at check-in: suite ${c.suite} ${c.change}`,
    );
  }
  return changes;
}

export interface ScheduleRefresh {
  /** no further check-ins; waits for one in progress */
  stop(): Promise<void>;
}

/** Checks in every `intervalMs` (measured from the end of the previous check-in) and applies the schedule. */
export function startScheduleRefresh(rt: Runtime, scheduler: Scheduler, intervalMs: number): ScheduleRefresh {
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    current = rt
      .refreshCheckIn()
      .then((ci) => {
        if (!stopped) applyCheckIn(rt, scheduler, ci);
      })
      .catch((err: Error) =>
        rt.log.error({ err: err.message }, 'check-in failed: the schedule in force is kept unchanged'),
      )
      .finally(() => {
        current = null;
      });
    return current;
  };
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void tick().then(arm);
    }, intervalMs);
  };
  arm();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
    },
  };
}
