/**
 * Ingest throughput over real HTTP: a collector in a child process (its own SQLite file), signed gzip
 * batches of 100 prepared in advance, sent with N requests in flight.
 *   tsx collector/bench/ingest-bench.ts [--batches 400] [--concurrency 8] [--workers 1] [--probes 20]
 */
import { spawn } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { int, parseArgs, str } from '../cli-args.ts';
import { benchMeasurements } from './bench-data.ts';
import { registerBenchProbe } from './bench-probe.ts';

/** user + system CPU seconds of a process, all threads (Linux /proc). */
function childCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const a = parseArgs(process.argv.slice(2), {
  batches: { value: true },
  concurrency: { value: true },
  workers: { value: true },
  probes: { value: true },
  synchronous: { value: true },
});
const batches = int(a, 'batches', 1) ?? 400;
const concurrency = int(a, 'concurrency', 1) ?? 8;
const probes = int(a, 'probes', 1) ?? 20;
const dir = mkdtempSync(join(tmpdir(), 'raabta-bench-'));
const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const args = [
  ...prof,
  '--import',
  'tsx',
  new URL('../cli.ts', import.meta.url).pathname,
  'start',
  '--db',
  join(dir, 'b.db'),
];
args.push(
  '--port',
  '0',
  '--no-demo',
  '--uploads-per-minute',
  '10000000',
  '--workers',
  str(a, 'workers') ?? '1',
);
args.push('--synchronous', str(a, 'synchronous') ?? 'normal');
const child = spawn(process.execPath, args, {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, RAABTA_LOG_LEVEL: 'warn' },
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`collector exited (${code})`)));
});

try {
  const ids = await Promise.all(Array.from({ length: probes }, () => registerBenchProbe(url)));
  const bodies = Array.from({ length: batches }, (_, b) => {
    const p = ids[b % ids.length];
    const ms = benchMeasurements(b, 100, p.probeId);
    const body = gzipSync(Buffer.from(JSON.stringify({ probe_id: p.probeId, measurements: ms })));
    const headers = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-raabta-probe-id': p.probeId,
      'x-raabta-signature': sign(null, body, p.privateKey).toString('base64'),
    };
    return { body, headers };
  });
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  let next = 0;
  let accepted = 0;
  const cpu0 = childCpuSeconds(child.pid!);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++];
        const res = await pool.request({ path: '/api/v1/measurements', method: 'POST', ...b });
        const json = (await res.body.json()) as { accepted?: number };
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${JSON.stringify(json)}`);
        accepted += json.accepted ?? 0;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const serverCpu = childCpuSeconds(child.pid!) - cpu0;
  const c = process.cpuUsage(client0);
  const clientCpu = (c.user + c.system) / 1e6;
  await pool.close();
  process.stdout.write(
    `${accepted} measurements in ${s.toFixed(2)} s = ${Math.round(accepted / s)} measurements/s ` +
      `(${batches} signed gzip batches of 100, ${concurrency} in flight, workers=${str(a, 'workers') ?? '1'})\n` +
      `collector CPU ${serverCpu.toFixed(2)} s = ${((serverCpu / accepted) * 1e6).toFixed(1)} µs/measurement ` +
      `(≈ ${Math.round(accepted / serverCpu)} measurements per CPU-second); load generator CPU ${clientCpu.toFixed(2)} s\n`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
