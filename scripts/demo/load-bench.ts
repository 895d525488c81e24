/**
 * How long the collector takes to load the demo into an empty database (what `npm start` does on first
 * start): `tsx scripts/demo/load-bench.ts [--db PATH]`. Prints measurements, wall and CPU milliseconds
 * (all threads of the process) and the events found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadDemoIfEmpty } from '../../collector/demo/load-demo.ts';
import { createAnalyzer } from '../../collector/ingest/analyze.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--db');
  const dir = i > 0 ? null : mkdtempSync(join(tmpdir(), 'raabta-demo-'));
  const path = i > 0 ? process.argv[i + 1] : join(dir!, 'demo.db');
  const storage = openSqliteStorage({ path });
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const n = await loadDemoIfEmpty(storage, pino({ level: 'warn' }), { analyze: createAnalyzer() });
    const ms = Math.round(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    const cpu_ms = Math.round((cpu.user + cpu.system) / 1000);
    const events = await storage.listEvents({ limit: 100 });
    console.log(JSON.stringify({ measurements: n, ms, cpu_ms, stats: await storage.stats() }));
    for (const e of events) {
      const end = e.end_ms === null ? 'open' : new Date(e.end_ms).toISOString();
      console.log(`${e.target_group} ${new Date(e.start_ms).toISOString()} → ${end} ${e.methods} ${e.asns}`);
    }
  } finally {
    await storage.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
