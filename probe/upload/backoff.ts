/**
 * Exponential backoff with jitter for uploads, kept in the outbox database so it survives restarts:
 * after n consecutive failed rounds the next automatic round waits base·2ⁿ (capped), times 0.5–1.5.
 * `raabta probe upload` ignores it (a volunteer asking to upload now means now).
 */
import { type Db, kvGet, kvSet } from '../outbox/db.ts';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 30 * 60_000 };

export function backoffDelay(failures: number, p: BackoffPolicy): number {
  if (failures <= 0) return 0;
  const raw = Math.min(p.capMs, p.baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(raw * (0.5 + (p.random ?? Math.random)()));
}

export class UploadBackoff {
  constructor(
    private readonly db: Db,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
  ) {}

  failures(): number {
    return Number(kvGet(this.db, 'upload_failures') ?? 0);
  }

  nextAt(): number {
    return Number(kvGet(this.db, 'upload_next_at') ?? 0);
  }

  due(now = Date.now()): boolean {
    return now >= this.nextAt();
  }

  failed(now = Date.now()): number {
    const n = this.failures() + 1;
    const at = now + backoffDelay(n, this.policy);
    kvSet(this.db, 'upload_failures', String(n));
    kvSet(this.db, 'upload_next_at', String(at));
    return at;
  }

  succeeded(): void {
    kvSet(this.db, 'upload_failures', null);
    kvSet(this.db, 'upload_next_at', null);
  }
}
