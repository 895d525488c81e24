/** Events: list, one with sample evidence, the admin edit, and the Atom feeds. */
import { timingSafeEqual } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorBody } from '../../schemas/src/api.ts';
import {
  AdminEventPatch,
  AdminHeaders,
  EventDetail,
  EventParams,
  EventsQuery,
  FeedQuery,
  GroupedEvent,
} from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { atomFeed } from '../feed/atom.ts';
import { relatedGroups } from '../related/related-lookup.ts';
import { groupFields } from '../related/related-shape.ts';
import type { EventRecord } from '../storage/types.ts';
import { parseTime, toEvent, toSummary } from './shapes.ts';

const EVIDENCE_SAMPLE = 20;

function checkAdmin(ctx: AppContext, req: FastifyRequest): void {
  if (!ctx.adminToken)
    throw new ApiError(403, 'admin_disabled', 'no admin token is configured (--admin-token)');
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  const given = Buffer.from(m?.[1] ?? '');
  const want = Buffer.from(ctx.adminToken);
  if (!m || given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new ApiError(401, 'unauthorized', 'Authorization: a valid "Bearer <admin token>" is required');
  }
}

/** Events in the API's shape, each with its group (family, group_id, related) looked up in storage. */
async function withGroups(ctx: AppContext, events: EventRecord[]) {
  const groups = await relatedGroups(ctx.storage, events);
  return events.map((e) => ({ ...toEvent(e), ...groupFields(e, groups.get(e.id)) }));
}

export async function eventRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/api/v1/events',
    {
      schema: {
        summary: 'Disruption events, newest first',
        querystring: EventsQuery,
        response: {
          200: { type: 'object', properties: { results: { type: 'array', items: GroupedEvent } } },
          400: ErrorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const events = await ctx.storage.listEvents({
        since_ms: parseTime('since', q.since),
        until_ms: parseTime('until', q.until),
        target_group: q.target_group,
        probe_asn: q.probe_asn,
        status: q.status,
        limit: q.limit ?? 100,
      });
      return { results: await withGroups(ctx, events) };
    },
  );

  app.get<{ Params: Static<typeof EventParams> }>(
    '/api/v1/events/:id',
    {
      schema: {
        summary: 'One event with sample measurements as evidence and the related events of its group',
        params: EventParams,
        response: { 200: EventDetail, 404: ErrorBody },
      },
    },
    async (req) => {
      const e = await ctx.storage.getEvent(req.params.id);
      if (!e) throw new ApiError(404, 'not_found', `id: no event "${req.params.id}"`);
      const evidence = await ctx.storage.summariesByUid(e.evidence.slice(0, EVIDENCE_SAMPLE));
      const [withGroup] = await withGroups(ctx, [e]);
      return { ...withGroup, evidence: evidence.map(toSummary) };
    },
  );

  app.patch<{ Params: Static<typeof EventParams>; Body: Static<typeof AdminEventPatch> }>(
    '/api/v1/admin/events/:id',
    {
      bodyLimit: ctx.limits.jsonBodyBytes,
      config: { writes: true },
      schema: {
        summary: 'Admin: retitle an event and/or add a note (Authorization: Bearer <admin token>)',
        params: EventParams,
        headers: AdminHeaders,
        body: AdminEventPatch,
        response: { 200: GroupedEvent, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      // authenticate before the body is even validated
      preValidation: async (req) => checkAdmin(ctx, req),
    },
    async (req) => {
      const e = await ctx.storage.editEvent(req.params.id, { ...req.body, at_ms: ctx.clock.now().getTime() });
      if (!e) throw new ApiError(404, 'not_found', `id: no event "${req.params.id}"`);
      const [withGroup] = await withGroups(ctx, [e]);
      return withGroup;
    },
  );

  app.get<{ Querystring: Static<typeof FeedQuery> }>(
    '/events.atom',
    {
      schema: { summary: 'Atom feed of events (optionally one service and/or ISP)', querystring: FeedQuery },
    },
    async (req, reply) => {
      const events = await ctx.storage.listEvents({ ...req.query, limit: 100 });
      const host = req.headers.host ?? 'localhost';
      const base = `${req.protocol}://${host}`;
      const scope = [req.query.target_group, req.query.probe_asn].filter(Boolean).join(', ');
      const updated = Math.max(0, ...events.map((e) => Math.max(e.start_ms, e.end_ms ?? 0)));
      reply.type('application/atom+xml; charset=utf-8');
      return atomFeed(events, {
        groups: await relatedGroups(ctx.storage, events),
        base,
        self: req.url,
        title: `Raabta: disruption events${scope ? ` (${scope})` : ''}`,
        updatedMs: updated || ctx.clock.now().getTime(),
      });
    },
  );
}
