/**
 * V8 settings that keep the probe's memory small, applied when the probe CLI starts (and by the probe
 * benchmark's harness, so it measures the same).
 *
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly. By default V8 first compiles it
 *   with its baseline compiler (Liftoff), then recompiles it with TurboFan in the background; that optimising
 *   compile took ~35 MiB for a moment and left ~10 MiB resident (loopback: RSS 65 → 97 → 72 MiB around the
 *   first request; with Liftoff only: 63 MiB). The probe parses a few small responses per target, so the
 *   baseline code is fast enough. It must be set before the first HTTP request (check-in included): undici
 *   compiles the module once per process. V8 reads this flag at compile time, so setting it at run time works.
 * - `--no-opt`: no TurboFan for JavaScript; hot functions stay in V8's interpreter and baseline (Sparkplug)
 *   code. The probe waits on the network and spends its CPU in TLS, DNS and JSON, which are native code: in
 *   the lab benchmark (1,000 targets, bundled) the run took the same CPU time (4.5 s) while the peak RSS fell
 *   from 115–116 to 99 MiB (optimised code, its deoptimisation data and the compiler's memory on its threads).
 *   V8 checks the flag each time it would optimise a function, so setting it at start-up works.
 *
 * The young generation's size cannot be changed once V8 is running: `--max-semi-space-size=4` (2 × 4 MiB
 * instead of up to 2 × 16 MiB) is a node option, given to the daemon by the systemd unit in probe/README.md
 * (NODE_OPTIONS). It is not in bin/raabta.js's first line because `raabta collector` starts there too, and the
 * collector's throughput was not measured with a smaller young generation.
 */
import { setFlagsFromString } from 'node:v8';

/** The node option of the daemon's systemd unit (probe/README.md); the probe benchmark measures a run with it. */
export const DAEMON_NODE_OPTIONS = '--max-semi-space-size=4';

export function applyMemorySettings(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--no-opt');
}
