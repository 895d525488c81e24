/** Probe-facing: registration and check-in. */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CheckInResponse, ErrorBody, RegisterRequest, RegisterResponse } from '../../schemas/src/api.ts';
import { ProbeHeaders } from '../api-schemas.ts';
import { contentHash } from '../check-in/catalog.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { plainAddress } from '../geo/lookup.ts';
import { keyObjectFromRaw, probeIdForKey } from '../ingest/signature.ts';

export async function probeApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post<{ Body: Static<typeof RegisterRequest> }>(
    '/api/v1/probes/register',
    {
      config: { writes: true },
      schema: {
        summary: 'Register a probe key (the same key always gets the same probe_id)',
        body: RegisterRequest,
        response: { 200: RegisterResponse, 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (req) => {
      if (!ctx.buckets.register.take('register')) {
        throw new ApiError(429, 'rate_limited', 'too many registrations right now; retry later');
      }
      const raw = Buffer.from(req.body.public_key, 'base64');
      try {
        keyObjectFromRaw(raw);
      } catch {
        throw new ApiError(400, 'bad_public_key', 'public_key: not a valid Ed25519 public key');
      }
      const r = await ctx.storage.registerProbe({
        probe_id: probeIdForKey(raw),
        public_key: raw,
        software_name: req.body.software_name,
        software_version: req.body.software_version,
        platform: req.body.platform ?? null,
        created_ms: ctx.clock.now().getTime(),
      });
      if (r.created) ctx.metrics.inc('raabta_probes_registered_total');
      return { probe_id: r.probe_id };
    },
  );

  app.get<{ Headers: Static<typeof ProbeHeaders> }>(
    '/api/v1/check-in',
    {
      schema: {
        summary:
          "Where the caller is (country, ASN) from the collector's local database, its address echoed, and the " +
          'suites and schedule for that country and network; ETag / If-None-Match → 304',
        headers: ProbeHeaders,
        response: {
          200: CheckInResponse,
          304: Type.Null({ description: 'unchanged since the ETag sent in If-None-Match' }),
        },
      },
    },
    async (req, reply) => {
      const ip = plainAddress(req.ip);
      const g = ctx.geo.lookup(ip);
      const lists = ctx.checkIn.lists(g.cc, g.asn);
      const body: CheckInResponse = {
        probe_cc: g.cc,
        probe_asn: g.asn,
        probe_network_name: g.network_name ?? ctx.networks.nameOf(g.asn),
        probe_ip: ip,
        version: lists.version,
        suites: lists.suites,
        schedule: lists.schedule,
      };
      // the whole answer (address included) decides the ETag: a 304 means the cached answer is exact
      const etag = `"${contentHash({ ...body, suites: lists.version })}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (ifNoneMatch(req.headers['if-none-match'], etag)) return reply.code(304).send();
      return body;
    },
  );
}

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) entity tags. */
function ifNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((s) => s.trim());
  return tags.some((t) => t === '*' || t.replace(/^W\//, '') === etag);
}
