/**
 * strongSwan charon (IKEv2 responder on UDP 500/4500) plus a swanctl config with one PSK
 * connection. Only one charon per machine: its pid file /var/run/charon.pid is global.
 * Our own strongswan.conf (STRONGSWAN_CONF) sets a private vici socket, no stroke socket,
 * a file log with flush_line, and no route installation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { CHARON_PID_FILE, NS, VPN } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';
import { run } from '../sh.ts';

const PLUGINS =
  'random nonce aes sha1 sha2 md5 hmac gmp kdf drbg xcbc pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici';

export function ipsecPaths(p: LabPaths) {
  const dir = p.dir('ipsec');
  return {
    dir,
    conf: `${dir}/strongswan.conf`,
    swanctl: `${dir}/swanctl/swanctl.conf`,
    vici: `${dir}/charon.vici`,
  };
}

export function charonSpec(p: LabPaths): DaemonSpec {
  const ip = ipsecPaths(p);
  for (const sub of ['x509', 'x509ca', 'private', 'pubkey', 'rsa', 'ecdsa', 'pkcs8', 'pkcs12', 'conf.d']) {
    mkdirSync(`${ip.dir}/swanctl/${sub}`, { recursive: true });
  }
  writeFileSync(
    ip.conf,
    `charon {
  load_modular = no
  load = ${PLUGINS}
  install_routes = no
  install_virtual_ip = no
  port = 500
  port_nat_t = 4500
  plugins {
    vici { socket = unix://${ip.vici} }
    socket-default { use_ipv6 = no }
  }
  filelog {
    lab {
      path = ${p.log('charon')}
      default = 1
      ike = 2
      flush_line = yes
      time_format = %T
    }
  }
  syslog {
    daemon { default = -1 }
  }
}
swanctl {
  socket = unix://${ip.vici}
}
`,
  );
  writeFileSync(
    ip.swanctl,
    `connections {
  lab {
    version = 2
    local_addrs = ${VPN.ike.ip}
    proposals = aes128-sha256-modp2048,aes256-sha256-modp2048,aes128-sha1-modp2048,aes256-sha384-modp3072
    local {
      auth = psk
      id = ${VPN.ike.name}
    }
    remote {
      auth = psk
    }
    children {
      net {
        local_ts = 100.102.0.0/24
      }
    }
  }
}
secrets {
  ike-lab {
    secret = "raabta-lab-not-a-secret"
  }
}
`,
  );
  return {
    id: 'charon',
    ns: NS.servers,
    argv: ['/usr/lib/ipsec/charon'],
    env: { ...process.env, STRONGSWAN_CONF: ip.conf },
    log: p.log('charon-stdout'),
    files: [ip.vici, CHARON_PID_FILE],
    listens: VPN.ike.ports.map((port) => ({ proto: 'udp' as const, addr: '*', port })),
  };
}

export async function loadSwanctl(p: LabPaths): Promise<void> {
  const ip = ipsecPaths(p);
  await run(
    [
      'ip',
      'netns',
      'exec',
      NS.servers,
      'swanctl',
      '--load-all',
      '--noprompt',
      '--file',
      ip.swanctl,
      '--uri',
      `unix://${ip.vici}`,
    ],
    { env: { ...process.env, STRONGSWAN_CONF: ip.conf } },
  );
}
