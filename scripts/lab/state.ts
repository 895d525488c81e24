/** The lab state: written to STATE_FILE so that other processes (CLI, tests, probe runs) can use the lab. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { STATE_FILE } from './constants.ts';

export interface DaemonRecord {
  pid: number;
  ns: string;
  argv: string[];
  log: string;
}

export type ServerStopMode = 'refuse' | 'drop';

export interface LabState {
  version: 1;
  runDir: string;
  stateFile: string;
  startedAt: string;
  /** pid of the process that brought the lab up (informational). */
  ownerPid: number;
  namespaces: { probe: string; censor: string; servers: string; outside: string };
  /** Probe allow-list: the only destinations the probe may contact in the lab. */
  allowList: string;
  probeIp: string;
  outsideIp: string;
  resolver: string;
  blockpage: { ip: string; httpPort: number; httpsPort: number };
  /** Where probe DNS is redirected while dns-poison / dns-nxdomain are on. */
  poisoner: string;
  caCert: string;
  /** Every lab name → IPv4 address (what the lab resolver answers). */
  hosts: Record<string, string>;
  origins: { id: string; ip: string; names: string[]; kind: string; tcpPorts: number[] }[];
  innocuousName: string;
  bench: { domain: string; count: number; ips: string[]; pattern: string };
  media: Record<string, number>;
  collectors: { name: string; ip: string }[];
  vpn: {
    openvpn: {
      name: string;
      ip: string;
      udpPort: number;
      tcpPort: number;
      httpPort: number;
      /** Client certificate + key issued by the lab CA, for a full handshake. */
      clientCert: string;
      clientKey: string;
    };
    ike: { name: string; ip: string; ports: number[] };
    tor: { name: string; ip: string; orPort: number };
    wireguard: {
      name: string;
      ip: string;
      port: number;
      serverPublicKey: string;
      probePrivateKey: string;
      probePublicKey: string;
      serverTunnelIp: string;
      probeTunnelIp: string;
    };
  };
  daemons: Record<string, DaemonRecord>;
  /** Active censor behaviours and their arguments. */
  censor: Record<string, string[]>;
  /** Stopped origin IPs ("server really down") and how they fail. */
  stopped: Record<string, ServerStopMode>;
  /** Fingerprints of what is installed (tc classes, poisoner and proxy configs), to skip no-op restarts. */
  applied: Record<string, string>;
  timings: Record<string, number>;
}

export function readState(file = STATE_FILE): LabState {
  if (!existsSync(file)) throw new Error(`the lab is not up (no ${file}); run: npm run lab -- up`);
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

export function tryReadState(file = STATE_FILE): LabState | undefined {
  try {
    return readState(file);
  } catch {
    return undefined;
  }
}

export function writeState(state: LabState, file = STATE_FILE): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
