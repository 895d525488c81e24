/**
 * Machine-wide lab lock: a directory (atomic mkdir) holding the owner's pid and start time.
 * The lab uses global paths (/var/run/charon.pid, /var/run/wireguard/*.sock, /etc/netns/rb-*),
 * so only one lab can exist per machine: test files that AVA runs in parallel processes take this
 * lock and serialize. A lock whose owner is dead (or a zombie, or a reused pid) is stolen.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { LOCK_DIR } from './constants.ts';
import { isAlive, procPpid, procStartTime } from './procs.ts';
import { sleep } from './sh.ts';

export interface LabLock {
  dir: string;
  pid: number;
  waitedMs: number;
}

interface Owner {
  pid: number;
  start?: string;
  since: string;
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(`${dir}/owner.json`, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

function ownerDead(o: Owner): boolean {
  return !isAlive(o.pid) || (o.start !== undefined && procStartTime(o.pid) !== o.start);
}

function tryTake(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  const owner: Owner = {
    pid: process.pid,
    start: procStartTime(process.pid),
    since: new Date().toISOString(),
  };
  writeFileSync(`${dir}/owner.json`, JSON.stringify(owner));
  return true;
}

/** Remove a dead owner's lock: rename first (atomic), and put it back if it is not the dead owner's any more. */
function steal(dir: string, dead: Owner | undefined): void {
  const tmp = `${dir}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, tmp);
  } catch {
    return;
  }
  const o = readOwner(tmp);
  if (o !== undefined && (o.pid !== dead?.pid || o.start !== dead?.start)) {
    try {
      renameSync(tmp, dir);
      return;
    } catch {
      // someone took it meanwhile; the renamed copy is stale for them too
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}

/** Wait (up to timeoutMs, default 20 min) for the machine-wide lab lock. */
export async function acquireLabLock(
  opts: { timeoutMs?: number; dir?: string; onWait?: (owner: number) => void } = {},
): Promise<LabLock> {
  const dir = opts.dir ?? LOCK_DIR;
  const timeoutMs = opts.timeoutMs ?? 20 * 60_000;
  const t0 = Date.now();
  let noOwnerSince: number | undefined;
  let told = false;
  for (;;) {
    if (tryTake(dir)) return { dir, pid: process.pid, waitedMs: Date.now() - t0 };
    const owner = readOwner(dir);
    if (owner?.pid === process.pid) return { dir, pid: process.pid, waitedMs: Date.now() - t0 };
    if (owner === undefined) {
      // a taker between mkdir and writing owner.json, or a crash right there
      noOwnerSince ??= Date.now();
      if (Date.now() - noOwnerSince > 3000) steal(dir, undefined);
    } else {
      noOwnerSince = undefined;
      if (ownerDead(owner)) {
        steal(dir, owner);
        continue;
      }
      if (!told) opts.onWait?.(owner.pid);
      told = true;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for the lab lock ${dir} (owner ${owner?.pid})`,
      );
    await sleep(200);
  }
}

/** Release the lock if this process owns it (synchronous: usable from exit handlers). */
export function releaseLabLock(dir = LOCK_DIR): void {
  if (readOwner(dir)?.pid === process.pid) rmSync(dir, { recursive: true, force: true });
}

/**
 * The pid holding the lab lock if it is another live process that is not an ancestor of this one
 * (a test run using the lab), else undefined. The CLI refuses to change the lab then.
 */
export function lockHeldByOther(dir = LOCK_DIR): number | undefined {
  const owner = readOwner(dir);
  if (!owner || ownerDead(owner)) return undefined;
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1; pid = procPpid(pid)) {
    if (pid === owner.pid) return undefined;
  }
  return owner.pid;
}
