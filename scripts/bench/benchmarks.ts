import { detection } from './detection.ts';
import { exportBench } from './export.ts';
import { ingest } from './ingest.ts';
import { probe } from './probe.ts';
import { timeline } from './timeline.ts';
import type { Benchmark } from './types.ts';

/** Every benchmark `npm run bench` knows, in the order they run. */
export const benchmarks: Benchmark[] = [ingest, timeline, probe, detection, exportBench];
