/** What every route needs, built once by buildApp. */
import type { Logger } from 'pino';
import type { Clock, RunSettings } from '../probe/context.ts';
import type { Dialer } from '../probe/net/dialer.ts';
import type { CheckInStore } from './check-in/store.ts';
import type { GeoLookup } from './geo/lookup.ts';
import type { PreparePool } from './ingest/pool.ts';
import type { KeyCache } from './ingest/signature.ts';
import type { WriteQueue } from './ingest/write-queue.ts';
import type { Metrics } from './metrics.ts';
import type { NetworkCatalog } from './networks.ts';
import type { Limits } from './options.ts';
import type { TokenBuckets } from './rate-limit.ts';
import type { Storage } from './storage/types.ts';

export interface AppContext {
  storage: Storage;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  limits: Limits;
  pool: PreparePool;
  writes: WriteQueue;
  keys: KeyCache;
  geo: GeoLookup;
  networks: NetworkCatalog;
  buckets: { uploads: TokenBuckets; control: TokenBuckets; register: TokenBuckets };
  adminToken: string | null;
  control: { dialer: () => Dialer; settings: RunSettings; source: string };
  checkIn: CheckInStore;
  dashboardDir: string | null;
  datasetsDir: string | null;
}
