/**
 * Check-in (`GET /api/v1/check-in`): where the probe is (probe_cc, probe_asn, network name), its public IP
 * (kept only to scrub it from measurements) and the collector's suites and schedule for this network. The
 * central lists are checked with the probe's own suite loader: a suite or schedule entry that fails is
 * rejected (logged, with the reason) and the last good copy of it is kept. The last good answer is cached in
 * the data directory (with its ETag: an unchanged answer is a 304), so a probe whose collector is blocked
 * keeps measuring with it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { validate as validCron } from 'node-cron';
import type { Logger } from 'pino';
import type { CheckInResponse } from '../../schemas/src/api.ts';
import { type ProbeNetwork, UNKNOWN_NETWORK } from '../run-test.ts';
import { parseSuite, type Suite } from '../suites/load.ts';
import { apiUrl, collectorError, redactUrl } from '../upload/collector-url.ts';
import type { HttpClient } from '../upload/http-client.ts';
import type { Identity } from './identity.ts';

export interface CachedCheckIn {
  fetched_at: string;
  collector: string;
  /** the answer with rejected central entries replaced by their last good copy (or left out) */
  response: CheckInResponse;
  /** the collector's ETag for the answer as received */
  etag?: string | null;
  /** why central entries of that answer were rejected (empty: all good) */
  rejected?: string[];
}

export interface CheckInResult {
  network: ProbeNetwork;
  /** addresses to scrub (never uploaded, never logged) */
  probeIps: string[];
  source: 'live' | 'cache' | 'none';
  fetchedAt: string | null;
  collector: string | null;
  /** central schedule (suite → cron); the volunteer's configuration wins (probe/daemon/targets.ts) */
  schedule: Record<string, string>;
  /** central suites, each valid for this probe's loader */
  suites: Suite[];
  /** the collector's version of these lists (null: none yet) */
  version: string | null;
  /** live answer was a 304: the cached lists are current */
  unchanged: boolean;
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

const nameOf = (raw: unknown, i: number): string =>
  typeof raw === 'object' && raw !== null && typeof (raw as { suite?: unknown }).suite === 'string'
    ? (raw as { suite: string }).suite
    : `#${i}`;

/**
 * Checks the central suites and schedule of `fresh` with the probe's loader. A bad suite or schedule entry is
 * replaced by its copy in `previous` (the last good answer) when there is one, else left out (the built-in
 * suite then applies). Returns the answer to keep and the reasons for what was rejected.
 */
export function vetLists(
  fresh: CheckInResponse,
  previous: CheckInResponse | null,
): { response: CheckInResponse; rejected: string[] } {
  const rejected: string[] = [];
  const prevSuites = new Map((previous?.suites ?? []).map((s) => [s.suite, s]));
  const suites = new Map<string, Suite>();
  const raw: unknown[] = Array.isArray(fresh.suites) ? fresh.suites : [];
  if (!Array.isArray(fresh.suites)) {
    rejected.push('suites: not an array');
    for (const s of prevSuites.values()) suites.set(s.suite, s);
  }
  raw.forEach((r, i) => {
    const name = nameOf(r, i);
    try {
      const s = parseSuite(r, `central suite ${name}`);
      if (suites.has(s.suite)) throw new Error(`suite ${s.suite} sent twice`);
      suites.set(s.suite, s);
    } catch (err) {
      rejected.push((err as Error).message);
      const prev = prevSuites.get(name);
      if (prev && !suites.has(name)) suites.set(name, prev);
    }
  });
  const schedule: Record<string, string> = {};
  const rawSchedule =
    typeof fresh.schedule === 'object' && fresh.schedule !== null && !Array.isArray(fresh.schedule)
      ? (fresh.schedule as Record<string, unknown>)
      : {};
  for (const [suite, cron] of Object.entries(rawSchedule)) {
    if (typeof cron === 'string' && /^[a-z0-9_]{1,64}$/.test(suite) && validCron(cron))
      schedule[suite] = cron;
    else {
      rejected.push(`schedule "${suite}": ${JSON.stringify(cron)} is not a cron expression`);
      const prev = previous?.schedule?.[suite];
      if (prev) schedule[suite] = prev;
    }
  }
  return { response: { ...fresh, suites: [...suites.values()], schedule }, rejected };
}

function toResult(c: CachedCheckIn, source: 'live' | 'cache', resolverIp: string | null): CheckInResult {
  const r = c.response;
  // the cache file is re-checked too (hand-edited, or written by an older probe)
  const { response } = vetLists(r, null);
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
    schedule: response.schedule,
    suites: response.suites,
    version: typeof r.version === 'string' ? r.version : null,
    unchanged: false,
    error: null,
  };
}

function writeCache(file: string, c: CachedCheckIn): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(c, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
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
  const previous = readCheckInCache(o.cacheFile);
  for (const collector of o.http ? o.collectors : []) {
    try {
      const probeId = await o.identity.ensureRegistered(o.http!, collector);
      const headers: Record<string, string> = { 'x-raabta-probe-id': probeId };
      // a 304 is only useful when the cached copy is exactly that collector's answer, all of it accepted
      const revalidate = previous?.collector === collector && previous.etag && !previous.rejected?.length;
      if (revalidate) headers['if-none-match'] = previous.etag!;
      const res = await o.http!.request(apiUrl(collector, 'check-in'), { method: 'GET', headers });
      if (res.status === 304 && revalidate) {
        const cached: CachedCheckIn = { ...previous, fetched_at: new Date().toISOString() };
        writeCache(o.cacheFile, cached);
        o.log.info(
          { collector: redactUrl(collector), version: previous.response.version },
          'checked in: lists unchanged',
        );
        return { ...toResult(cached, 'live', o.resolverIp), unchanged: true };
      }
      if (res.status !== 200) throw collectorError(res, 'check-in');
      const fresh = JSON.parse(res.body.toString('utf8')) as CheckInResponse;
      const { response, rejected } = vetLists(fresh, previous?.response ?? null);
      if (rejected.length)
        o.log.warn(
          { collector: redactUrl(collector), version: fresh.version, rejected },
          'central target lists rejected; keeping the last good copy of each (or the built-in suite)',
        );
      const etag = res.headers.etag;
      const cached: CachedCheckIn = {
        fetched_at: new Date().toISOString(),
        collector,
        response,
        etag: typeof etag === 'string' ? etag : null,
        rejected,
      };
      writeCache(o.cacheFile, cached);
      o.log.info(
        {
          collector: redactUrl(collector),
          cc: response.probe_cc,
          asn: response.probe_asn,
          version: fresh.version,
          previous_version: previous?.response.version ?? null,
        },
        'checked in',
      );
      return toResult(cached, 'live', o.resolverIp);
    } catch (err) {
      errors.push(`${redactUrl(collector)}: ${(err as Error).message}`);
    }
  }
  const error = errors.length ? `check-in failed (${errors.join('; ')})` : null;
  if (error) o.log.warn(previous ? `${error}; using the copy from ${previous.fetched_at}` : error);
  if (previous) return { ...toResult(previous, 'cache', o.resolverIp), error };
  return {
    network: { ...UNKNOWN_NETWORK, resolver_ip: o.resolverIp ?? UNKNOWN_NETWORK.resolver_ip },
    probeIps: [],
    source: 'none',
    fetchedAt: null,
    collector: null,
    schedule: {},
    suites: [],
    version: null,
    unchanged: false,
    error,
  };
}
