/**
 * Group commit: batches prepared while the previous commit ran are written together in one transaction
 * (each in its own savepoint), so a commit's fixed cost — the WAL frames of every index page touched, and
 * the rollup cells, written once per transaction — is shared. A batch's promise resolves only after its
 * commit: acknowledged means durable (see README).
 *
 * An upload announces itself (`announce()`) before its preparation starts. While announced batches are still
 * being prepared, a commit waits for them — up to `maxLingerMs` after the first waiting batch, or until
 * `groupTarget` batches wait — instead of committing each batch alone as it comes out of the one preparation
 * worker; with nothing announced a commit starts after `lingerMs`, as before. Measured on the ingest
 * benchmark's batches (100 traces each, SQLite): 60 µs of commit CPU per measurement for a batch alone,
 * 36 µs for four together.
 */
import type { IngestItemStatus, PreparedBatch, Storage } from '../storage/types.ts';

interface Pending {
  batch: PreparedBatch;
  resolve: (s: IngestItemStatus[]) => void;
  reject: (e: Error) => void;
}

/** A batch on its way: submit it once prepared, or cancel (it failed preparation). Either, once. */
export interface Arrival {
  submit(batch: PreparedBatch): Promise<IngestItemStatus[]>;
  cancel(): void;
}

export class WriteQueue {
  private queue: Pending[] = [];
  private scheduled = false;
  private writing = false;
  private commits = 0;
  private announced = 0;
  /** when the oldest waiting batch was queued (performance.now()) */
  private firstQueuedAt = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param lingerMs how long the first batch of a commit waits for company when no other batch is announced
   * @param maxLingerMs how long it may wait for announced batches still being prepared
   * @param groupTarget a commit starts at once when this many batches are waiting
   */
  constructor(
    private readonly storage: Storage,
    private readonly o: {
      maxBatchesPerCommit?: number;
      lingerMs?: number;
      maxLingerMs?: number;
      groupTarget?: number;
    } = {},
  ) {}

  depth(): number {
    return this.queue.length;
  }

  commitCount(): number {
    return this.commits;
  }

  /** An upload whose batch is being prepared: commits wait a little for it (see the file comment). */
  announce(): Arrival {
    this.announced++;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.announced--;
      return true;
    };
    return {
      submit: (batch) => {
        settle();
        return this.submit(batch);
      },
      cancel: () => {
        if (settle()) this.schedule();
      },
    };
  }

  submit(batch: PreparedBatch): Promise<IngestItemStatus[]> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) this.firstQueuedAt = performance.now();
      this.queue.push({ batch, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.queue.length === 0) return;
    if (this.queue.length >= (this.o.groupTarget ?? 8)) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
      return;
    }
    if (this.scheduled) return;
    const linger = this.announced > 0 ? (this.o.maxLingerMs ?? 20) : (this.o.lingerMs ?? 2);
    const wait = Math.max(0, this.firstQueuedAt + linger - performance.now());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const take = this.queue.splice(0, this.o.maxBatchesPerCommit ?? 64);
    try {
      const outcomes = await this.storage.ingest(take.map((p) => p.batch));
      this.commits++;
      take.forEach((p, i) => {
        const o = outcomes[i];
        if ('statuses' in o) p.resolve(o.statuses);
        else p.reject(new Error(o.error));
      });
    } catch (err) {
      for (const p of take) p.reject(err as Error);
    } finally {
      this.writing = false;
      if (this.queue.length) this.schedule();
    }
  }
}
