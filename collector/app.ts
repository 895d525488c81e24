/**
 * buildApp: the collector as a Fastify instance, ready for `inject` (tests) or `listen` (server.ts).
 * The caller owns the storage (and closes it); the app owns its worker threads (closed with the app).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type Clock, systemClock } from '../probe/context.ts';
import { createDialer, type Dialer } from '../probe/net/dialer.ts';
import { createGuard } from '../probe/net/guard.ts';
import { openCheckInStore } from './check-in/store.ts';
import type { AppContext } from './context.ts';
import { installErrorHandler } from './errors.ts';
import { type GeoLookup, openGeo } from './geo/lookup.ts';
import { createPreparePool } from './ingest/pool.ts';
import { KeyCache } from './ingest/signature.ts';
import { WriteQueue } from './ingest/write-queue.ts';
import { addressFreeLogger, createLogger, installRequestLog } from './logging.ts';
import { recent } from './metrics.ts';
import { registerMetrics } from './metrics-setup.ts';
import { loadNetworks } from './networks.ts';
import { OpenApiCollector } from './openapi.ts';
import {
  type AppOptions,
  DEFAULT_CONTROL_SETTINGS,
  DEFAULT_LIMITS,
  DEFAULT_RATE_LIMITS,
  defaultPrepareWorkers,
} from './options.ts';
import { TokenBuckets } from './rate-limit.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { controlRoutes } from './routes/control.ts';
import { eventRoutes } from './routes/events.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { measurementRoutes } from './routes/measurements.ts';
import { opsRoutes } from './routes/ops.ts';
import { probeApiRoutes } from './routes/probe-api.ts';
import { installWriteGuard, type WriteMode } from './routes/read-only.ts';
import { timelineRoutes } from './routes/timeline.ts';
import { installNotFound, installSecurityHeaders } from './static.ts';

export type { AppOptions } from './options.ts';

function trustProxySetting(
  v: AppOptions['trustProxy'],
): boolean | string[] | ((a: string, i: number) => boolean) {
  if (v === undefined || v === false) return false;
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (typeof v === 'number') return (_addr: string, hop: number) => hop < v;
  return v;
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const clock: Clock = o.clock ?? systemClock;
  const log = addressFreeLogger(o.log ?? createLogger());
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const rate = { ...DEFAULT_RATE_LIMITS, ...o.rateLimits };
  const networks = loadNetworks(o.networksFile);
  const geo: GeoLookup = o.geo ?? openGeo(o.mmdb ?? [], (asn) => networks.nameOf(asn));
  // before anything else is started: a bad check-in file makes buildApp throw, naming the file
  const checkIn =
    o.checkIn ?? openCheckInStore({ dir: o.checkInDir ?? null, log, watch: o.checkInWatch ?? false });
  const mode: WriteMode = { readOnly: o.readOnly ?? false, primaryUrl: o.primaryUrl ?? null };
  // a read-only collector prepares no uploads: no worker threads
  const workers = mode.readOnly ? 0 : (o.prepareWorkers ?? defaultPrepareWorkers());
  const pool = createPreparePool(workers, (msg) =>
    log.warn({ msg }, 'collector analysis failed on a measurement'),
  );
  let dialer: Dialer | undefined;
  const ctx: AppContext = {
    storage: o.storage,
    clock,
    log,
    metrics: registerMetrics(),
    limits,
    pool,
    writes: new WriteQueue(o.storage),
    keys: new KeyCache(),
    geo,
    networks,
    buckets: {
      uploads: new TokenBuckets(rate.uploads, clock.monotonic),
      control: new TokenBuckets(rate.control, clock.monotonic),
      register: new TokenBuckets(rate.register, clock.monotonic),
    },
    adminToken: o.adminToken || null,
    control: {
      dialer: () => {
        dialer ??= createDialer({ guard: createGuard(o.allow ?? 'public') });
        return dialer;
      },
      settings: { ...DEFAULT_CONTROL_SETTINGS, ...o.controlSettings },
      source: o.controlSource ?? 'raabta-collector',
    },
    checkIn,
    dashboardDir: o.dashboardDir === undefined ? null : o.dashboardDir,
    datasetsDir: o.datasetsDir ?? null,
  };
  ctx.metrics.gauge('raabta_prepare_queue_depth', 'upload batches being prepared (workers)', () =>
    pool.pending(),
  );
  ctx.metrics.gauge('raabta_write_queue_depth', 'prepared batches waiting for the next commit', () =>
    ctx.writes.depth(),
  );
  ctx.metrics.gauge('raabta_ingest_commits', 'database commits of upload batches since start', () =>
    ctx.writes.commitCount(),
  );
  ctx.metrics.gauge('raabta_read_only', '1 when this collector refuses writes (--read-only)', () =>
    mode.readOnly ? 1 : 0,
  );
  const lag = o.storage.replicaLagSeconds;
  if (mode.readOnly && lag) {
    ctx.metrics.gauge(
      'raabta_replica_lag_seconds',
      'seconds the database replica is behind its primary (0: all received is replayed; NaN: not a replica)',
      async () => (await lag.call(o.storage)) ?? Number.NaN,
    );
  }
  // one stats() per scrape for both gauges (it counts tables), and at most one every 10 s
  const stats = recent(() => o.storage.stats(), 10_000);
  ctx.metrics.gauge('raabta_db_bytes', 'database size on disk, bytes', async () => (await stats()).bytes);
  ctx.metrics.gauge(
    'raabta_measurements_stored',
    'measurements in the database',
    async () => (await stats()).measurements,
  );

  const app = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxySetting(o.trustProxy),
    bodyLimit: limits.jsonBodyBytes,
    // a client that trickles its request is cut off (slow-loris); uploads of 8 MB fit easily
    requestTimeout: 60_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  // before the docs collect the routes: it adds the documented 503 read_only to the routes that write
  installWriteGuard(app, mode);
  const docs = new OpenApiCollector();
  docs.install(app);
  installRequestLog(app, log);
  installSecurityHeaders(app);
  installErrorHandler(app, log, (code) => ctx.metrics.inc('raabta_http_errors_total', { code }));
  installNotFound(app, ctx.dashboardDir);
  app.addHook('onClose', async () => {
    if (!o.checkIn) checkIn.close();
    await pool.close();
  });

  await app.register(async (scope) => ingestRoutes(scope, ctx));
  await app.register(async (scope) => {
    await probeApiRoutes(scope, ctx);
    await controlRoutes(scope, ctx);
    await measurementRoutes(scope, ctx);
    await timelineRoutes(scope, ctx);
    await eventRoutes(scope, ctx);
    await catalogRoutes(scope, ctx);
    await opsRoutes(scope, ctx, docs, mode);
  });
  return app;
}
