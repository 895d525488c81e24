/**
 * Read-only mode (`raabta collector start --read-only`, e.g. on a PostgreSQL streaming replica): every route
 * that writes declares `config: { writes: true }`; this hook documents `503 read_only` on those routes (in
 * OpenAPI too) and, in read-only mode, answers it before anything else runs (no body parsed, no key looked
 * up, no rate limit taken), naming the primary's collector when `--primary-url` was given.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { ErrorBody } from '../../schemas/src/api.ts';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route writes to the database: refused by a read-only collector */
    writes?: boolean;
  }
}

export interface WriteMode {
  readOnly: boolean;
  /** where writes go instead (the writing collectors' base URL), when known */
  primaryUrl: string | null;
}

/** 503 of a read-only collector: the error, and the writing collectors' base URL when it is known. */
export const ReadOnlyError = Type.Object({
  error: ErrorBody.properties.error,
  primary_url: Type.Optional(Type.String({ description: 'base URL of a collector that takes writes' })),
});

export function readOnlyError(mode: WriteMode, path: string): ApiError {
  const where = mode.primaryUrl
    ? `; send it to ${mode.primaryUrl.replace(/\/+$/, '')}${path} instead`
    : '; send it to a collector on the primary database';
  return new ApiError(
    503,
    'read_only',
    `this collector is read-only (it serves a database replica)${where}`,
    mode.primaryUrl ? { primary_url: mode.primaryUrl } : undefined,
  );
}

/** Must be installed before the routes are registered (an onRoute hook sees only the routes after it). */
export function installWriteGuard(app: FastifyInstance, mode: WriteMode): void {
  app.addHook('onRoute', (r) => {
    if (!r.config?.writes) return;
    r.schema = { ...r.schema, response: { ...(r.schema?.response as object), 503: ReadOnlyError } };
    if (!mode.readOnly) return;
    const refuse: onRequestHookHandler = async (req) => {
      throw readOnlyError(mode, req.url.split('?')[0]);
    };
    const own = r.onRequest ? (Array.isArray(r.onRequest) ? r.onRequest : [r.onRequest]) : [];
    r.onRequest = [refuse, ...own];
  });
}
