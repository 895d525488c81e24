/**
 * The simulated demo dataset for a first start on an empty database. The generator lives in scripts/demo/
 * (`generateDemo(opts): Iterable<Measurement>`); until it exists this is a no-op with a log line. Every
 * demo measurement is stored annotated `simulated: "true"` (forced here too), and the API and dashboard
 * mark simulated data as such.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Analyzer } from '../ingest/analyze.ts';
import { ingestMeasurements } from '../ingest/local-ingest.ts';
import type { Storage } from '../storage/types.ts';

type Generator = (opts: Record<string, unknown>) => Iterable<Measurement> | AsyncIterable<Measurement>;

const CANDIDATES = ['index.ts', 'generate.ts', 'demo.ts'];

export async function findDemoGenerator(): Promise<Generator | null> {
  for (const name of CANDIDATES) {
    const url = new URL(`../../scripts/demo/${name}`, import.meta.url);
    if (!existsSync(url)) continue;
    const mod = (await import(url.href)) as { generateDemo?: Generator };
    if (typeof mod.generateDemo === 'function') return mod.generateDemo;
  }
  return null;
}

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
  const generate = o.generator === undefined ? await findDemoGenerator() : o.generator;
  if (!generate) {
    log.info(
      'demo dataset: the generator (scripts/demo/) is not available yet; starting with an empty database',
    );
    return 0;
  }
  const t0 = performance.now();
  const r = await ingestMeasurements(storage, labelled(generate({ now: o.now ?? new Date() })), {
    analyze: o.analyze,
    fallbackProbeId: 'demo',
  });
  log.info(
    {
      accepted: r.accepted,
      invalid: r.invalid,
      first_invalid: r.firstInvalidReason,
      ms: Math.round(performance.now() - t0),
    },
    'demo dataset loaded: SIMULATED measurements (annotated simulated: "true"), not real observations',
  );
  return r.accepted;
}
