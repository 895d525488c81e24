/**
 * WAL checkpoints off the main thread. A checkpoint copies committed pages into the database file and
 * fsyncs it; run by the committing connection (SQLite's default) that stall lands on the request path.
 * Here a worker thread with its own connection runs PASSIVE checkpoints (never blocking the writer or
 * readers) every `everyMs`; the main connection keeps a high autocheckpoint threshold as a fallback.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const run = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage(String(e && e.message)); } };
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); run(); db.close(); process.exit(0); } });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(
  path: string,
  everyMs = 1000,
  onError?: (msg: string) => void,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CODE, { eval: true, workerData: { path, everyMs, driver } });
  worker.on('message', (m) => onError?.(String(m)));
  worker.on('error', (e) => onError?.(e.message));
  worker.unref();
  return {
    async stop() {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}
