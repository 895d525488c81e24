/**
 * POST /api/v1/control: the collector observes the same target from its own vantage point (observeControl,
 * probe/control.ts) through the guarded dialer: only destinations inside `--allow` (default `public`, i.e.
 * never loopback, private or other special-purpose ranges) are ever dialled.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { observeControl } from '../../probe/control.ts';
import type { Target, TargetKind } from '../../probe/target.ts';
import { parseDnsInput, parseHostPort, parseWebInput } from '../../probe/tests/inputs.ts';
import { parseVpnInput } from '../../probe/vpn/target-input.ts';
import { ControlRequest, ControlResponse, ErrorBody } from '../../schemas/src/api.ts';
import { ProbeHeaders } from '../api-schemas.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';

export function checkControlInput(kind: TargetKind, input: string): void {
  switch (kind) {
    case 'web':
      parseWebInput(input);
      return;
    case 'tcp':
      parseHostPort(input);
      return;
    case 'dns':
      parseDnsInput(input);
      return;
    default:
      parseVpnInput(input, kind as 'openvpn' | 'wireguard' | 'ikev2' | 'tor');
  }
}

type ControlBody = Static<typeof ControlRequest>;

export async function controlRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post<{ Body: ControlBody; Headers: Static<typeof ProbeHeaders> }>(
    '/api/v1/control',
    {
      bodyLimit: ctx.limits.jsonBodyBytes,
      schema: {
        summary: "Observe a target from the collector's vantage point (the control)",
        headers: ProbeHeaders,
        body: ControlRequest,
        response: { 200: ControlResponse, 400: ErrorBody, 429: ErrorBody, 502: ErrorBody },
      },
    },
    async (req, reply) => {
      const { input } = req.body;
      const kind = req.body.kind as TargetKind;
      try {
        checkControlInput(kind, input);
      } catch (err) {
        throw new ApiError(400, 'bad_input', `input: ${(err as Error).message}`);
      }
      const bucket = req.headers['x-raabta-probe-id'] ?? '*';
      if (!ctx.buckets.control.take(bucket)) {
        reply.header('retry-after', String(Math.max(1, ctx.buckets.control.retryAfter(bucket))));
        ctx.metrics.inc('raabta_control_requests_total', { result: 'rate_limited' });
        throw new ApiError(429, 'rate_limited', 'too many control requests; retry later');
      }
      const target: Target = {
        input,
        kind,
        suite: 'control',
        group: 'control',
        category_code: null,
        params: req.body.params,
        throughput: req.body.throughput as Target['throughput'],
      };
      try {
        const control = await observeControl(target, {
          dialer: ctx.control.dialer(),
          clock: ctx.clock,
          log: ctx.log,
          settings: ctx.control.settings,
          source: ctx.control.source,
        });
        ctx.metrics.inc('raabta_control_requests_total', { result: 'ok' });
        return control;
      } catch (err) {
        ctx.metrics.inc('raabta_control_requests_total', { result: 'failed' });
        throw new ApiError(502, 'control_failed', `the control could not run: ${(err as Error).message}`);
      }
    },
  );
}
