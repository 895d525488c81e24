/**
 * Flushes the outbox: batches of ≤ 100, oldest first, to the first collector that answers (the last one
 * that worked is tried first). Only an acknowledgement (accepted/duplicate) for a measurement_uid marks it
 * uploaded; items rejected as invalid are quarantined; everything else stays pending. Every attempt is
 * recorded (outbox/attempts.ts). Idempotent: the collector dedupes by measurement_uid.
 */
import type { Logger } from 'pino';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Identity } from '../identity/identity.ts';
import { failureOf } from '../net/errors.ts';
import { type AttemptOutcome, recordAttempt } from '../outbox/attempts.ts';
import { kvGet, kvSet } from '../outbox/db.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { scrubMeasurement } from '../privacy/scrub.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, UploadBackoff } from './backoff.ts';
import { buildBatch, sendBatch } from './batch.ts';
import { CollectorHttpError, redactUrl } from './collector-url.ts';
import type { HttpClient } from './http-client.ts';
import { proxyStageOf } from './http-client.ts';

export interface UploaderOptions {
  outbox: Outbox;
  identity: Identity;
  http: HttpClient;
  collectors: string[];
  log: Logger;
  batchSize?: number;
  /** label of the proxy in use, for the attempt record */
  via?: string | null;
  /** the probe's public IPs (from check-in): scrubbed again right before upload */
  probeIps?: () => string[];
  /** delays between failed automatic rounds (default 30 s doubling to 30 min) */
  backoff?: BackoffPolicy;
}

export interface UploadSummary {
  acknowledged: number;
  quarantined: number;
  remaining: number;
  collector: string | null;
  error: string | null;
  skipped?: 'backoff' | 'no_collector';
}

export class Uploader {
  readonly backoff: UploadBackoff;
  constructor(private readonly o: UploaderOptions) {
    this.backoff = new UploadBackoff(o.outbox.db, o.backoff ?? DEFAULT_BACKOFF);
  }

  /** Collectors in the order to try: the last one that worked first, then the configured order. */
  order(): string[] {
    const last = kvGet(this.o.outbox.db, 'last_good_collector');
    const list = this.o.collectors;
    return last && list.includes(last) ? [last, ...list.filter((c) => c !== last)] : [...list];
  }

  /** One upload round. `force` ignores the backoff (the `upload` command). */
  async run(opts: { force?: boolean } = {}): Promise<UploadSummary> {
    const { outbox, log } = this.o;
    const summary: UploadSummary = {
      acknowledged: 0,
      quarantined: 0,
      remaining: 0,
      collector: null,
      error: null,
    };
    if (this.o.collectors.length === 0) {
      summary.skipped = 'no_collector';
      summary.error = 'no collector configured (--collector or "collectors" in the config file)';
    } else if (!opts.force && !this.backoff.due()) {
      summary.skipped = 'backoff';
    } else {
      let size = Math.min(this.o.batchSize ?? 100, 100);
      for (;;) {
        const items = outbox.nextBatch(size);
        if (items.length === 0) break;
        const r = await this.sendToAny(items.map((i) => JSON.parse(i.body) as Measurement));
        if (r === 'too_large' && size > 1) {
          size = Math.max(1, Math.floor(size / 2));
          continue;
        }
        if (typeof r !== 'object') {
          summary.error = this.lastError;
          break;
        }
        summary.collector = r.collector;
        summary.acknowledged += r.acked;
        summary.quarantined += r.quarantined;
        if (r.acked + r.quarantined === 0) break; // no progress: do not loop
      }
      if (summary.error) {
        const at = this.backoff.failed();
        log.warn({ next_try: new Date(at).toISOString() }, `upload failed: ${summary.error}`);
      } else this.backoff.succeeded();
    }
    summary.remaining = outbox.counts().pending;
    return summary;
  }

  private lastError: string | null = null;

  private async sendToAny(
    ms: Measurement[],
  ): Promise<{ collector: string; acked: number; quarantined: number } | 'failed' | 'too_large'> {
    let tooLarge = false;
    for (const collector of this.order()) {
      const r = await this.sendTo(collector, ms, true);
      if (r === 'too_large') tooLarge = true;
      else if (r !== 'failed') {
        kvSet(this.o.outbox.db, 'last_good_collector', collector);
        return { collector, ...r };
      }
    }
    return tooLarge ? 'too_large' : 'failed';
  }

  private async sendTo(
    collector: string,
    ms: Measurement[],
    mayReRegister: boolean,
  ): Promise<{ acked: number; quarantined: number } | 'failed' | 'too_large'> {
    const { outbox, identity, http, log } = this.o;
    const start = Date.now();
    const base = { at: start, collector: redactUrl(collector), via: this.o.via ?? null, sent: ms.length };
    const record = (outcome: AttemptOutcome, extra: Record<string, unknown>) =>
      recordAttempt(outbox.db, {
        ...base,
        outcome,
        http_status: null,
        error_code: null,
        error: null,
        accepted: 0,
        duplicate: 0,
        rejected: 0,
        bytes: 0,
        duration_ms: Date.now() - start,
        ...extra,
      });
    let bytes = 0;
    try {
      const probeId = await identity.ensureRegistered(http, collector);
      const ips = this.o.probeIps?.() ?? [];
      const prepared = ms.map((m) => {
        const s = scrubMeasurement(m, ips);
        return { ...s, raabta: { ...s.raabta, probe_id: probeId } };
      });
      const batch = buildBatch(probeId, prepared, identity.key);
      bytes = batch.body.length;
      outbox.markAttempted(batch.uids);
      const out = await sendBatch(http, collector, batch);
      if (out.kind === 'http_error') {
        this.lastError = `${redactUrl(collector)} answered HTTP ${out.status}${out.code ? ` ${out.code}` : ''}: ${out.message}`;
        record('http_error', { http_status: out.status, error_code: out.code, error: out.message, bytes });
        log.warn({ collector: base.collector, status: out.status, code: out.code }, out.message);
        // unknown_probe: the collector lost or never had our registration; bad_signature: the id we hold is
        // not our key's (key file replaced, identity.json edited). Registering our key again gives our own
        // id (derived from the key), never another probe's; one retry, then the error stands.
        if (
          out.status === 401 &&
          (out.code === 'unknown_probe' || out.code === 'bad_signature') &&
          mayReRegister
        ) {
          identity.forget(collector);
          return this.sendTo(collector, ms, false);
        }
        return out.status === 413 ? 'too_large' : 'failed';
      }
      const acks: { uid: string; status: string }[] = [];
      const rejected: { uid: string; reason: string }[] = [];
      for (const item of out.response.results) {
        const uid = item.measurement_uid ?? ms[item.index]?.measurement_uid;
        if (!uid) continue;
        if (item.status === 'accepted' || item.status === 'duplicate')
          acks.push({ uid, status: item.status });
        else if (item.status === 'rejected')
          rejected.push({ uid, reason: item.reason ?? 'rejected by the collector' });
      }
      outbox.markUploaded(acks, base.collector);
      outbox.quarantine(rejected);
      for (const r of rejected)
        log.error({ uid: r.uid, reason: r.reason }, 'collector rejected a measurement: quarantined');
      const { accepted, duplicate } = out.response;
      record(rejected.length ? 'rejected' : 'ok', {
        http_status: out.status,
        error: rejected[0]?.reason ?? null,
        accepted,
        duplicate,
        rejected: rejected.length,
        bytes,
      });
      log.info(
        { collector: base.collector, accepted, duplicate, rejected: rejected.length },
        'uploaded a batch',
      );
      return { acked: acks.length, quarantined: rejected.length };
    } catch (err) {
      const code = err instanceof CollectorHttpError ? err.code : uploadFailure(err);
      const status = err instanceof CollectorHttpError ? err.status : null;
      const msg = (err as Error).message ?? String(err);
      this.lastError = `${redactUrl(collector)}: ${msg}`;
      record(status ? 'http_error' : 'network_error', {
        http_status: status,
        error_code: code,
        error: msg,
        bytes,
      });
      log.warn({ collector: base.collector, failure: code }, `upload attempt failed: ${msg}`);
      return 'failed';
    }
  }
}

/**
 * The failure code of an upload attempt: the network failure name, prefixed `proxy_` when the proxy could
 * not be reached (`proxy_connection_refused`, …), or `proxy_refused` when the proxy would not or could not open
 * the tunnel to the collector — so `status` says which of the two failed.
 */
export function uploadFailure(err: unknown): string {
  const stage = proxyStageOf(err);
  if (stage === 'handshake') return 'proxy_refused';
  return stage === 'connect' ? `proxy_${failureOf(err)}` : failureOf(err);
}
