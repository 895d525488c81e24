/**
 * nginx instances on the censor: the blockpage server (always on, HTTP 80 + HTTPS 443 with a
 * self-signed certificate that the lab CA did not issue) and the transparent HTTP proxy used by
 * http-blockpage (a `map $host` serves the blockpage for listed hosts and proxy_passes the rest).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { BLOCKPAGE_IP, NS, PROXY_PORT, RESOLVER_IP } from '../constants.ts';
import type { DaemonSpec } from '../daemons.ts';
import { BLOCKPAGE_HTML } from '../pages.ts';
import type { LabPaths } from '../paths.ts';

function head(dir: string, log: string): string {
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${log} warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/html;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fastcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
`;
}

export function blockpageSpec(p: LabPaths): DaemonSpec {
  const dir = p.dir('censor-blockpage');
  mkdirSync(`${dir}/www`, { recursive: true });
  writeFileSync(`${dir}/www/blockpage.html`, BLOCKPAGE_HTML);
  const log = p.log('censor-blockpage');
  writeFileSync(
    `${dir}/nginx.conf`,
    `${head(dir, log)}  server {
    listen ${BLOCKPAGE_IP}:80 default_server;
    listen ${BLOCKPAGE_IP}:443 ssl default_server;
    server_name _;
    ssl_certificate ${p.blockpageCert};
    ssl_certificate_key ${p.leafKey};
    root ${dir}/www;
    location / { try_files /blockpage.html =404; }
  }
}
`,
  );
  return {
    id: 'censor-blockpage',
    ns: NS.censor,
    argv: ['nginx', '-c', `${dir}/nginx.conf`, '-p', dir, '-e', log],
    log,
    listens: [
      { proto: 'tcp', addr: BLOCKPAGE_IP, port: 80 },
      { proto: 'tcp', addr: BLOCKPAGE_IP, port: 443 },
    ],
  };
}

export function proxySpec(p: LabPaths, blockedHosts: string[]): DaemonSpec {
  const dir = p.dir('censor-proxy');
  mkdirSync(`${dir}/www`, { recursive: true });
  writeFileSync(`${dir}/www/blockpage.html`, BLOCKPAGE_HTML);
  const log = p.log('censor-proxy');
  const map = blockedHosts.map((h) => `    ${h} 1;`).join('\n');
  writeFileSync(
    `${dir}/nginx.conf`,
    `${head(dir, log)}  resolver ${RESOLVER_IP} valid=10s ipv6=off;
  map $host $rb_blocked {
    default 0;
${map}
  }
  server {
    listen ${PROXY_PORT} default_server;
    server_name _;
    root ${dir}/www;
    error_page 599 =200 /__blockpage.html;
    location = /__blockpage.html { internal; try_files /blockpage.html =404; }
    location / {
      if ($rb_blocked) { return 599; }
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_pass http://$host$request_uri;
    }
  }
}
`,
  );
  return {
    id: 'censor-proxy',
    ns: NS.censor,
    argv: ['nginx', '-c', `${dir}/nginx.conf`, '-p', dir, '-e', log],
    log,
    listens: [{ proto: 'tcp', addr: '*', port: PROXY_PORT }],
  };
}
