/**
 * Everything a probe process needs, built once from the resolved configuration: logger, guarded dialers
 * (one for measurements, one for the collector that also admits an explicitly configured proxy address),
 * identity, outbox, HTTP client, uploader, control client and the last check-in.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import pino, { type Logger } from 'pino';
import type { ProbeConfig } from '../config/config.ts';
import { type DataPaths, dataPaths } from '../config/paths.ts';
import type { ControlClient, RunSettings } from '../context.ts';
import { createControlClient } from '../control-client.ts';
import { type CheckInResult, checkIn, readCheckInCache } from '../identity/check-in.ts';
import { Identity } from '../identity/identity.ts';
import { createDialer, type Dialer } from '../net/dialer.ts';
import { createGuard } from '../net/guard.ts';
import { kvGet } from '../outbox/db.ts';
import { Outbox } from '../outbox/outbox.ts';
import { detectVpn, type VpnStatus } from '../privacy/vpn.ts';
import { redactUrl } from '../upload/collector-url.ts';
import { createHttpClient, type HttpClient } from '../upload/http-client.ts';
import { parseHostPort, queryResolver } from '../upload/resolve.ts';
import { Uploader } from '../upload/uploader.ts';

export interface Runtime {
  config: ProbeConfig;
  paths: DataPaths;
  log: Logger;
  dialer: Dialer;
  identity: Identity;
  outbox: Outbox;
  http: HttpClient | null;
  uploader: Uploader;
  control: ControlClient | undefined;
  settings: RunSettings;
  vpn: () => VpnStatus;
  checkIn: CheckInResult | null;
  refreshCheckIn(): Promise<CheckInResult>;
  close(): Promise<void>;
}

export function makeLogger(level: string, dest = 2): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: dest, sync: true }));
}

/** The proxy's own address, admitted by the collector dialer's guard (the volunteer named it explicitly). */
function proxyAllow(proxy: string | null): string | null {
  if (!proxy) return null;
  const host = parseHostPort(new URL(proxy).host, 0).host;
  if (!isIP(host)) return null;
  return isIP(host) === 6 ? `${host}/128` : `${host}/32`;
}

/**
 * `system_resolver`: the dialer's "system" lookups go to that server (a guarded UDP query) instead of the
 * machine's getaddrinfo, and the guard checks that server, not /etc/resolv.conf.
 */
export function withSystemResolver(dialer: Dialer, server: string | null, timeoutMs: number): Dialer {
  if (!server) return dialer;
  const { host } = parseHostPort(server, 53);
  return {
    ...dialer,
    systemResolvers: () => [host],
    lookupSystem: (hostname) => queryResolver(dialer, server, hostname, timeoutMs),
  };
}

export interface RuntimeOptions {
  dataDir: string;
  log?: Logger;
  vpnRouteFile?: string;
}

export async function createRuntime(config: ProbeConfig, o: RuntimeOptions): Promise<Runtime> {
  const paths = dataPaths(o.dataDir);
  const log = o.log ?? makeLogger(config.log_level);
  const extraCaPem = config.ca_files.map((f) => readFileSync(f, 'utf8'));
  const dialer = withSystemResolver(
    createDialer({ guard: createGuard(config.allow), extraCaPem, defaultTimeoutMs: config.step_timeout_ms }),
    config.system_resolver,
    config.step_timeout_ms,
  );
  const proxyRange = proxyAllow(config.proxy);
  const uploadDialer = proxyRange
    ? withSystemResolver(
        createDialer({ guard: createGuard(`${config.allow},${proxyRange}`), extraCaPem }),
        config.system_resolver,
        config.step_timeout_ms,
      )
    : dialer;
  const identity = Identity.load(paths.privateKey, paths.identity);
  const outbox = new Outbox(paths.outbox, { maxBytes: config.outbox_max_mb * 1024 * 1024, log });
  const http = config.upload
    ? createHttpClient({ dialer: uploadDialer, resolver: config.resolver, proxy: config.proxy })
    : null;
  const probeIps = () =>
    rt.checkIn?.probeIps ?? [readCheckInCache(paths.checkIn)?.response.probe_ip ?? ''].filter(Boolean);
  const uploader = new Uploader({
    outbox,
    identity,
    http: http ?? createHttpClient({ dialer: uploadDialer, resolver: null, proxy: null }),
    collectors: config.collectors,
    log,
    batchSize: config.batch_size,
    via: config.proxy ? redactUrl(config.proxy) : null,
    probeIps,
    backoff: {
      baseMs: config.upload_retry_min_seconds * 1000,
      capMs: config.upload_retry_max_seconds * 1000,
    },
  });
  const currentCollector = () => kvGet(outbox.db, 'last_good_collector') ?? config.collectors[0] ?? null;
  const resolverIp = config.resolver ? parseHostPort(config.resolver, 53).host : null;
  const rt: Runtime = {
    config,
    paths,
    log,
    dialer,
    identity,
    outbox,
    http,
    uploader,
    control: http ? createControlClient({ http, collector: currentCollector }) : undefined,
    settings: {
      resolver: config.resolver,
      stepTimeoutMs: config.step_timeout_ms,
      bodyCapBytes: config.body_cap_bytes,
    },
    vpn: () => detectVpn({ routeFile: o.vpnRouteFile }),
    checkIn: null,
    async refreshCheckIn() {
      const fresh = await checkIn({
        http,
        identity,
        collectors: uploader.order(),
        cacheFile: paths.checkIn,
        log,
        resolverIp,
      });
      // collector away and no cached copy on disk (removed?): keep the lists this process already has
      // rather than fall back to none (a daemon's schedule and central suites are never dropped this way)
      const keep = fresh.source === 'none' && rt.checkIn !== null && rt.checkIn.source !== 'none';
      rt.checkIn = keep ? { ...rt.checkIn!, source: 'cache', unchanged: false, error: fresh.error } : fresh;
      return rt.checkIn;
    },
    async close() {
      await http?.close();
      outbox.close();
    },
  };
  return rt;
}
