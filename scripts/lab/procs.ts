/**
 * Process liveness that ignores zombies: PID 1 on these machines reaps orphans lazily, so
 * `kill -0` keeps succeeding for seconds after a daemon exited. We read /proc/<pid>/stat instead.
 */
import { readFileSync } from 'node:fs';

/** Process state letter from /proc/<pid>/stat, or undefined when the process is gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Start time (clock ticks since boot) of a process, used to detect pid reuse. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function procPpid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function procComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  const s = procState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGTERM the pids, wait until all are dead or zombies, SIGKILL after graceMs. Synchronous. */
export function killAllSync(pids: number[], graceMs = 2000): void {
  let live = pids.filter(isAlive);
  for (const pid of live) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.length > 0 && Date.now() < deadline) {
    sleepSync(10);
    live = live.filter(isAlive);
  }
  for (const pid of live) signal(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 2000;
  while (live.length > 0 && Date.now() < hardDeadline) {
    sleepSync(10);
    live = live.filter(isAlive);
  }
}

/** Async variant of killAllSync. */
export async function killAll(pids: number[], graceMs = 2000): Promise<void> {
  let live = pids.filter(isAlive);
  for (const pid of live) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    live = live.filter(isAlive);
  }
  for (const pid of live) signal(pid, 'SIGKILL');
  while (live.length > 0 && Date.now() < deadline + 2000) {
    await new Promise((r) => setTimeout(r, 10));
    live = live.filter(isAlive);
  }
}

export { sleepSync };
