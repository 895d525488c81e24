/** buildApp options and their defaults. */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Clock, RunSettings } from '../probe/context.ts';
import type { CheckInStore } from './check-in/store.ts';
import type { GeoLookup } from './geo/lookup.ts';
import type { RateLimit } from './rate-limit.ts';
import type { Storage } from './storage/types.ts';

export interface AppOptions {
  storage: Storage;
  clock?: Clock;
  log?: Logger;
  /** Bearer token for /api/v1/admin/*; admin routes answer 403 admin_disabled without one */
  adminToken?: string | null;
  /** allow-list of the control's guarded dialer (probe/net/guard.ts syntax); default `public` */
  allow?: string;
  /** local MaxMind-format databases for check-in (ASN and country) */
  mmdb?: string[];
  /** alternative to `mmdb` (tests) */
  geo?: GeoLookup;
  /** Fastify trustProxy: true, a hop count, or comma-separated trusted addresses/CIDRs */
  trustProxy?: boolean | number | string;
  /** worker threads preparing uploads; 0 = on the main thread */
  prepareWorkers?: number;
  limits?: Partial<Limits>;
  rateLimits?: Partial<RateLimits>;
  /** built dashboard (index.html + assets); null = never serve it */
  dashboardDir?: string | null;
  /** where dataset exports live (manifest.json + <date>/<file>) */
  datasetsDir?: string | null;
  /** ASN names: collector/data/networks.json by default */
  networksFile?: string;
  /** how the control names itself in `control.source` */
  controlSource?: string;
  controlSettings?: Partial<RunSettings>;
  /** suites and schedule handed out at check-in, already open (the caller closes it; collector/cli.ts) */
  checkIn?: CheckInStore;
  /** otherwise: the operator's check-in directory (collector/check-in/catalog.ts); null = built-in suites */
  checkInDir?: string | null;
  /** with checkInDir: reload when a file in it changes */
  checkInWatch?: boolean;
  /**
   * refuse every write (uploads, registrations, admin edits: `503 read_only`), e.g. on a PostgreSQL streaming
   * replica; the storage should then be opened read-only too (server.ts does)
   */
  readOnly?: boolean;
  /** with readOnly: the base URL of a writing collector, named in the 503 answers */
  primaryUrl?: string | null;
}

export interface Limits {
  /** request body as sent (compressed) */
  bodyBytes: number;
  /** an upload batch after gunzip */
  decompressedBytes: number;
  /** any other JSON request body */
  jsonBodyBytes: number;
  pageSize: number;
  maxPageSize: number;
  maxTimelineBuckets: number;
}

export interface RateLimits {
  uploads: RateLimit;
  control: RateLimit;
  register: RateLimit;
}

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 8 * 1024 * 1024,
  decompressedBytes: 64 * 1024 * 1024,
  jsonBodyBytes: 64 * 1024,
  pageSize: 100,
  maxPageSize: 1000,
  maxTimelineBuckets: 5000,
};

export const DEFAULT_RATE_LIMITS: RateLimits = {
  /** per probe: a backlog of 60 batches at once, then one a second */
  uploads: { capacity: 60, perSecond: 1 },
  /** per probe id header (or one shared bucket without one): the control dials out, keep it modest */
  control: { capacity: 20, perSecond: 2 },
  /** all registrations together (there is no address to key on, by design) */
  register: { capacity: 100, perSecond: 10 },
};

export const DEFAULT_CONTROL_SETTINGS: RunSettings = {
  resolver: null,
  stepTimeoutMs: 10_000,
  bodyCapBytes: 65_536,
};

export function defaultPrepareWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}
