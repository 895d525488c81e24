import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { checkSlice } from '../../scripts/bench/detection-slice.ts';
import { networkObservations, networkSeries } from '../../scripts/demo/network-sim.ts';
import { NETWORK_FULL, NETWORK_QUICK, networkScenario } from '../../scripts/demo/network-year.ts';

const HOUR = 3600_000;
const SEED = 7;
const sc = networkScenario(SEED, NETWORK_QUICK);
const sim = networkSeries(sc, SEED);

test('the network scenario has the size asked for, disruptions of 20 minutes to 4 weeks, and its noise', (t) => {
  const full = networkScenario(SEED, NETWORK_FULL);
  t.is(full.probes.length, 500);
  t.is(full.networks.length, 12);
  t.is(full.end_ms - full.start_ms, 365 * 24 * HOUR);
  t.is(full.events.length, NETWORK_FULL.events);
  for (const e of full.events) {
    const ms = (e.end ? Date.parse(e.end) : full.end_ms) - Date.parse(e.start);
    t.true(ms >= 20 * 60_000 && (e.end === null || ms <= 28 * 24 * HOUR), `${e.id}: ${ms / HOUR} h`);
  }
  t.true(full.events.some((e) => e.share < 0.9) && full.events.some((e) => e.share >= 0.95));
  t.true(full.glitches.length > 0 && full.outages.length > 0 && full.offline.length > 0);
  t.true(
    full.probes.some((p) => p.from_ms > full.start_ms) && full.probes.some((p) => p.to_ms < full.end_ms),
  );
  // phones sleep: a mobile probe runs less at 22:00 UTC (03:00 in Pakistan) than at 10:00 UTC
  const phone = full.probes.find((p) => p.mobile);
  t.true((phone?.hourly[22] ?? 1) < (phone?.hourly[10] ?? 0));
});

test('the same seed gives the same counts; another seed another network', (t) => {
  t.deepEqual(networkSeries(networkScenario(SEED, NETWORK_QUICK), SEED).series, sim.series);
  t.notDeepEqual(networkSeries(networkScenario(SEED + 1, NETWORK_QUICK), SEED + 1).series, sim.series);
});

test('a slice of the observations is exactly the whole run’s measurements in that time range', (t) => {
  const from = sc.start_ms + 10 * 24 * HOUR + 17 * 60_000;
  const to = from + 5 * HOUR;
  const slice = networkObservations(sc, SEED, from, to);
  const inRange = networkObservations(sc, SEED, sc.start_ms, sc.end_ms).filter(
    (o) => o.t_ms >= from && o.t_ms < to,
  );
  t.true(slice.length > 100);
  t.deepEqual(
    slice.map((o) => `${o.probe.probe_id} ${o.t_ms} ${o.target.input} ${o.outcome} ${o.method}`),
    inRange.map((o) => `${o.probe.probe_id} ${o.t_ms} ${o.target.input} ${o.outcome} ${o.method}`),
  );
});

test('the simulated counts are what the collector’s ingest and rollups hold for the same measurements', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-network-sim-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = Math.floor(Date.parse(sc.events[0].start) / HOUR) * HOUR;
  const r = await checkSlice(sc, SEED, sim.series, first - HOUR, first + 2 * HOUR, dir);
  t.true(r.measurements > 100 && r.cells > 20, `${r.measurements} measurements, ${r.cells} cells`);
  t.is(r.cells_different, 0);
});
