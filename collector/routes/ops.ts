/** /healthz, /metrics (Prometheus text) and the API documentation. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { OpenApiCollector } from '../openapi.ts';

export async function opsRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  docs: OpenApiCollector,
): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process serves and the database answers',
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async () => {
      await ctx.storage.stats();
      return { ok: true };
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
