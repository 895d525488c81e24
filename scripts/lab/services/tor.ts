/**
 * A tor bridge relay with no network: its ORPort opens in ~0.1 s and it stays at "Bootstrapped 0%".
 * TLS to the ORPort then a VERSIONS cell gets VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { NS, VPN } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';

export function torSpec(p: LabPaths): DaemonSpec {
  const dir = p.dir('tor');
  mkdirSync(`${dir}/data`, { recursive: true, mode: 0o700 });
  const { ip, orPort } = VPN.tor;
  writeFileSync(
    `${dir}/torrc`,
    `DataDirectory ${dir}/data
RunAsDaemon 0
SocksPort 0
BridgeRelay 1
PublishServerDescriptor 0
AssumeReachable 1
ORPort ${ip}:${orPort} IPv4Only
Address ${ip}
Nickname RaabtaLabBridge
ContactInfo lab@raabta.lab
ExitRelay 0
ExitPolicy reject *:*
BridgeRecordUsageByCountry 0
DirReqStatistics 0
AvoidDiskWrites 1
Log notice file ${p.log('tor')}
`,
  );
  return {
    id: 'tor',
    ns: NS.servers,
    argv: ['tor', '-f', `${dir}/torrc`, '--defaults-torrc', '/dev/null'],
    log: p.log('tor-stdout'),
    listens: [{ proto: 'tcp', addr: ip, port: orPort }],
  };
}
