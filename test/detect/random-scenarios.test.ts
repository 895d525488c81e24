import test from 'ava';
import { detectEvents } from '../../collector/detect/index.ts';
import { observationSeries, randomScenario, simulate } from '../../scripts/demo/index.ts';
import { HOUR, overlaps } from './helpers.ts';

const SEEDS = Array.from({ length: 16 }, (_, i) => 1000 + i);
const RECALL_FLOOR = 0.9;
const PRECISION_FLOOR = 0.9;

test(`random scenarios (${SEEDS.length} seeds): recall ≥ ${RECALL_FLOOR}, precision ≥ ${PRECISION_FLOOR}, found events start within a sampling slot`, (t) => {
  let truths = 0;
  let found = 0;
  let detected = 0;
  let correct = 0;
  let startsOff = 0;
  for (const seed of SEEDS) {
    const scenario = randomScenario(seed);
    const end = Date.parse(scenario.end);
    const sim = simulate(scenario, seed);
    const events = detectEvents({
      now: new Date(end),
      bucket_ms: HOUR,
      series: observationSeries(sim.observations()),
    });
    for (const truth of sim.events) {
      truths++;
      const hit = events.find((e) => overlaps(e, truth, end));
      if (!hit) {
        t.log(
          `seed ${seed}: missed ${truth.target_group} ${truth.start} → ${truth.end} on ${truth.networks}`,
        );
        continue;
      }
      found++;
      // sampled every 3 h: the first sample inside the event is at most one slot (3 buckets) late
      if (Math.abs(hit.start_ms - Date.parse(truth.start)) > 4 * HOUR) startsOff++;
    }
    for (const e of events) {
      detected++;
      if (sim.events.some((truth) => overlaps(e, truth, end))) correct++;
      else t.log(`seed ${seed}: spurious ${e.title} ${new Date(e.start_ms).toISOString()}`);
    }
  }
  const recall = found / truths;
  const precision = correct / Math.max(detected, 1);
  t.log(
    `recall ${found}/${truths} = ${recall.toFixed(3)}, precision ${correct}/${detected} = ${precision.toFixed(3)}`,
  );
  t.true(truths >= 20, 'enough events to measure');
  t.true(recall >= RECALL_FLOOR, `recall ${recall}`);
  t.true(precision >= PRECISION_FLOOR, `precision ${precision}`);
  t.true(startsOff <= truths * 0.1, `${startsOff} starts more than a sampling slot off`);
});
