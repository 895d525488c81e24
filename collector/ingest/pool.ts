/**
 * A small pool of worker threads running prepareBatch, so parsing, validation, analysis and (when needed)
 * compression use the other cores while the main thread serves HTTP and writes SQLite. `size: 0` runs
 * everything inline (same code, one thread).
 */
import { Worker } from 'node:worker_threads';
import { createAnalyzer } from './analyze.ts';
import { type PrepareInput, type PrepareResult, prepareBatch } from './prepare.ts';

export interface PreparePool {
  readonly size: number;
  /** jobs submitted and not yet finished */
  pending(): number;
  prepare(input: PrepareInput, nowMs: number): Promise<PrepareResult>;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  inflight: number;
}

type Resolver = { resolve: (r: PrepareResult) => void; reject: (e: Error) => void };

function spawn(
  onMessage: (msg: { id: number; result: PrepareResult; analysis_errors: string[] }) => void,
): Slot {
  // workers do not inherit tsx's loader: register it first, then load the TypeScript entry
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(code, { eval: true });
  const ready = new Promise<void>((resolve, reject) => {
    const onFirst = (msg: { ready?: boolean }) => {
      if (msg.ready) {
        worker.off('message', onFirst);
        worker.on('message', onMessage);
        resolve();
      }
    };
    worker.on('message', onFirst);
    worker.once('error', reject);
  });
  ready.catch(() => {});
  return { worker, ready, inflight: 0 };
}

export function createPreparePool(size: number, onAnalysisError?: (msg: string) => void): PreparePool {
  if (size <= 0) {
    const analyze = createAnalyzer((test, err) => onAnalysisError?.(`${test}: ${err.message}`));
    let running = 0;
    return {
      size: 0,
      pending: () => running,
      async prepare(input, nowMs) {
        running++;
        try {
          return prepareBatch(input, analyze, nowMs);
        } finally {
          running--;
        }
      },
      async close() {},
    };
  }
  const waiting = new Map<number, Resolver & { slot: Slot }>();
  let nextId = 1;
  const slots: Slot[] = [];
  const onMessage = (msg: { id: number; result: PrepareResult; analysis_errors: string[] }) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    w.slot.inflight--;
    for (const e of msg.analysis_errors) onAnalysisError?.(e);
    w.resolve(msg.result);
  };
  let closing = false;
  /** A worker that dies (e.g. out of memory on a huge batch) fails its jobs and is replaced. */
  const start = (i: number) => {
    const slot = spawn(onMessage);
    slot.worker.once('exit', (code) => {
      for (const [id, w] of waiting) {
        if (w.slot === slot) {
          waiting.delete(id);
          w.reject(new Error(`upload preparation worker exited (${code})`));
        }
      }
      if (!closing) slots[i] = start(i);
    });
    slot.worker.on('error', (err) => onAnalysisError?.(`preparation worker failed: ${err.message}`));
    return slot;
  };
  for (let i = 0; i < size; i++) slots.push(start(i));
  return {
    size,
    pending: () => waiting.size,
    async prepare(input, nowMs) {
      const slot = slots.reduce((a, b) => (b.inflight < a.inflight ? b : a));
      await slot.ready;
      const id = nextId++;
      slot.inflight++;
      // copy into a buffer of our own so it can be transferred without touching Node's shared pool
      const body = new Uint8Array(input.body);
      return new Promise<PrepareResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, input: { ...input, body }, now_ms: nowMs }, [body.buffer]);
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
