/** `raabta probe run --once`: measure now, keep everything in the outbox, then try to upload. */
import { closeSync, openSync } from 'node:fs';
import { DEFAULT_SCHEDULE } from '../config/config.ts';
import { runTargets } from '../daemon/run-targets.ts';
import type { Runtime } from '../daemon/runtime.ts';
import { adhocTarget, filterRisky, loadSuite, mergeSchedule } from '../daemon/targets.ts';
import type { Target } from '../target.ts';
import type { ProbeArgs } from './args.ts';
import { progressReporter } from './progress.ts';

/**
 * `signal` aborts the run (SIGTERM/SIGINT, main.ts): no further target is started, the ones in progress
 * finish (each step is bounded by step_timeout_ms) and are committed, the run is recorded as interrupted,
 * and nothing is uploaded. Returns the exit code; an interrupted run returns `interruptedCode`.
 */
export async function runOnce(
  rt: Runtime,
  args: ProbeArgs,
  say: (line: string) => void,
  o: { signal?: AbortSignal; interruptedCode?: () => number } = {},
): Promise<number> {
  // check in first: the collector's suites (or the cached copy) decide what a suite name measures
  const ci = await rt.refreshCheckIn();
  if (rt.config.upload) {
    if (ci.source === 'cache') say(`Collector unreachable; using the network details from ${ci.fetchedAt}.`);
    if (ci.source === 'none' && ci.error) say(`Collector unreachable (${ci.error}); measuring anyway.`);
  }
  const groups: { suite: string; targets: Target[] }[] = [];
  if (args.targets.length) groups.push({ suite: 'adhoc', targets: args.targets.map(adhocTarget) });
  const suites =
    args.suites.length || args.targets.length
      ? args.suites
      : Object.keys(mergeSchedule(rt.config.schedule, ci, DEFAULT_SCHEDULE, rt.config.schedule_disabled));
  for (const s of suites) groups.push({ suite: s, targets: await loadSuite(s, ci) });
  const vpn = rt.vpn();
  if (vpn.detected) {
    say(
      rt.config.vpn_policy === 'skip'
        ? `This machine is on a VPN (${vpn.reason}): not measuring (vpn_policy "skip").`
        : `Note: this machine is on a VPN (${vpn.reason}); measurements are annotated vpn_detected.`,
    );
  }

  const outputFd = args.output === '-' ? 1 : args.output ? openSync(args.output, 'a') : null;
  const progress = progressReporter(process.stderr);
  let total = 0;
  let failedTargets = 0;
  let notStarted = 0;
  let planned = 0;
  // once a group's run is interrupted or reaches the bandwidth budget, later groups are not run at all
  let stopped: 'interrupted' | 'budget_reached' | null = null;
  try {
    for (const g of groups) {
      const { run, skipped } = filterRisky(
        g.targets,
        rt.config.risky_categories,
        rt.config.enabled_risky_categories,
      );
      planned += run.length;
      if (stopped) {
        notStarted += run.length;
        continue;
      }
      for (const t of skipped) {
        say(
          `Skipped ${t.input}: category ${t.category_code ?? 'risky'} is not enabled in the configuration.`,
        );
      }
      const r = await runTargets(rt, run, {
        suite: g.suite,
        reason: 'once',
        onProgress: progress,
        outputFd,
        signal: o.signal,
        dailyBudgetMb: rt.config.daily_bandwidth_mb,
      });
      progress.end();
      total += r.measurements;
      notStarted += r.notStarted;
      failedTargets += run.length - r.measurements - r.notStarted;
      if (r.outcome === 'skipped_vpn') return 4;
      if (r.outcome === 'interrupted' || r.outcome === 'budget_reached') stopped = r.outcome;
    }
  } finally {
    if (outputFd !== null && outputFd !== 1) closeSync(outputFd);
  }
  say(
    `${total} measurement(s) written to the outbox${failedTargets ? `; ${failedTargets} target(s) could not be measured` : ''}.`,
  );
  if (stopped === 'interrupted' || o.signal?.aborted) {
    say(
      `Interrupted: ${notStarted} target(s) not started; nothing uploaded now (raabta probe upload, or the next run, sends them).`,
    );
    return o.interruptedCode?.() ?? 130;
  }
  if (stopped === 'budget_reached') {
    say(
      `Stopped early: daily bandwidth budget of ${rt.config.daily_bandwidth_mb} MB reached: ${notStarted} of ${planned} target(s) not started.`,
    );
  }

  if (rt.config.upload && total > 0) {
    const up = await rt.uploader.run({ force: true });
    if (up.error) {
      say(
        `Upload failed: ${up.error}. ${up.remaining} measurement(s) stay in the outbox and will be retried.`,
      );
    } else {
      say(`Uploaded ${up.acknowledged} measurement(s) to ${up.collector ?? 'the collector'}.`);
    }
    if (up.quarantined) say(`${up.quarantined} measurement(s) were rejected as invalid and kept as failed.`);
  } else if (!rt.config.upload) say('Upload disabled (--no-upload): measurements stay in the outbox.');
  return failedTargets && total === 0 ? 1 : 0;
}
