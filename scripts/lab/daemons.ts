/**
 * Start lab daemons inside namespaces, wait until their sockets listen, stop them.
 * Daemons run in the foreground (no self-daemonizing) so the pid we get is the daemon's:
 * `ip netns exec` execs the command after entering the namespace.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { isAlive, killAll } from './procs.ts';
import { inNs, run, sleep } from './sh.ts';
import type { DaemonRecord } from './state.ts';

export interface Listen {
  proto: 'tcp' | 'udp';
  /** Local address, or '*' for "any address". */
  addr: string;
  port: number;
}

export interface DaemonSpec {
  id: string;
  ns: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  log: string;
  listens?: Listen[];
  /** Files (e.g. unix sockets) that must exist before the daemon counts as ready. */
  files?: string[];
  readyTimeoutMs?: number;
}

export function spawnDaemon(spec: DaemonSpec): DaemonRecord {
  const fd = openSync(spec.log, 'a');
  const argv = inNs(spec.ns, spec.argv);
  const child = spawn(argv[0], argv.slice(1), {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: spec.env ?? process.env,
  });
  closeSync(fd);
  child.on('error', () => {});
  child.unref();
  if (child.pid === undefined) throw new Error(`could not spawn ${spec.id}`);
  return { pid: child.pid, ns: spec.ns, argv: spec.argv, log: spec.log };
}

/** Listening sockets in a namespace as "tcp|udp addr:port" strings. */
export async function listeningSockets(ns: string): Promise<string[]> {
  const r = await run(inNs(ns, ['ss', '-Hlntu']), { check: false });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      return `${cols[0]} ${cols[4]}`;
    });
}

export function listenMatches(sockets: string[], l: Listen): boolean {
  return sockets.some((s) => {
    const [proto, local] = s.split(' ');
    const idx = local.lastIndexOf(':');
    const addr = local.slice(0, idx);
    const port = Number(local.slice(idx + 1));
    return (
      proto === l.proto &&
      port === l.port &&
      (l.addr === '*' || addr === l.addr || addr === '0.0.0.0' || addr === '*')
    );
  });
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function waitReady(spec: DaemonSpec, rec: DaemonRecord): Promise<void> {
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 10_000);
  for (;;) {
    if (!isAlive(rec.pid))
      throw new Error(`${spec.id} exited during start-up; log ${spec.log}:\n${logTail(spec.log)}`);
    const filesOk = (spec.files ?? []).every((f) => existsSync(f));
    const listens = spec.listens ?? [];
    const sockets = filesOk && listens.length > 0 ? await listeningSockets(spec.ns) : [];
    if (filesOk && listens.every((l) => listenMatches(sockets, l))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${spec.id} not ready after ${spec.readyTimeoutMs ?? 10_000} ms; log ${spec.log}:\n${logTail(spec.log)}`,
      );
    }
    await sleep(15);
  }
}

export async function startDaemon(spec: DaemonSpec): Promise<DaemonRecord> {
  const rec = spawnDaemon(spec);
  try {
    await waitReady(spec, rec);
  } catch (err) {
    await killAll([rec.pid]);
    throw err;
  }
  return rec;
}

export async function stopDaemon(rec: DaemonRecord | undefined): Promise<void> {
  if (rec) await killAll([rec.pid]);
}
