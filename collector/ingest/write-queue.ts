/**
 * Group commit: batches prepared while the previous commit ran are written together in one transaction
 * (each in its own savepoint), so a commit's fixed cost — the WAL frames of every index page touched — is
 * shared. A batch's promise resolves only after its commit: acknowledged means durable (see README).
 */
import type { IngestItemStatus, PreparedBatch, Storage } from '../storage/types.ts';

interface Pending {
  batch: PreparedBatch;
  resolve: (s: IngestItemStatus[]) => void;
  reject: (e: Error) => void;
}

export class WriteQueue {
  private queue: Pending[] = [];
  private scheduled = false;
  private writing = false;
  private commits = 0;

  /**
   * @param lingerMs how long the first batch of a commit may wait for company (latency traded for fewer,
   *   larger commits); a commit starts at once when `groupTarget` batches are waiting
   */
  constructor(
    private readonly storage: Storage,
    private readonly o: { maxBatchesPerCommit?: number; lingerMs?: number; groupTarget?: number } = {},
  ) {}

  depth(): number {
    return this.queue.length;
  }

  commitCount(): number {
    return this.commits;
  }

  submit(batch: PreparedBatch): Promise<IngestItemStatus[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.schedule();
    });
  }

  private timer: NodeJS.Timeout | null = null;

  private schedule(): void {
    if (this.writing) return;
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
    if (this.timer || this.scheduled) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.o.lingerMs ?? 2);
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
