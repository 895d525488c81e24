/** start(): storage + app + listen (+ the demo on first start, + the detection and datasets publishing jobs). */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { loadDemoIfEmpty } from './demo/load-demo.ts';
import { createAnalyzer } from './ingest/analyze.ts';
import { startDetectJob } from './jobs/detect-job.ts';
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
  /** how often the disruption detector runs; 0 = never */
  detectEveryMs?: number;
  /** how often complete days are published to `datasetsDir` (first run right after start); 0 = never */
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
  const storage = await openStorage(o.db, { synchronous: o.synchronous });
  const app = await buildApp({ ...o, storage, log });
  if (o.demo) {
    await loadDemoIfEmpty(storage, log, {
      analyze: createAnalyzer((test, err) => log.warn({ test, err: err.message }, 'analysis failed')),
    });
  }
  await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (o.port ?? 8080);
  const host = o.host && o.host !== '0.0.0.0' && o.host !== '::' ? o.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const detect = startDetectJob(storage, log, { everyMs: o.detectEveryMs ?? 5 * 60_000 });
  const clock = o.clock;
  const publish = o.datasetsDir
    ? startPublishJob(storage, log, {
        datasetsDir: o.datasetsDir,
        everyMs: o.publishDatasetsEveryMs ?? 3600_000,
        now: clock ? () => clock.now() : undefined,
      })
    : null;
  log.info({ url, db: describeDb(o.db) }, 'collector listening');
  let closed = false;
  return {
    app,
    storage,
    url,
    port,
    async close() {
      if (closed) return;
      closed = true;
      detect.stop();
      await publish?.stop();
      await app.close();
      await storage.close();
    },
  };
}
