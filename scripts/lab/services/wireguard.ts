/**
 * wireguard-go (userspace; kernel WireGuard is not in this kernel) in rb-servers on UDP 51820.
 * A server key pair and a probe key pair are generated at start with `wg genkey`; the probe's
 * public key is the server's only peer. The control socket /var/run/wireguard/<if>.sock is global,
 * hence the machine-unique interface name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { NS, VPN, WG_SOCK_DIR } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';
import { inNs, run } from '../sh.ts';

export interface WgKeys {
  serverPrivateKey: string;
  serverPublicKey: string;
  probePrivateKey: string;
  probePublicKey: string;
}

async function keyPair(): Promise<[string, string]> {
  const priv = (await run(['wg', 'genkey'])).stdout.trim();
  const pub = (await run(['wg', 'pubkey'], { input: `${priv}\n` })).stdout.trim();
  return [priv, pub];
}

export async function generateWgKeys(): Promise<WgKeys> {
  const [[serverPrivateKey, serverPublicKey], [probePrivateKey, probePublicKey]] = await Promise.all([
    keyPair(),
    keyPair(),
  ]);
  return { serverPrivateKey, serverPublicKey, probePrivateKey, probePublicKey };
}

export function wireguardSpec(p: LabPaths): DaemonSpec {
  const { ifName } = VPN.wireguard;
  return {
    id: 'wireguard',
    ns: NS.servers,
    argv: ['wireguard-go', '-f', ifName],
    env: { ...process.env, WG_PROCESS_FOREGROUND: '1', LOG_LEVEL: 'error' },
    log: p.log('wireguard'),
    files: [`${WG_SOCK_DIR}/${ifName}.sock`],
  };
}

/** After wireguard-go runs: keys, peer, address, link up. Then UDP 51820 is bound. */
export async function configureWireguard(p: LabPaths, keys: WgKeys): Promise<void> {
  const { ifName, port, serverTunnelIp, probeTunnelIp } = VPN.wireguard;
  mkdirSync(p.dir('wireguard'), { recursive: true });
  const keyFile = `${p.dir('wireguard')}/server.key`;
  writeFileSync(keyFile, `${keys.serverPrivateKey}\n`, { mode: 0o600 });
  await run(
    inNs(NS.servers, ['wg', 'set', ifName, 'listen-port', String(port), 'private-key', keyFile]).concat([
      'peer',
      keys.probePublicKey,
      'allowed-ips',
      `${probeTunnelIp}/32`,
    ]),
  );
  await run(['ip', '-n', NS.servers, '-batch', '-'], {
    input: `addr add ${serverTunnelIp}/24 dev ${ifName}\nlink set ${ifName} up\n`,
  });
}
