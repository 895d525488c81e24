/**
 * POST /api/v1/measurements: a signed batch. Order of checks: size (Fastify, 413) → probe id and key
 * (401) → Ed25519 signature over the exact body bytes (401) → per-probe rate limit (429) → the rest in a
 * worker (gzip, UTF-8, JSON, schema per item; 400/413) → one commit. Nothing is stored unless every item
 * is valid; duplicates (by measurement_uid) are reported, never stored twice.
 */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody, UploadBatch, UploadResponse } from '../../schemas/src/api.ts';
import { UploadHeaders } from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { decodeSignature, verifyBody } from '../ingest/signature.ts';

/** 400: the error, plus per-item results when measurements were invalid (then nothing was stored) */
const RejectedUpload = Type.Object({
  error: ErrorBody.properties.error,
  accepted: Type.Optional(Type.Integer()),
  duplicate: Type.Optional(Type.Integer()),
  rejected: Type.Optional(Type.Integer()),
  results: Type.Optional(UploadResponse.properties.results),
});

export async function ingestRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // the body is needed as bytes (the signature covers them): no JSON parsing before verification
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ctx.limits.bodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  const { metrics } = ctx;
  const reject = (status: number, code: string, message: string, extra?: Record<string, unknown>) => {
    metrics.inc('raabta_ingest_rejected_batches_total', { code });
    return new ApiError(status, code, message, extra);
  };

  app.post<{ Headers: Static<typeof UploadHeaders>; Body: Buffer }>(
    '/api/v1/measurements',
    {
      bodyLimit: ctx.limits.bodyBytes,
      config: { writes: true },
      schema: {
        summary: 'Upload a signed batch of measurements (JSON, optionally Content-Encoding: gzip)',
        headers: UploadHeaders,
        documentedBody: UploadBatch,
        response: {
          200: UploadResponse,
          400: RejectedUpload,
          401: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        throw reject(415, 'unsupported_media_type', 'Content-Type: must be application/json');
      }
      const enc = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (enc !== 'gzip' && enc !== 'identity') {
        throw reject(415, 'unsupported_encoding', `Content-Encoding: "${enc}" is not supported (use gzip)`);
      }
      const probeId = req.headers['x-raabta-probe-id'];
      if (!probeId) throw reject(401, 'missing_probe_id', 'X-Raabta-Probe-Id: header missing');
      const sigHeader = req.headers['x-raabta-signature'];
      if (!sigHeader)
        throw reject(401, 'missing_signature', 'X-Raabta-Signature: header missing (unsigned upload)');
      const key = await ctx.keys.get(probeId, (id) => ctx.storage.probeKey(id));
      if (!key) throw reject(401, 'unknown_probe', `X-Raabta-Probe-Id: no probe "${probeId}" is registered`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const sig = decodeSignature(sigHeader);
      if (!sig)
        throw reject(401, 'bad_signature', 'X-Raabta-Signature: not a base64 Ed25519 signature (64 bytes)');
      if (!verifyBody(key, body, sig)) {
        throw reject(
          401,
          'bad_signature',
          "X-Raabta-Signature: does not verify with this probe's key over the body",
        );
      }
      if (!ctx.buckets.uploads.take(probeId)) {
        reply.header('retry-after', String(Math.max(1, ctx.buckets.uploads.retryAfter(probeId))));
        throw reject(429, 'rate_limited', `too many uploads from probe ${probeId}; retry later`);
      }
      const callerIps = [req.ip, req.socket.remoteAddress ?? ''];
      // tell the write queue this batch is coming, so a commit can wait for it (group commit)
      const arrival = ctx.writes.announce();
      let prep: Awaited<ReturnType<typeof ctx.pool.prepare>>;
      try {
        prep = await ctx.pool.prepare(
          {
            body,
            encoding: enc,
            signature: sig,
            probe_id: probeId,
            caller_ips: callerIps,
            received_ms: ctx.clock.now().getTime(),
            max_decompressed_bytes: ctx.limits.decompressedBytes,
          },
          ctx.clock.now().getTime(),
        );
      } catch (err) {
        arrival.cancel();
        throw err;
      }
      if (!prep.ok) {
        arrival.cancel();
        const extra = prep.results
          ? {
              accepted: 0,
              duplicate: 0,
              rejected: prep.results.filter((r) => r.status === 'rejected').length,
              results: prep.results,
            }
          : undefined;
        if (prep.results)
          metrics.inc('raabta_ingest_measurements_total', { status: 'rejected' }, extra!.rejected);
        throw reject(prep.status, prep.code, prep.message, extra);
      }
      if (prep.scrubbed) metrics.inc('raabta_ingest_scrubbed_batches_total');
      const statuses = await arrival.submit(prep.batch);
      let accepted = 0;
      const results = prep.batch.measurements.map((m, index) => {
        if (statuses[index] === 'accepted') accepted++;
        return { measurement_uid: m.uid, index, status: statuses[index] };
      });
      const duplicate = results.length - accepted;
      metrics.inc('raabta_ingest_batches_total');
      metrics.inc('raabta_ingest_measurements_total', { status: 'accepted' }, accepted);
      if (duplicate) metrics.inc('raabta_ingest_measurements_total', { status: 'duplicate' }, duplicate);
      return { accepted, duplicate, rejected: 0, results };
    },
  );
}
