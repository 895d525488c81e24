/**
 * Runs a list of targets: overall concurrency (p-limit), a per-host limit, a per-target time limit on
 * top of the per-step timeouts, spacing before re-testing a host that was just found blocked (censors
 * keep residual blocking for minutes after a trigger), progress callbacks, and the throughput baseline
 * of the run written into each transfer's measurement before its verdict is (re)computed.
 */
import type { Measurement } from '../schemas/src/measurement.ts';
import { BASELINE_ANNOTATION } from './analysis/throughput-stage.ts';
import type { NetTest } from './context.ts';
import { runQueue } from './run-queue.ts';
import { type RunEnv, runTest } from './run-test.ts';
import { deadlineDialer } from './steps/deadline-dialer.ts';
import type { Target } from './target.ts';
import { testFor as registryTestFor } from './tests/index.ts';

export interface Progress {
  done: number;
  total: number;
  target: Target;
  measurement: Measurement;
  elapsedMs: number;
}

export interface RunnerOptions {
  env: RunEnv;
  /** targets measured at once (default 4) */
  concurrency?: number;
  /** targets of one host measured at once (default 1) */
  perHost?: number;
  /** wall-clock limit per target; steps still running then fail as `interrupted` (default 120 s) */
  targetTimeoutMs?: number;
  /** wait at least this long before testing a host again after a `blocked` verdict (default 60 s) */
  blockedSpacingMs?: number;
  /** how many times each target is measured (default 1) */
  repeats?: number;
  testFor?: (kind: Target['kind']) => NetTest;
  onProgress?: (p: Progress) => void;
  /** false: measurements go only to onProgress and are not kept (bounded memory for long runs) */
  keep?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

export function hostKey(target: Target): string {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target.input)) return new URL(target.input).hostname.toLowerCase();
  } catch {}
  const hp = /^\[?([^\]]+?)\]?:\d+$/.exec(target.input);
  return (hp ? hp[1] : target.input).toLowerCase();
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runTargets(targets: Target[], opts: RunnerOptions): Promise<Measurement[]> {
  const lastBlocked = new Map<string, number>();
  const testFor = opts.testFor ?? registryTestFor;
  const spacing = opts.blockedSpacingMs ?? 60_000;
  const timeoutMs = opts.targetTimeoutMs ?? 120_000;
  const sleep = opts.sleep ?? defaultSleep;
  const started = Date.now();
  const jobs = Array.from({ length: Math.max(1, opts.repeats ?? 1) }, () => targets).flat();
  const kept: Measurement[] = [];
  let done = 0;

  const runOne = async (target: Target): Promise<void> => {
    const host = hostKey(target);
    const blockedAt = lastBlocked.get(host);
    if (blockedAt !== undefined && Date.now() - blockedAt < spacing)
      await sleep(spacing - (Date.now() - blockedAt));
    const m = await runWithDeadline(testFor(target.kind), target, opts.env, timeoutMs);
    if (m.raabta.verdict?.status === 'blocked') lastBlocked.set(host, Date.now());
    done += 1;
    if (opts.keep !== false) kept.push(m);
    opts.onProgress?.({ done, total: jobs.length, target, measurement: m, elapsedMs: Date.now() - started });
  };

  await runQueue(
    jobs,
    { concurrency: Math.max(1, opts.concurrency ?? 4), perKey: Math.max(1, opts.perHost ?? 1), key: hostKey },
    runOne,
  );
  applyBaselines(kept, testFor);
  return kept;
}

async function runWithDeadline(
  test: NetTest,
  target: Target,
  env: RunEnv,
  timeoutMs: number,
): Promise<Measurement> {
  const deadline = Date.now() + timeoutMs;
  const run = runTest(test, target, { ...env, dialer: deadlineDialer(env.dialer, deadline) });
  let timer: NodeJS.Timeout | undefined;
  // backstop: a step that is not bounded by the dialer still cannot hold the run forever
  const backstop = new Promise<Measurement>((resolve) => {
    timer = setTimeout(
      () => resolve(runTest(interruptedTest(test), target, { ...env, control: undefined })),
      timeoutMs + 15_000,
    );
  });
  return Promise.race([run, backstop]).finally(() => clearTimeout(timer));
}

function interruptedTest(test: NetTest): NetTest {
  return { ...test, measure: async (ctx) => ctx.trace.fail('interrupted', 'top_level') };
}

/**
 * For each measurement with a transfer: the best bytes/s of the run's transfers from OTHER addresses (what the
 * probe's link can do: a median would be dragged down when several hosts are throttled at once)
 * becomes its baseline annotation, and its verdict is recomputed from the measurement alone.
 */
export function applyBaselines(
  ms: Measurement[],
  testFor: (kind: Target['kind']) => NetTest = registryTestFor,
): void {
  const transfers = ms.flatMap((m) => m.test_keys.throughput.slice(0, 1).map((t) => ({ m, t })));
  const usable = transfers.filter(({ t }) => t.bytes > 0 && !t.failure);
  for (const { m, t } of transfers) {
    const ip = t.address.replace(/:\d+$/, '');
    const others = usable.filter((o) => o.m !== m && o.t.address.replace(/:\d+$/, '') !== ip);
    if (others.length === 0) continue;
    m.annotations[BASELINE_ANNOTATION] = String(
      Math.round(Math.max(...others.map((o) => o.t.bytes_per_second))),
    );
    const kind = m.test_name as Target['kind'];
    m.raabta.verdict = testFor(kind).analyze(m);
  }
}
