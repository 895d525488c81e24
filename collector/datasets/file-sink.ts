/**
 * A file being written: bytes go (optionally through gzip) to a temporary file next to the target, counted
 * and SHA-256-hashed exactly as they reach the disk, and the file is renamed into place only once complete,
 * so a reader (or the datasets route) never sees a half-written file. Writes wait for the stream to drain.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';

export interface FileSinkResult {
  bytes: number;
  sha256: string;
}

export interface FileSink {
  readonly path: string;
  /** Queues a chunk; resolves once the stream can take more (backpressure). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Flushes, waits for the disk, renames the file into place. */
  close(): Promise<FileSinkResult>;
  /** Stops and removes the temporary file. */
  abort(): Promise<void>;
}

/** Small chunks are gathered up to this many bytes before they reach the stream (fewer, larger writes). */
const BATCH_BYTES = 64 * 1024;

export function openFileSink(path: string, opts: { gzip?: boolean } = {}): FileSink {
  const tmp = `${path}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const file = createWriteStream(tmp);
  const gzip = opts.gzip ? createGzip({ level: constants.Z_DEFAULT_COMPRESSION }) : null;
  const head: Writable = gzip ?? counter;
  const done = gzip ? pipeline(gzip, counter, file) : pipeline(counter, file);

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let closed = false;
  // One waiter at a time (writes are awaited in turn): a single set of listeners for the sink's lifetime.
  let waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let ended: Error | null = null;
  head.on('drain', () => waiter?.resolve());
  done.then(
    () => {
      ended = new Error(`${path}: stream ended while waiting to write`);
      waiter?.reject(ended);
    },
    (err: Error) => {
      ended = err;
      waiter?.reject(err);
    },
  );

  async function push(buf: Buffer): Promise<void> {
    if (ended) throw ended;
    if (head.write(buf)) return;
    await new Promise<void>((resolve, reject) => {
      waiter = { resolve, reject };
    }).finally(() => {
      waiter = null;
    });
  }

  async function flushPending(): Promise<void> {
    if (!pendingBytes) return;
    const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await push(buf);
  }

  return {
    path,
    async write(chunk) {
      if (closed) throw new Error(`${path}: write after close`);
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= BATCH_BYTES) await flushPending();
    },
    async close() {
      await flushPending();
      closed = true;
      head.end();
      await done;
      await rename(tmp, path);
      return { bytes, sha256: hash.digest('hex') };
    },
    async abort() {
      closed = true;
      head.destroy();
      await done.catch(() => {});
      await rm(tmp, { force: true });
    },
  };
}
