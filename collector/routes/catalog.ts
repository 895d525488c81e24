/** Networks (names), coverage (counts only) and the datasets manifest. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../schemas/src/api.ts';
import { CoverageResponse, DatasetParams, DatasetsResponse, NetworksResponse } from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { datasetsIndex, resolveDatasetFile } from '../datasets/manifest.ts';
import { ApiError } from '../errors.ts';
import { iso } from './shapes.ts';

const CONTENT_TYPES: Record<string, string> = {
  'jsonl.gz': 'application/gzip',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

const fileUrl = (date: string, name: string) =>
  `/api/v1/datasets/${encodeURIComponent(date)}/${encodeURIComponent(name)}`;

export async function catalogRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/api/v1/networks',
    { schema: { summary: 'Known networks (ASN names)', response: { 200: NetworksResponse } } },
    async () => ({ results: ctx.networks.list() }),
  );

  app.get(
    '/api/v1/probes',
    {
      schema: {
        summary: 'Coverage per network: counts of probes and measurements only',
        response: { 200: CoverageResponse },
      },
    },
    async () => {
      const rows = await ctx.storage.coverage();
      return {
        results: rows.map((r) => ({
          probe_asn: r.probe_asn,
          probe_cc: r.probe_cc,
          network_name: r.network_name ?? ctx.networks.nameOf(r.probe_asn),
          probes: r.probes,
          measurements: r.measurements,
          last_seen: r.last_seen_ms === null ? null : iso(r.last_seen_ms),
        })),
      };
    },
  );

  app.get(
    '/api/v1/datasets',
    { schema: { summary: 'Manifest of daily dataset exports', response: { 200: DatasetsResponse } } },
    async () => (ctx.datasetsDir ? datasetsIndex(ctx.datasetsDir, fileUrl) : { results: [] }),
  );

  app.get<{ Params: Static<typeof DatasetParams> }>(
    '/api/v1/datasets/:date/:name',
    { schema: { summary: 'One dataset file', params: DatasetParams, response: { 404: ErrorBody } } },
    async (req, reply) => {
      const { date, name } = req.params;
      // only names listed in that day's manifest resolve (collector/datasets/manifest.ts): no traversal
      const found = ctx.datasetsDir ? await resolveDatasetFile(ctx.datasetsDir, date, name) : null;
      if (!found || !existsSync(found.path))
        throw new ApiError(404, 'not_found', `no dataset file ${date}/${name}`);
      const file = found.path;
      const ext = Object.keys(CONTENT_TYPES).find((e) => name.endsWith(`.${e}`));
      reply.type(ext ? CONTENT_TYPES[ext] : 'application/octet-stream');
      reply.header('content-length', statSync(file).size);
      reply.header('content-disposition', `attachment; filename="${name}"`);
      return reply.send(createReadStream(file));
    },
  );
}
