/**
 * `down`: synchronous and idempotent, so it can run from exit/signal handlers and before every `up`
 * to clean the leftovers of a crashed run. It kills every process in a lab namespace and every lab
 * daemon found by its command line (config under the run dir), removes the global files
 * (charon pid file, wireguard sockets, /etc/netns/rb-*), deletes the namespaces and the run dir.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { CHARON_PID_FILE, RUN_DIR, VPN, WG_SOCK_DIR } from './constants.ts';
import { killSpawnedSync } from './exec.ts';
import { deleteNamespacesSync, labNamespaces, nsPids } from './netns.ts';
import { isAlive, killAllSync } from './procs.ts';

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** Lab daemons anywhere on the machine, also outside namespaces that were already deleted. */
export function strayLabProcesses(runDir = RUN_DIR): number[] {
  const own = new Set([process.pid, process.ppid]);
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (own.has(Number(pid))) continue;
    const cmd = readProc(pid, 'cmdline').replace(/\0/g, ' ');
    const comm = readProc(pid, 'comm').trim();
    const isLab =
      (cmd.includes(`${runDir}/`) && /^(nginx|dnsmasq|openvpn|tor|swanctl)/.test(comm)) ||
      (comm === 'wireguard-go' && cmd.includes(VPN.wireguard.ifName)) ||
      (comm === 'charon' && readProc(pid, 'environ').includes(`STRONGSWAN_CONF=${runDir}/`));
    if (isLab && isAlive(Number(pid))) found.push(Number(pid));
  }
  return found;
}

export interface DownReport {
  ms: number;
  killed: number;
  namespaces: string[];
}

export function downSync(runDir = RUN_DIR): DownReport {
  const t0 = performance.now();
  killSpawnedSync();
  const namespaces = labNamespaces();
  const pids = [...new Set([...namespaces.flatMap(nsPids), ...strayLabProcesses(runDir)])];
  killAllSync(pids);
  if (existsSync(CHARON_PID_FILE)) {
    const pid = Number(readFileSync(CHARON_PID_FILE, 'utf8').trim());
    if (!(pid > 0 && isAlive(pid))) rmSync(CHARON_PID_FILE, { force: true });
  }
  if (existsSync(WG_SOCK_DIR)) {
    for (const f of readdirSync(WG_SOCK_DIR)) {
      if (f.startsWith(VPN.wireguard.ifName)) rmSync(`${WG_SOCK_DIR}/${f}`, { force: true });
    }
  }
  deleteNamespacesSync();
  rmSync(runDir, { recursive: true, force: true });
  return { ms: Math.round(performance.now() - t0), killed: pids.length, namespaces };
}
