/** The collector's counters (gauges are registered by buildApp, next to what they read). */
import { Metrics } from './metrics.ts';

export function registerMetrics(): Metrics {
  const m = new Metrics();
  m.counter('raabta_ingest_batches_total', 'upload batches stored');
  m.counter(
    'raabta_ingest_measurements_total',
    'uploaded measurements by outcome (accepted, duplicate, rejected)',
  );
  m.counter('raabta_ingest_rejected_batches_total', 'upload batches refused, by error code');
  m.counter(
    'raabta_ingest_scrubbed_batches_total',
    "upload batches in which the caller's address was scrubbed",
  );
  m.counter('raabta_http_errors_total', 'error responses by code');
  m.counter('raabta_probes_registered_total', 'new probe registrations');
  m.counter('raabta_control_requests_total', 'control requests by result');
  return m;
}
