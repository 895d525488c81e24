/**
 * Check-in (`GET /api/v1/check-in`): where the probe is (probe_cc, probe_asn, network name), its public IP
 * (kept only to scrub it from measurements) and the collector's suites and schedule. The last good answer is
 * cached in the data directory, so a probe whose collector is blocked keeps measuring with it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { CheckInResponse } from '../../schemas/src/api.ts';
import { type ProbeNetwork, UNKNOWN_NETWORK } from '../run-test.ts';
import { apiUrl, collectorError, redactUrl } from '../upload/collector-url.ts';
import type { HttpClient } from '../upload/http-client.ts';
import type { Identity } from './identity.ts';

export interface CachedCheckIn {
  fetched_at: string;
  collector: string;
  response: CheckInResponse;
}

export interface CheckInResult {
  network: ProbeNetwork;
  /** addresses to scrub (never uploaded, never logged) */
  probeIps: string[];
  source: 'live' | 'cache' | 'none';
  fetchedAt: string | null;
  collector: string | null;
  schedule: Record<string, string>;
  error: string | null;
}

export function readCheckInCache(file: string): CachedCheckIn | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CachedCheckIn;
  } catch {
    return null;
  }
}

function toResult(c: CachedCheckIn, source: 'live' | 'cache', resolverIp: string | null): CheckInResult {
  const r = c.response;
  return {
    network: {
      ...UNKNOWN_NETWORK,
      probe_asn: /^AS\d+$/.test(r.probe_asn) ? r.probe_asn : 'AS0',
      probe_cc: /^[A-Z]{2}$/.test(r.probe_cc) ? r.probe_cc : 'ZZ',
      probe_network_name: r.probe_network_name,
      resolver_ip: resolverIp ?? UNKNOWN_NETWORK.resolver_ip,
    },
    probeIps: r.probe_ip ? [r.probe_ip] : [],
    source,
    fetchedAt: c.fetched_at,
    collector: c.collector,
    schedule: r.schedule ?? {},
    error: null,
  };
}

export interface CheckInOptions {
  http: HttpClient | null;
  identity: Identity;
  collectors: string[];
  cacheFile: string;
  log: Logger;
  resolverIp: string | null;
}

/** Tries each collector in order; falls back to the cached copy, then to an unknown network. */
export async function checkIn(o: CheckInOptions): Promise<CheckInResult> {
  const errors: string[] = [];
  for (const collector of o.http ? o.collectors : []) {
    try {
      const probeId = await o.identity.ensureRegistered(o.http!, collector);
      const res = await o.http!.request(apiUrl(collector, 'check-in'), {
        method: 'GET',
        headers: { 'x-raabta-probe-id': probeId },
      });
      if (res.status !== 200) throw collectorError(res, 'check-in');
      const response = JSON.parse(res.body.toString('utf8')) as CheckInResponse;
      const cached: CachedCheckIn = { fetched_at: new Date().toISOString(), collector, response };
      const tmp = `${o.cacheFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(cached, null, 2), { mode: 0o600 });
      renameSync(tmp, o.cacheFile);
      o.log.info(
        { collector: redactUrl(collector), cc: response.probe_cc, asn: response.probe_asn },
        'checked in',
      );
      return toResult(cached, 'live', o.resolverIp);
    } catch (err) {
      errors.push(`${redactUrl(collector)}: ${(err as Error).message}`);
    }
  }
  const cached = readCheckInCache(o.cacheFile);
  const error = errors.length ? `check-in failed (${errors.join('; ')})` : null;
  if (error) o.log.warn(cached ? `${error}; using the copy from ${cached.fetched_at}` : error);
  if (cached) return { ...toResult(cached, 'cache', o.resolverIp), error };
  return {
    network: { ...UNKNOWN_NETWORK, resolver_ip: o.resolverIp ?? UNKNOWN_NETWORK.resolver_ip },
    probeIps: [],
    source: 'none',
    fetchedAt: null,
    collector: null,
    schedule: {},
    error,
  };
}
