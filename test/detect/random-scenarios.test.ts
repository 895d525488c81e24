import test from 'ava';
import { detectEvents } from '../../collector/detect/index.ts';
import { observationSeries, randomScenario, simulate } from '../../scripts/demo/index.ts';
import { HOUR, overlaps } from './helpers.ts';

const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);
const RECALL_FLOOR = 0.9;
const PRECISION_FLOOR = 0.9;
/** random scenarios are sampled every 3 hours: a found start or end is at most one slot off */
const SLOT = 3 * HOUR;

test(`random scenarios (${SEEDS.length} seeds): recall ≥ ${RECALL_FLOOR}, precision ≥ ${PRECISION_FLOOR}, one event per disruption, on time (onset within a sampling slot)`, (t) => {
  let truths = 0;
  let found = 0;
  let split = 0;
  let late = 0;
  let onsetMax = 0;
  let detected = 0;
  let correct = 0;
  for (const seed of SEEDS) {
    const scenario = randomScenario(seed);
    const end = Date.parse(scenario.end);
    const sim = simulate(scenario, seed);
    const series = observationSeries(sim.observations());
    const events = detectEvents({ now: new Date(end), bucket_ms: HOUR, series });
    for (const truth of sim.events) {
      truths++;
      const hits = events.filter((e) => overlaps(e, truth, end));
      if (hits.length === 0) {
        t.log(
          `seed ${seed}: missed ${truth.target_group} ${truth.start} → ${truth.end} on ${truth.networks}`,
        );
        continue;
      }
      found++;
      if (hits.length > 1) split++;
      const [e] = hits;
      onsetMax = Math.max(onsetMax, Math.abs(e.start_ms - Math.floor(Date.parse(truth.start) / HOUR) * HOUR));
      const startOff = Math.abs(e.start_ms - Date.parse(truth.start)) > SLOT + HOUR;
      const endOff =
        truth.end === null
          ? e.end_ms !== null
          : e.end_ms === null || Math.abs(e.end_ms - Date.parse(truth.end)) > SLOT + HOUR;
      if (startOff || endOff) {
        late++;
        t.log(
          `seed ${seed}: ${truth.target_group} ${truth.start}→${truth.end} found ${e.start_ms}→${e.end_ms}`,
        );
      }
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
    `recall ${found}/${truths} = ${recall.toFixed(3)}, precision ${correct}/${detected} = ${precision.toFixed(3)}, split ${split}, off by more than a slot ${late}, onset max ${onsetMax / HOUR} buckets`,
  );
  t.true(truths >= 40, 'enough events to measure');
  t.true(recall >= RECALL_FLOOR, `recall ${recall}`);
  t.true(precision >= PRECISION_FLOOR, `precision ${precision}`);
  t.true(split <= truths * 0.05, `${split} disruptions split into several events`);
  t.true(late <= truths * 0.1, `${late} starts or ends more than a sampling slot off`);
  // the first sampling slot with blocked measurements starts the event, even on a network too thin to judge it there
  t.true(
    onsetMax <= SLOT,
    `an event started ${onsetMax / HOUR} buckets from the bucket holding the true start`,
  );
});
