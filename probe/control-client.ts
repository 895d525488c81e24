/**
 * The probe's ControlClient: asks the collector in use (`POST /api/v1/control`) to observe the same target
 * from its own vantage point, over the guarded dialer (upload/http-client.ts). Failures are recorded by
 * runTest as a control with a failure, never thrown into the measurement.
 */
import type { ControlRequest } from '../schemas/src/api.ts';
import type { Control } from '../schemas/src/measurement.ts';
import type { ControlClient } from './context.ts';
import type { Target } from './target.ts';
import { apiUrl, collectorError } from './upload/collector-url.ts';
import type { HttpClient } from './upload/http-client.ts';

export interface ControlClientOptions {
  http: HttpClient;
  /** the collector to ask, e.g. the last one that accepted an upload */
  collector: () => string | null;
}

export function controlRequest(target: Target): ControlRequest {
  const req: ControlRequest = { input: target.input, kind: target.kind };
  if (target.params) req.params = target.params;
  if (target.throughput) req.throughput = target.throughput;
  return req;
}

export function createControlClient(o: ControlClientOptions): ControlClient {
  return async (target: Target): Promise<Control> => {
    const collector = o.collector();
    if (!collector)
      throw Object.assign(new Error('no collector to ask for a control'), { code: 'ENOCOLLECTOR' });
    const res = await o.http.request(apiUrl(collector, 'control'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(controlRequest(target)),
    });
    if (res.status !== 200) throw collectorError(res, 'control');
    return JSON.parse(res.body.toString('utf8')) as Control;
  };
}
