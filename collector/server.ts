/**
 * start(): storage + app + listen (+ the demo on first start, + the detection and datasets publishing jobs).
 * Read-only (`readOnly`, e.g. on a PostgreSQL streaming replica): the storage is opened without migrations
 * (the schema must be at this collector's version), writes are refused, and no job that writes runs.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { loadDemoIfEmpty } from './demo/load-demo.ts';
import { createAnalyzer } from './ingest/analyze.ts';
import { type DetectFn, startDetectJob } from './jobs/detect-job.ts';
import { startPublishJob } from './jobs/publish-datasets.ts';
import { createLogger } from './logging.ts';
import type { AppOptions } from './options.ts';
import { describeDb, openStorage } from './storage/postgres/open-storage.ts';
import type { Synchronous } from './storage/sqlite/open.ts';
import type { Storage } from './storage/types.ts';

export interface StartOptions extends Omit<AppOptions, 'storage'> {
  /** SQLite file (created if missing), or a `postgres://` URL (docs/postgres.md) */
  db: string;
  port?: number;
  host?: string;
  synchronous?: Synchronous;
  /** load the simulated demo dataset when the database is empty */
  demo?: boolean;
  /** how often the disruption detector runs; 0 = never (and never with readOnly) */
  detectEveryMs?: number;
  /** the detector the detection job runs (tests); default collector/detect/ */
  detect?: DetectFn | null;
  /**
   * how often complete days are published to `datasetsDir` (first run right after start); 0 = never (and never
   * with readOnly: the files published there are still served)
   */
  publishDatasetsEveryMs?: number;
}

export interface RunningCollector {
  app: FastifyInstance;
  storage: Storage;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function start(o: StartOptions): Promise<RunningCollector> {
  const log = o.log ?? createLogger();
  const readOnly = o.readOnly ?? false;
  if (readOnly && o.demo) throw new Error('--read-only: the demo dataset cannot be loaded (it writes)');
  const storage = await openStorage(o.db, { synchronous: o.synchronous, readOnly });
  // a start that fails half-way closes what it opened (the storage's connections, the app's workers)
  const app = await buildApp({ ...o, storage, log }).catch(async (err) => {
    await storage.close();
    throw err;
  });
  try {
    if (o.demo) {
      await loadDemoIfEmpty(storage, log, {
        analyze: createAnalyzer((test, err) => log.warn({ test, err: err.message }, 'analysis failed')),
      });
    }
    await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' });
  } catch (err) {
    await app.close();
    await storage.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (o.port ?? 8080);
  const host = o.host && o.host !== '0.0.0.0' && o.host !== '::' ? o.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // jobs that write (events, dataset files) run only at collectors that may write
  const detect = readOnly
    ? null
    : startDetectJob(storage, log, { everyMs: o.detectEveryMs ?? 5 * 60_000, detect: o.detect });
  const clock = o.clock;
  const publish =
    o.datasetsDir && !readOnly
      ? startPublishJob(storage, log, {
          datasetsDir: o.datasetsDir,
          everyMs: o.publishDatasetsEveryMs ?? 3600_000,
          now: clock ? () => clock.now() : undefined,
        })
      : null;
  log.info({ url, db: describeDb(o.db), read_only: readOnly }, 'collector listening');
  let closed = false;
  return {
    app,
    storage,
    url,
    port,
    async close() {
      if (closed) return;
      closed = true;
      detect?.stop();
      await publish?.stop();
      await app.close();
      await storage.close();
    },
  };
}
