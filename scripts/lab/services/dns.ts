/**
 * dnsmasq instances: the lab resolver (authoritative for every lab name, NXDOMAIN for anything
 * else, no upstream) in rb-servers, and the censor's poisoning resolver (forwards to the lab
 * resolver, answers chosen names with the blockpage IP or NXDOMAIN).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { NS, POISONER_IP, RESOLVER_IP } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import { hostsFile, hostsTable } from '../names.ts';
import type { LabPaths } from '../paths.ts';

const COMMON = [
  '--keep-in-foreground',
  '--no-resolv',
  '--no-hosts',
  '--bind-interfaces',
  '--pid-file=',
  '--user=root',
];

export function resolverSpec(p: LabPaths): DaemonSpec {
  const dir = p.dir('dns');
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/hosts`, hostsFile(hostsTable()));
  return {
    id: 'dns-resolver',
    ns: NS.servers,
    argv: [
      'dnsmasq',
      ...COMMON,
      `--listen-address=${RESOLVER_IP}`,
      `--addn-hosts=${dir}/hosts`,
      // everything that is not a lab name: NXDOMAIN (never forwarded anywhere)
      '--address=/#/',
      '--local-ttl=60',
      '--cache-size=2000',
      `--log-facility=${p.log('dns-resolver')}`,
    ],
    log: p.log('dns-resolver'),
    listens: [
      { proto: 'udp', addr: RESOLVER_IP, port: 53 },
      { proto: 'tcp', addr: RESOLVER_IP, port: 53 },
    ],
  };
}

/**
 * Poisoning resolver. `answers` maps a name to an IPv4 (poison) or null (NXDOMAIN).
 * dnsmasq --address=/name/ matches the name AND its subdomains.
 */
export function poisonerSpec(p: LabPaths, answers: Record<string, string | null>): DaemonSpec {
  const dir = p.dir('censor');
  mkdirSync(dir, { recursive: true });
  return {
    id: 'dns-poisoner',
    ns: NS.censor,
    argv: [
      'dnsmasq',
      ...COMMON,
      `--listen-address=${POISONER_IP}`,
      `--server=${RESOLVER_IP}`,
      '--cache-size=0',
      ...Object.entries(answers).map(([name, ip]) => `--address=/${name}/${ip ?? ''}`),
      `--log-facility=${p.log('dns-poisoner')}`,
    ],
    log: p.log('dns-poisoner'),
    listens: [
      { proto: 'udp', addr: POISONER_IP, port: 53 },
      { proto: 'tcp', addr: POISONER_IP, port: 53 },
    ],
  };
}
