/** `raabta probe status`: what runs when, what is waiting in the outbox, and why the last upload failed. */
import { existsSync, readFileSync } from 'node:fs';
import type { ProbeConfig } from '../config/config.ts';
import { dataPaths } from '../config/paths.ts';
import { bytesToday, lastRuns } from '../daemon/budget.ts';
import { scheduleFor } from '../daemon/schedule-refresh.ts';
import { cronPeriodMs, nextCronRun, stableOffsetMs } from '../daemon/scheduler.ts';
import { readCheckInCache } from '../identity/check-in.ts';
import { loadOrCreateKey } from '../identity/keys.ts';
import { ago, describeAttempt, lastFailedAttempt, recentAttempts } from '../outbox/attempts.ts';
import { kvGet } from '../outbox/db.ts';
import { Outbox } from '../outbox/outbox.ts';
import { detectVpn } from '../privacy/vpn.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

export function collectStatus(config: ProbeConfig, dataDir: string, now = Date.now()) {
  const paths = dataPaths(dataDir);
  const initialised = existsSync(paths.privateKey);
  const outbox = new Outbox(paths.outbox, { maxBytes: config.outbox_max_mb * 1024 * 1024 });
  try {
    const seed = initialised ? loadOrCreateKey(paths.privateKey).key.publicKeyB64 : '';
    const runs = new Map(lastRuns(outbox.db).map((r) => [r.suite, r]));
    // what the daemon runs: the configuration with the central schedule of the last check-in filled in
    const cache = readCheckInCache(paths.checkIn);
    const central = cache
      ? {
          suites: cache.response.suites.map((x) => ({ suite: x.suite, targets: [] })),
          schedule: cache.response.schedule,
        }
      : null;
    const schedule = Object.entries(scheduleFor(config, central)).map(([suite, cron]) => {
      const offsetMs = stableOffsetMs(seed, suite, config.jitter_max_seconds * 1000, cronPeriodMs(cron));
      const next = nextCronRun(cron, new Date(now - offsetMs));
      return {
        suite,
        cron,
        from: config.schedule[suite] === cron ? ('configuration' as const) : ('collector' as const),
        offsetMs,
        nextRun: next ? new Date(next.getTime() + offsetMs) : null,
        last: runs.get(suite) ?? null,
      };
    });
    let daemon: { pid: number; started_at: string } | null = null;
    if (existsSync(paths.daemon)) {
      const d = JSON.parse(readFileSync(paths.daemon, 'utf8')) as { pid: number; started_at: string };
      if (alive(d.pid)) daemon = d;
    }
    const lastFailed = lastFailedAttempt(outbox.db);
    const [lastAttempt] = recentAttempts(outbox.db, 1);
    return {
      data_dir: dataDir,
      initialised,
      daemon,
      check_in: cache,
      vpn: detectVpn(),
      schedule,
      outbox: outbox.counts(),
      failed: outbox.failedItems(5),
      collector_in_use: kvGet(outbox.db, 'last_good_collector') ?? config.collectors[0] ?? null,
      collectors: config.collectors,
      last_upload: lastAttempt ?? null,
      last_upload_error: lastFailed && lastAttempt?.outcome !== 'ok' ? lastFailed : null,
      next_upload_after: Number(kvGet(outbox.db, 'upload_next_at') ?? 0) || null,
      bytes_today: bytesToday(outbox.db, now),
      daily_budget_mb: config.daily_bandwidth_mb,
    };
  } finally {
    outbox.close();
  }
}

export function formatStatus(s: ReturnType<typeof collectStatus>, now = Date.now()): string {
  const L: string[] = [];
  L.push(`Raabta probe — data in ${s.data_dir}${s.initialised ? '' : ' (never run yet)'}`);
  L.push(
    s.daemon ? `Daemon: running (pid ${s.daemon.pid}, since ${s.daemon.started_at})` : 'Daemon: not running',
  );
  const ci = s.check_in?.response;
  L.push(
    ci
      ? `Network: ${ci.probe_cc} ${ci.probe_asn}${ci.probe_network_name ? ` ${ci.probe_network_name}` : ''} (checked in ${ago(now - Date.parse(s.check_in!.fetched_at))} ago)`
      : 'Network: unknown (no check-in yet)',
  );
  L.push(`VPN on this machine: ${s.vpn.detected ? `YES — ${s.vpn.reason}` : `no (${s.vpn.reason})`}`);
  L.push('Schedule (offset derived from this probe key):');
  for (const e of s.schedule) {
    const last = e.last
      ? `last ${ago(now - e.last.started_at)} ago: ${e.last.outcome ?? 'running'}, ${e.last.measurements} measurement(s), ${mb(e.last.bytes)}${e.last.error ? ` (${e.last.error})` : ''}`
      : 'never run';
    const next = e.nextRun ? `next ${e.nextRun.toISOString().replace('.000', '')}` : 'no next run';
    L.push(
      `  ${e.suite.padEnd(10)} ${e.cron.padEnd(14)} +${Math.round(e.offsetMs / 1000)} s  ${next}; ${last}${e.from === 'collector' ? ' (schedule from the collector)' : ''}`,
    );
  }
  const o = s.outbox;
  L.push(
    `Outbox: ${o.pending} pending${o.oldestPending ? ` (oldest ${ago(now - o.oldestPending)} ago, ${mb(o.pendingBytes)})` : ''}, ${o.uploaded} uploaded, ${o.failed} failed (quarantined), ${o.dropped} dropped over the disk budget`,
  );
  for (const f of s.failed) L.push(`  failed ${f.uid}: ${f.last_error}`);
  L.push(
    `Collector in use: ${s.collector_in_use ?? 'none configured'}${s.collectors.length > 1 ? ` (of ${s.collectors.length})` : ''}`,
  );
  L.push(`Last upload: ${s.last_upload ? describeAttempt(s.last_upload, now) : 'none yet'}`);
  if (s.last_upload_error) L.push(`Last upload error: ${describeAttempt(s.last_upload_error, now)}`);
  if (s.next_upload_after && s.next_upload_after > now) {
    L.push(`Next automatic upload attempt in ${ago(s.next_upload_after - now)} (backing off after failures)`);
  }
  L.push(
    `Bandwidth today: ${mb(s.bytes_today)}${s.daily_budget_mb === null ? '' : ` of ${s.daily_budget_mb} MB`}`,
  );
  return `${L.join('\n')}\n`;
}
