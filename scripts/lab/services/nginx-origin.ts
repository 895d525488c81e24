/**
 * The origin web servers: one nginx in rb-servers. Every name has its own server block and
 * certificate (chosen by SNI). example.org is the default server on EVERY origin IP, so an
 * unknown or innocuous SNI gets example.org's page and certificate on any IP.
 * Every origin serves /media/{4mb,1mb,256k}.bin; v.whatsapp.net serves /v2/register (JSON);
 * eN.whatsapp.net also listen on TCP 5222 (plain TCP, answered by nginx's HTTP parser).
 * VPN IPs answer plain HTTP on port 80 only (OpenVPN owns TCP 443 on its IP).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { NS, VPN, VPN_HTTP_PORT } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';
import { BENCH, INNOCUOUS_NAME, ORIGINS, type Origin } from '../sites.ts';

const REGISTER_JSON = '{"status":"fail","reason":"missing_param","param":"cc"}';

function serverBlock(p: LabPaths, name: string, origin: Origin, ips: string[], isDefault: boolean): string {
  const def = isDefault ? ' default_server' : '';
  const listens = ips.flatMap((ip) => [
    `  listen ${ip}:80${def};`,
    `  listen ${ip}:443 ssl http2${def};`,
    ...(origin.extraTcpPorts ?? []).map((port) => `  listen ${ip}:${port}${def};`),
  ]);
  const register =
    origin.kind === 'whatsapp-register'
      ? `  location = /v2/register {\n    default_type application/json;\n    return 200 '${REGISTER_JSON}';\n  }\n`
      : '';
  return `server {
${listens.join('\n')}
  server_name ${name};
  ssl_certificate ${p.cert(name)};
  root ${p.www}/${name};
  location / {
    try_files $uri $uri/index.html $uri/ =404;
  }
  location /media/ {
    root ${p.www}/_shared;
  }
${register}}
`;
}

export function originNginxConf(p: LabPaths): string {
  const dir = p.dir('nginx-origin');
  const originIps = [...new Set([...ORIGINS.map((o) => o.ip), ...BENCH.ips])];
  const example = ORIGINS.find((o) => o.names.includes(INNOCUOUS_NAME))!;
  const blocks: string[] = [serverBlock(p, INNOCUOUS_NAME, example, originIps, true)];
  for (const origin of ORIGINS) {
    for (const name of origin.names)
      if (name !== INNOCUOUS_NAME) blocks.push(serverBlock(p, name, origin, [origin.ip], false));
  }
  blocks.push(`server {
${BENCH.ips.map((ip) => `  listen ${ip}:80;\n  listen ${ip}:443 ssl http2;`).join('\n')}
  server_name *.${BENCH.domain};
  ssl_certificate ${p.cert(`*.${BENCH.domain}`)};
  default_type text/html;
  location / {
    return 200 "<!doctype html><html><head><title>$host | Raabta benchmark target</title></head><body><h1>$host</h1><p>Benchmark target served by the Raabta censor lab.</p></body></html>\\n";
  }
}
`);
  blocks.push(`server {
${Object.values(VPN)
  .map((v) => `  listen ${v.ip}:${VPN_HTTP_PORT} default_server;`)
  .join('\n')}
  server_name _;
  default_type text/plain;
  location / {
    return 200 "VPN server host ($server_addr)\\n";
  }
}
`);
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${p.log('nginx-origin')} warn;
events { worker_connections 8192; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  keepalive_timeout 30;
  server_names_hash_bucket_size 128;
  server_names_hash_max_size 4096;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fastcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_certificate_key ${p.leafKey};
${blocks.join('\n')}}
`;
}

export function originNginxSpec(p: LabPaths): DaemonSpec {
  const dir = p.dir('nginx-origin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/nginx.conf`, originNginxConf(p));
  const example = ORIGINS.find((o) => o.names.includes(INNOCUOUS_NAME))!;
  return {
    id: 'nginx-origin',
    ns: NS.servers,
    argv: ['nginx', '-c', `${dir}/nginx.conf`, '-p', dir, '-e', p.log('nginx-origin')],
    log: p.log('nginx-origin'),
    listens: [
      { proto: 'tcp', addr: example.ip, port: 443 },
      { proto: 'tcp', addr: VPN.openvpn.ip, port: VPN_HTTP_PORT },
      { proto: 'tcp', addr: BENCH.ips[0], port: 443 },
    ],
  };
}
