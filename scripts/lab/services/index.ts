/** The lab's long-running servers, started in parallel at `up` and restarted by `reset` if dead. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { CHARON_PID_FILE, NS, VPN } from '../constants.ts';
import { type DaemonSpec, startDaemon, waitReady } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';
import { isAlive, procComm } from '../procs.ts';
import type { DaemonRecord } from '../state.ts';
import { blockpageSpec } from './censor-nginx.ts';
import { resolverSpec } from './dns.ts';
import { charonSpec, loadSwanctl } from './ipsec.ts';
import { originNginxSpec } from './nginx-origin.ts';
import { openvpnSpec } from './openvpn.ts';
import { torSpec } from './tor.ts';
import { configureWireguard, type WgKeys, wireguardSpec } from './wireguard.ts';

export interface ServiceCtx {
  p: LabPaths;
  wg: WgKeys;
}

export interface Service {
  id: string;
  start(ctx: ServiceCtx): Promise<DaemonRecord>;
}

const simple = (id: string, spec: (p: LabPaths) => DaemonSpec): Service => ({
  id,
  start: (ctx) => startDaemon(spec(ctx.p)),
});

/** A charon pid file whose process is dead (or a zombie) would stop charon from starting. */
function clearStaleCharonPid(): void {
  if (!existsSync(CHARON_PID_FILE)) return;
  const pid = Number(readFileSync(CHARON_PID_FILE, 'utf8').trim());
  if (pid > 0 && isAlive(pid) && procComm(pid) === 'charon') {
    throw new Error(
      `another charon (pid ${pid}) runs on this machine; only one charon per machine is possible`,
    );
  }
  rmSync(CHARON_PID_FILE, { force: true });
}

export const SERVICES: Service[] = [
  simple('dns-resolver', resolverSpec),
  simple('nginx-origin', originNginxSpec),
  simple('censor-blockpage', blockpageSpec),
  simple('openvpn-udp', (p) => openvpnSpec(p, 'udp')),
  simple('openvpn-tcp', (p) => openvpnSpec(p, 'tcp')),
  simple('tor', torSpec),
  {
    id: 'charon',
    async start(ctx) {
      clearStaleCharonPid();
      const rec = await startDaemon(charonSpec(ctx.p));
      await loadSwanctl(ctx.p);
      return rec;
    },
  },
  {
    id: 'wireguard',
    async start(ctx) {
      const spec = wireguardSpec(ctx.p);
      const rec = await startDaemon(spec);
      await configureWireguard(ctx.p, ctx.wg);
      await waitReady(
        { ...spec, ns: NS.servers, listens: [{ proto: 'udp', addr: '*', port: VPN.wireguard.port }] },
        rec,
      );
      return rec;
    },
  },
];
