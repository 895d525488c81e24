/** GET /api/v1/timeline: bucketed counts per series, from the rollups only. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../schemas/src/api.ts';
import { TimelineQuery, TimelineResponse } from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { BUCKET_SECONDS, type BucketName, type TimelineCell } from '../storage/types.ts';
import { iso, parseBool, parseTime } from './shapes.ts';

/** Default span by bucket size when `since` is not given. */
const DEFAULT_SPAN_BUCKETS: Record<BucketName, number> = { '10m': 144, '1h': 168, '1d': 90 };

export async function timelineRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: Static<typeof TimelineQuery> }>(
    '/api/v1/timeline',
    {
      schema: {
        summary: 'Counts by status, method and distinct probes per time bucket; empty buckets are omitted',
        querystring: TimelineQuery,
        response: { 200: TimelineResponse, 400: ErrorBody },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const bucket = q.bucket ?? '1h';
      const size = BUCKET_SECONDS[bucket] * 1000;
      const until = parseTime('until', q.until) ?? ctx.clock.now().getTime();
      const since = parseTime('since', q.since) ?? until - DEFAULT_SPAN_BUCKETS[bucket] * size;
      if (since >= until) throw new ApiError(400, 'bad_range', 'since: must be before until');
      if ((until - since) / size > ctx.limits.maxTimelineBuckets) {
        throw new ApiError(
          400,
          'range_too_large',
          `since/until: more than ${ctx.limits.maxTimelineBuckets} buckets of ${bucket}; use a larger bucket`,
        );
      }
      const byAsn = parseBool(q.by_asn) ?? false;
      const groupBy = q.group_by ?? 'target_group';
      const cells = await ctx.storage.timeline({
        bucket,
        since_ms: since,
        until_ms: until,
        group_by: groupBy,
        by_asn: byAsn,
        target_group: q.target_group,
        input: q.input,
        probe_asn: q.probe_asn,
        probe_cc: q.probe_cc,
        simulated: parseBool(q.simulated),
      });
      // thousands of buckets: written as JSON directly (the schema above documents the same shape)
      const series = new Map<string, { key: string; cells: TimelineCell[] }>();
      let simulated = false;
      for (const c of cells) {
        const key: Record<string, string | null> = { target_group: c.target_group };
        if (groupBy === 'input') key.input = c.input ?? null;
        if (byAsn) key.probe_asn = c.probe_asn ?? null;
        const id = JSON.stringify(key);
        let s = series.get(id);
        if (!s) {
          s = { key: id, cells: [] };
          series.set(id, s);
        }
        s.cells.push(c);
        if (c.simulated) simulated = true;
      }
      const isoOf = new Map<number, string>();
      const out: string[] = [];
      for (const s of series.values()) {
        s.cells.sort((a, b) => a.t_ms - b.t_ms);
        const buckets = s.cells.map((c) => {
          let t = isoOf.get(c.t_ms);
          if (t === undefined) {
            t = iso(c.t_ms);
            isoOf.set(c.t_ms, t);
          }
          const n = c.counts;
          return `{"t":"${t}","ok":${n.ok},"blocked":${n.blocked},"down":${n.down},"error":${n.error},"inconclusive":${n.inconclusive},"probes":${c.probes},"methods":${JSON.stringify(c.methods)}}`;
        });
        out.push(`{"key":${s.key},"buckets":[${buckets.join(',')}]}`);
      }
      reply.type('application/json; charset=utf-8');
      return reply.send(
        `{"bucket":"${bucket}","since":"${iso(since)}","until":"${iso(until)}","series":[${out.join(',')}],"simulated":${simulated}}`,
      );
    },
  );
}
