/** Measurements: filtered pages (newest first, cursor), one with its verdicts, and the raw bytes. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../schemas/src/api.ts';
import { MeasurementDetail, MeasurementsPage, MeasurementsQuery, UidParams } from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { parseBool, parseTime, toSummary } from './shapes.ts';

export async function measurementRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: Static<typeof MeasurementsQuery> }>(
    '/api/v1/measurements',
    {
      schema: {
        summary: 'Measurements, newest first, with the current verdict; follow next_cursor for more',
        querystring: MeasurementsQuery,
        response: { 200: MeasurementsPage, 400: ErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await ctx.storage.listMeasurements({
        since_ms: parseTime('since', q.since),
        until_ms: parseTime('until', q.until),
        test_name: q.test_name,
        input: q.input,
        target_group: q.target_group,
        probe_asn: q.probe_asn,
        probe_cc: q.probe_cc,
        probe_id: q.probe_id,
        status: q.status,
        method: q.method,
        simulated: parseBool(q.simulated),
        limit: Math.min(q.limit ?? ctx.limits.pageSize, ctx.limits.maxPageSize),
        cursor: q.cursor,
      });
      return { results: page.rows.map(toSummary), next_cursor: page.next_cursor };
    },
  );

  const notFound = (uid: string) =>
    new ApiError(404, 'not_found', `measurement_uid: no measurement "${uid}"`);

  app.get<{ Params: Static<typeof UidParams> }>(
    '/api/v1/measurements/:uid',
    {
      schema: {
        summary: 'One measurement exactly as stored, with every verdict (probe and collector)',
        params: UidParams,
        response: { 200: MeasurementDetail, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const m = await ctx.storage.getMeasurement(req.params.uid);
      if (!m) throw notFound(req.params.uid);
      // the stored bytes go out as they are, without a parse/serialise round trip
      const verdicts = JSON.stringify(m.verdicts);
      reply.type('application/json; charset=utf-8');
      return reply.send(`{"measurement":${m.raw.toString('utf8')},"verdicts":${verdicts}}`);
    },
  );

  app.get<{ Params: Static<typeof UidParams> }>(
    '/api/v1/measurements/:uid/raw',
    {
      schema: {
        summary: 'The raw measurement JSON exactly as stored (as uploaded, after the address scrub)',
        params: UidParams,
        response: { 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const m = await ctx.storage.getMeasurement(req.params.uid);
      if (!m) throw notFound(req.params.uid);
      reply.type('application/json; charset=utf-8');
      reply.header('content-disposition', `inline; filename="${req.params.uid}.json"`);
      return reply.send(m.raw);
    },
  );
}
