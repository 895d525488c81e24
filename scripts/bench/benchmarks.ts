import type { Benchmark } from './types.ts';

/** Every benchmark `npm run bench` knows, in the order they run (filled in as they are written). */
export const benchmarks: Benchmark[] = [];
