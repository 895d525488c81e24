/** /healthz (with whether this collector is read-only), /metrics (Prometheus text) and the API documentation. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { OpenApiCollector } from '../openapi.ts';
import type { WriteMode } from './read-only.ts';

export async function opsRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  docs: OpenApiCollector,
  mode: WriteMode,
): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        summary:
          'Liveness: the process serves and the database answers; read_only: true on a collector that refuses ' +
          'writes (--read-only, e.g. on a database replica)',
        response: {
          200: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              read_only: { type: 'boolean', description: 'present (true) only on a read-only collector' },
              replica_lag_seconds: {
                type: ['number', 'null'],
                description:
                  'read-only collector on a PostgreSQL replica: seconds its data is behind the primary (0: all ' +
                  'received is replayed); null when its database is not a replica',
              },
            },
            required: ['ok'],
          },
        },
      },
    },
    // `{ ok: true }` as ever on a collector that writes (scripts compare the whole answer)
    async () => {
      await ctx.storage.ping();
      if (!mode.readOnly) return { ok: true };
      const lag = ctx.storage.replicaLagSeconds;
      return lag
        ? { ok: true, read_only: true, replica_lag_seconds: await lag.call(ctx.storage) }
        : { ok: true, read_only: true };
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text format 0.0.4)' } },
    async (_req, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return ctx.metrics.render();
    },
  );

  app.get('/api/docs/openapi.json', async () => docs.document());
  app.get('/api/docs', async (_req, reply) => {
    reply.type('text/html; charset=utf-8');
    return docs.html();
  });
}
