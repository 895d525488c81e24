/**
 * The simulated demo dataset for a first start on an empty database: scripts/demo/ (`generateDemo`), a
 * 2024 probe network, ingested through the same path as uploads, then the disruption detector is run once
 * over the demo's own time range (the periodic job only looks at the last days, and the demo is in 2024).
 * Every demo measurement is stored annotated `simulated: "true"` (forced here too), and the API and
 * dashboard mark simulated data as such.
 */
import type { Logger } from 'pino';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { demoSpan, generateDemo } from '../../scripts/demo/index.ts';
import { detectEvents } from '../detect/index.ts';
import type { Analyzer } from '../ingest/analyze.ts';
import { ingestMeasurements } from '../ingest/local-ingest.ts';
import { detectAndStore } from '../jobs/detect-job.ts';
import type { Storage } from '../storage/types.ts';

type Generator = (opts: { now: Date }) => Iterable<Measurement> | AsyncIterable<Measurement>;

async function* labelled(items: Iterable<Measurement> | AsyncIterable<Measurement>) {
  for await (const m of items) {
    if (m.annotations?.simulated !== 'true') m.annotations = { ...m.annotations, simulated: 'true' };
    yield m;
  }
}

/** Loads the demo when the database holds no measurement yet; returns how many were stored. */
export async function loadDemoIfEmpty(
  storage: Storage,
  log: Logger,
  o: { analyze: Analyzer; now?: Date; generator?: Generator | null },
): Promise<number> {
  if ((await storage.stats()).measurements > 0) return 0;
  const generate = o.generator === undefined ? generateDemo : o.generator;
  if (!generate) return 0;
  const now = o.now ?? new Date();
  const t0 = performance.now();
  const r = await ingestMeasurements(storage, labelled(generate({ now })), {
    analyze: o.analyze,
    fallbackProbeId: 'demo',
  });
  const span = demoSpan(now);
  const events =
    o.generator === undefined && r.accepted > 0
      ? await detectAndStore(storage, detectEvents, {
          since_ms: span.start_ms,
          until_ms: span.end_ms,
          now: new Date(span.end_ms),
        })
      : [];
  log.info(
    {
      accepted: r.accepted,
      invalid: r.invalid,
      first_invalid: r.firstInvalidReason,
      events: events.length,
      ms: Math.round(performance.now() - t0),
    },
    'demo dataset loaded: SIMULATED measurements (annotated simulated: "true"), not real observations',
  );
  return r.accepted;
}
