/** Inflated batches, least-recently-used first out, so reading several measurements of one batch inflates it once. */
import { gunzipSync } from 'node:zlib';

export class BatchCache {
  private readonly map = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** The measurement's bytes: `length` bytes at `offset` of the decompressed batch. */
  slice(batchId: number, gzip: () => Uint8Array, offset: number, length: number): Buffer {
    let text = this.map.get(batchId);
    if (text) {
      this.map.delete(batchId);
      this.map.set(batchId, text);
    } else {
      text = gunzipSync(gzip());
      this.map.set(batchId, text);
      this.bytes += text.length;
      while (this.bytes > this.maxBytes && this.map.size > 1) {
        const [oldest, buf] = this.map.entries().next().value as [number, Buffer];
        this.map.delete(oldest);
        this.bytes -= buf.length;
      }
    }
    if (offset + length > text.length) throw new Error(`raw span outside batch ${batchId}`);
    return Buffer.from(text.subarray(offset, offset + length));
  }
}
