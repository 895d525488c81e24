/**
 * Throttling: the probe's bounded transfer far below the control's (< 1/5) AND, when this run measured
 * other hosts, far below the probe's own baseline (< 1/5 of it) — a slow link is not throttling. The
 * baseline is the best bytes/s of the probe's transfers from other addresses in the same run, stored
 * by the runner in `annotations.throughput_baseline_bps` so the verdict can be recomputed from the
 * measurement alone.
 */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Throughput } from '../../schemas/src/steps.ts';
import type { ControlView } from './control.ts';
import { at, CONTROL, PROBE } from './trace-view.ts';
import { type Finding, finding } from './verdict.ts';

export const THROTTLE_RATIO = 0.2;
/** below this the control's transfer is too small to judge speed from */
export const MIN_CONTROL_BYTES = 64 * 1024;
export const BASELINE_ANNOTATION = 'throughput_baseline_bps';
/**
 * A transfer that completed faster than this is usable whatever the ratio: on fast links short transfers
 * are dominated by scheduling and latency noise (a 1 MiB transfer in 0.5 s vs the control's 0.04 s is
 * not throttling).
 */
export const MIN_JUDGE_SECONDS = 2;

function kbps(bps: number): string {
  return `${(bps / 1000).toFixed(bps < 10_000 ? 1 : 0)} kB/s`;
}

function describe(t: Throughput): string {
  const ttfb = t.ttfb === null ? 'no first byte' : `first byte after ${t.ttfb.toFixed(2)} s`;
  const done = t.complete ? 'complete' : 'incomplete';
  return `${t.bytes} bytes in ${t.duration.toFixed(2)} s = ${kbps(t.bytes_per_second)} (${ttfb}, ${done}${t.failure ? `, ${t.failure}` : ''})`;
}

export function baselineOf(m: Measurement): number | null {
  const v = Number(m.annotations[BASELINE_ANNOTATION]);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** null when there is nothing to say about throughput (no transfer, or nothing to compare it with). */
export function throughputStage(m: Measurement, control: ControlView): Finding | null {
  const probe = at(m.test_keys.throughput, `${PROBE}/throughput`)[0];
  if (!probe) return null;
  const p = probe.item;
  const ctl = control.control ? at(control.control.throughput, `${CONTROL}/throughput`)[0] : undefined;
  if (!ctl || ctl.item.failure || !ctl.item.complete || ctl.item.bytes < MIN_CONTROL_BYTES) return null;
  const c = ctl.item;
  const evidence = [probe.ptr, ctl.ptr];
  const both = `probe: ${describe(p)}; control: ${describe(c)}`;
  if (p.failure === 'connection_reset' || p.failure === 'eof_error') {
    return finding(
      'blocked',
      'http',
      0.8,
      `the transfer of ${p.url} was cut (${p.failure}) while the control's completed; ${both}`,
      evidence,
    );
  }
  const ratio = p.bytes_per_second / Math.max(c.bytes_per_second, 1);
  if (ratio >= THROTTLE_RATIO) return null;
  if (p.complete && !p.failure && p.duration < MIN_JUDGE_SECONDS) return null;
  const baseline = baselineOf(m);
  const pct = `${(ratio * 100).toFixed(1)}% of the control's speed`;
  if (baseline !== null && p.bytes_per_second >= baseline * THROTTLE_RATIO) {
    return finding(
      'ok',
      null,
      0.6,
      `${p.url} was slow (${pct}) but so is this probe's link to other hosts (baseline ${kbps(baseline)}): not throttling; ${both}`,
      evidence,
    );
  }
  if (baseline !== null) {
    const vsBase = `${((p.bytes_per_second / baseline) * 100).toFixed(1)}% of the probe's best transfer to other hosts in this run (${kbps(baseline)})`;
    return finding(
      'blocked',
      'throttle',
      0.85,
      `${p.url} crawled at ${pct} and ${vsBase}; ${both}`,
      evidence,
    );
  }
  return finding(
    'blocked',
    'throttle',
    0.65,
    `${p.url} crawled at ${pct} (no baseline to other hosts in this run); ${both}`,
    evidence,
  );
}
