/**
 * Writes the simulated demo (or a random scenario) as JSONL, one measurement per line:
 *
 *   tsx scripts/demo/cli.ts [--out FILE] [--seed N] [--now ISO] [--random SEED] [--truth FILE]
 *
 * `--out` (default stdout; `.gz` → gzip), `--seed` (the demo's default seed), `--now` (nothing after
 * it), `--random SEED` (a random scenario instead of the demo), `--truth FILE` (its ground-truth events
 * as JSON). Every line is annotated `simulated: "true"`.
 */

import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { DEMO_SCENARIO, DEMO_SEED, randomScenario, simulate } from './index.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      now: { type: 'string' },
      random: { type: 'string' },
      truth: { type: 'string' },
    },
  });
  const seed = values.seed !== undefined ? Number(values.seed) : DEMO_SEED;
  const until = values.now ? Date.parse(values.now) : Date.now();
  if (!Number.isFinite(seed) || !Number.isFinite(until))
    throw new Error('--seed must be a number, --now a date');
  const scenario = values.random !== undefined ? randomScenario(Number(values.random)) : DEMO_SCENARIO;
  const sim = simulate(scenario, seed);
  if (values.truth) writeFileSync(values.truth, `${JSON.stringify(sim.events, null, 2)}\n`);
  const file = values.out ? createWriteStream(values.out) : null;
  const gz = values.out?.endsWith('.gz') ? createGzip() : null;
  if (gz && file) gz.pipe(file);
  const sink: NodeJS.WritableStream = gz ?? file ?? process.stdout;
  let n = 0;
  for (const m of sim.measurements(until)) {
    if (!sink.write(`${JSON.stringify(m)}\n`)) await once(sink, 'drain');
    n++;
  }
  if (sink !== process.stdout) {
    sink.end();
    await once(file!, 'finish');
  }
  process.stderr.write(`${n} simulated measurements (${scenario.name}, seed ${seed})\n`);
}

await main();
