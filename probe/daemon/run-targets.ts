/**
 * One run: every target of a suite (or the --target list), measured with runTest, a few at a time. Each
 * measurement is scrubbed of the probe's IP, annotated (VPN), and written to the outbox the moment it is
 * done — so a run interrupted by SIGTERM or a power cut keeps everything measured so far.
 */
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { systemClock } from '../context.ts';
import { scrubMeasurement } from '../privacy/scrub.ts';
import { runQueue } from '../run-queue.ts';
import { ooniTime, runTest, UNKNOWN_NETWORK } from '../run-test.ts';
import type { Target, TargetKind } from '../target.ts';
import { testFor } from '../tests/index.ts';
import { bytesToday, finishRun, measurementBytes, progressRun, startRun } from './budget.ts';
import type { Runtime } from './runtime.ts';

/** The NetTest for `kind`: the registry, after importing the test's module if it registers itself. */
export async function loadTest(kind: TargetKind) {
  try {
    return testFor(kind);
  } catch (err) {
    for (const spec of [`../tests/${kind}.ts`, `../tests/${kind}/index.ts`]) {
      try {
        await import(spec);
        return testFor(kind);
      } catch {}
    }
    throw err;
  }
}

export interface RunOutcome {
  runId: number;
  /** measurements made and written to the outbox (they are not kept in memory: the outbox has them) */
  measurements: number;
  bytes: number;
  /** targets never started: the run was interrupted or reached the daily bandwidth budget */
  notStarted: number;
  outcome: 'ok' | 'interrupted' | 'budget_reached' | 'skipped_vpn' | 'error';
  error: string | null;
}

export interface RunOptions {
  suite: string;
  reason: 'once' | 'scheduled';
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, m: Measurement | null, target: Target) => void;
  /** JSON lines output: a file descriptor (1 = stdout) */
  outputFd?: number | null;
  /**
   * Daily bandwidth budget (MB, UTC day, estimated with measurementBytes); null = none. No target is started
   * once today's bytes, this run's included, reach it; the run ends as `budget_reached`.
   */
  dailyBudgetMb?: number | null;
}

export async function runTargets(rt: Runtime, targets: Target[], o: RunOptions): Promise<RunOutcome> {
  const { outbox, log } = rt;
  const runId = startRun(outbox.db, o.suite, o.reason);
  const out: RunOutcome = { runId, measurements: 0, bytes: 0, notStarted: 0, outcome: 'ok', error: null };
  const vpn = rt.vpn();
  if (vpn.detected && rt.config.vpn_policy === 'skip') {
    log.warn({ reason: vpn.reason }, 'this machine is on a VPN: run skipped (vpn_policy "skip")');
    finishRun(outbox.db, runId, { outcome: 'skipped_vpn', measurements: 0, bytes: 0, error: vpn.reason });
    return { ...out, notStarted: targets.length, outcome: 'skipped_vpn', error: vpn.reason };
  }
  const annotations: Record<string, string> = { platform: `${process.platform}-${process.arch}` };
  if (vpn.detected) annotations.vpn_detected = 'true';
  const testStartTime = new Date();
  // the suite may be a path to one's own JSON file: report ids allow only [A-Za-z0-9._-]
  const suiteLabel =
    o.suite
      .replace(/^.*\//, '')
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64) || 'suite';
  const reportId = `${ooniTime(testStartTime).replace(/\D/g, '')}_${suiteLabel}_${randomBytes(6).toString('hex')}`;
  let done = 0;
  // bytes of earlier runs today; this run's own bytes are counted in out.bytes as it goes
  const budget = o.dailyBudgetMb == null ? null : o.dailyBudgetMb * 1024 * 1024;
  const earlier = budget === null ? 0 : bytesToday(outbox.db);
  let overBudget = false;
  const one = async (target: Target) => {
    if (o.signal?.aborted) {
      out.notStarted++;
      return;
    }
    if (budget !== null && earlier + out.bytes >= budget) {
      if (!overBudget) {
        log.warn(
          { suite: o.suite, bytes_today: earlier + out.bytes, budget_mb: o.dailyBudgetMb },
          'daily bandwidth budget reached: no more targets started today',
        );
      }
      overBudget = true;
      out.notStarted++;
      return;
    }
    let m: Measurement | null = null;
    try {
      const test = await loadTest(target.kind);
      const network = rt.checkIn?.network;
      const env = {
        dialer: rt.dialer,
        clock: systemClock,
        log,
        settings: rt.settings,
        network: { ...(network ?? UNKNOWN_NETWORK), probe_id: rt.identity.anyProbeId(rt.checkIn?.collector) },
        control: rt.control,
        reportId,
        testStartTime,
        annotations,
      };
      m = scrubMeasurement(await runTest(test, target, env), rt.checkIn?.probeIps ?? []);
      outbox.add(m);
      out.measurements += 1;
      out.bytes += measurementBytes(m);
      progressRun(outbox.db, runId, out.measurements, out.bytes);
      if (o.outputFd != null) writeSync(o.outputFd, `${JSON.stringify(m)}\n`);
    } catch (err) {
      out.error = `${target.input}: ${(err as Error).message}`;
      log.error({ target: target.input, err: (err as Error).message }, 'could not measure target');
    }
    done++;
    o.onProgress?.(done, targets.length, m, target);
  };
  await runQueue(targets, { concurrency: rt.config.concurrency }, one);
  if (o.signal?.aborted) out.outcome = 'interrupted';
  else if (overBudget) {
    out.outcome = 'budget_reached';
    out.error = `daily bandwidth budget of ${o.dailyBudgetMb} MB reached: ${out.notStarted} of ${targets.length} target(s) not started`;
  } else if (out.error && out.measurements === 0) out.outcome = 'error';
  finishRun(outbox.db, runId, out);
  log.info(
    {
      suite: o.suite,
      measurements: out.measurements,
      bytes: out.bytes,
      not_started: out.notStarted,
      outcome: out.outcome,
    },
    'run finished',
  );
  return out;
}
