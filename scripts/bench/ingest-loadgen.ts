/**
 * The ingest benchmark's load generator, a separate process (as probes are): registers probes, builds signed
 * gzip batches of realistic measurements (scripts/bench/data.ts) the way a probe uploads them, then posts them
 * to the collector with N requests in flight. Prints JSON lines: {phase:"ready"}, {phase:"start"}, {phase:"done",…}.
 * `--url` may list several collectors (comma-separated, one database behind them): the probes register at the
 * first, and the requests in flight are spread over all of them.
 *   tsx scripts/bench/ingest-loadgen.ts --url URL[,URL…] --measurements N --concurrency C --probes P --batch 100
 */
import { sign } from 'node:crypto';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { registerBenchProbe } from '../../collector/bench/bench-probe.ts';
import { benchMeasurement } from './data.ts';
import { percentile } from './machine.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    measurements: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    probes: { type: 'string', default: '20' },
    batch: { type: 'string', default: '100' },
  },
});
if (!values.url) throw new Error('--url is required');
const urls = values.url.split(',');
const url = urls[0];
const perBatch = Number(values.batch);
const batches = Math.ceil(Number(values.measurements) / perBatch);
const concurrency = Number(values.concurrency);
const say = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

const t0 = performance.now();
const probes = await Promise.all(
  Array.from({ length: Number(values.probes) }, () => registerBenchProbe(url)),
);
let rawBytes = 0;
let gzipBytes = 0;
const bodies = Array.from({ length: batches }, (_, b) => {
  const p = probes[b % probes.length];
  const ms = Array.from({ length: perBatch }, (_, i) =>
    benchMeasurement(b * perBatch + i, { probeId: p.probeId }),
  );
  const json = Buffer.from(JSON.stringify({ probe_id: p.probeId, measurements: ms }));
  const body = gzipSync(json);
  rawBytes += json.length;
  gzipBytes += body.length;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-raabta-probe-id': p.probeId,
      'x-raabta-signature': sign(null, body, p.privateKey).toString('base64'),
    },
  };
});
say({ phase: 'ready', build_s: (performance.now() - t0) / 1000, raw_bytes: rawBytes, gzip_bytes: gzipBytes });

const pools = urls.map((u) => new Pool(u, { connections: concurrency, pipelining: 1 }));
let next = 0;
let accepted = 0;
const latencies: number[] = [];
say({ phase: 'start' });
const t1 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, lane) => {
    const pool = pools[lane % pools.length];
    while (next < bodies.length) {
      const b = bodies[next++];
      const t = performance.now();
      const res = await pool.request({ path: '/api/v1/measurements', method: 'POST', ...b });
      const json = (await res.body.json()) as { accepted?: number };
      latencies.push(performance.now() - t);
      if (res.statusCode !== 200)
        throw new Error(`HTTP ${res.statusCode}: ${JSON.stringify(json).slice(0, 500)}`);
      accepted += json.accepted ?? 0;
    }
  }),
);
const seconds = (performance.now() - t1) / 1000;
for (const p of pools) await p.close();
say({
  phase: 'done',
  accepted,
  batches,
  seconds,
  p50_ms: percentile(latencies, 50),
  p99_ms: percentile(latencies, 99),
});
