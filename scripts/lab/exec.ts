/**
 * Run commands inside lab namespaces (`ip netns exec`). Processes started with nsSpawn are tracked
 * and killed on teardown and when this process exits; `down` also kills anything left in a lab
 * namespace, whoever started it.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { isAlive, killAllSync } from './procs.ts';
import { inNs, type RunOptions, type RunResult, run } from './sh.ts';

const tracked = new Set<ChildProcess>();

/** Run argv in the namespace and collect its output; does not throw on a non-zero exit by default. */
export function nsExec(ns: string, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(inNs(ns, argv), { check: false, ...opts });
}

/** Start argv in the namespace; the child is tracked and killed at teardown or process exit. */
export function nsSpawn(ns: string, argv: string[], opts: SpawnOptions = {}): ChildProcess {
  const full = inNs(ns, argv);
  const child = spawn(full[0], full.slice(1), { stdio: 'pipe', ...opts });
  tracked.add(child);
  child.on('exit', () => tracked.delete(child));
  child.on('error', () => tracked.delete(child));
  return child;
}

export function trackedPids(): number[] {
  return [...tracked].map((c) => c.pid).filter((p): p is number => p !== undefined && isAlive(p));
}

export function killSpawnedSync(): void {
  killAllSync(trackedPids(), 1000);
  tracked.clear();
}

process.once('exit', () => {
  for (const pid of trackedPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});
