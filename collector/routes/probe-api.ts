/** Probe-facing: registration and check-in. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CheckInResponse, ErrorBody, RegisterRequest, RegisterResponse } from '../../schemas/src/api.ts';
import { ProbeHeaders } from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { plainAddress } from '../geo/lookup.ts';
import { keyObjectFromRaw, probeIdForKey } from '../ingest/signature.ts';

export async function probeApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post<{ Body: Static<typeof RegisterRequest> }>(
    '/api/v1/probes/register',
    {
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
        summary: "Where the caller is (country, ASN) from the collector's local database; its address echoed",
        headers: ProbeHeaders,
        response: { 200: CheckInResponse },
      },
    },
    async (req) => {
      const ip = plainAddress(req.ip);
      const g = ctx.geo.lookup(ip);
      return {
        probe_cc: g.cc,
        probe_asn: g.asn,
        probe_network_name: g.network_name ?? ctx.networks.nameOf(g.asn),
        probe_ip: ip,
        suites: ctx.checkIn.suites,
        schedule: ctx.checkIn.schedule,
      };
    },
  );
}
