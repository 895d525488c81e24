/** Raw bytes of measurements: a batch is fetched and inflated once, then kept (least recently used first out). */
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';

export class RawReader {
  private readonly map = new Map<number, Buffer>();
  private bytes = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  private remember(id: number, text: Buffer): void {
    this.map.set(id, text);
    this.bytes += text.length;
    while (this.bytes > this.maxBytes && this.map.size > 1) {
      const [oldest, buf] = this.map.entries().next().value as [number, Buffer];
      this.map.delete(oldest);
      this.bytes -= buf.length;
    }
  }

  /** Fetches (one query) the batches not yet cached. */
  async load(batchIds: Iterable<number>): Promise<void> {
    const want = [...new Set(batchIds)].filter((id) => !this.map.has(id));
    if (!want.length) return;
    const r = await this.pool.query('SELECT id, gzip FROM raw_batches WHERE id = ANY($1::bigint[])', [want]);
    for (const row of r.rows) this.remember(row.id as number, gunzipSync(row.gzip as Buffer));
  }

  async slice(batchId: number, offset: number, length: number): Promise<Buffer> {
    let text = this.map.get(batchId);
    if (text) {
      this.map.delete(batchId);
      this.map.set(batchId, text);
    } else {
      await this.load([batchId]);
      text = this.map.get(batchId);
      if (!text) throw new Error(`raw batch ${batchId} is missing`);
    }
    if (offset + length > text.length) throw new Error(`raw span outside batch ${batchId}`);
    return Buffer.from(text.subarray(offset, offset + length));
  }
}
