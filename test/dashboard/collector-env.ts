/**
 * The real collector for the dashboard tests: buildApp on a temporary SQLite file, listening on port 0 on
 * loopback, serving dashboard/dist. `upload` sends measurements the way a probe does (register an Ed25519
 * key, then a signed batch), so test data goes through the same validation and analysis as real data.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from './fixture/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CollectorEnv {
  url: string;
  upload(measurements: unknown[]): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The collector's start() (collector/server.ts): storage + app + listen + demo on first start + detector. */
interface StartModule {
  start(o: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }>;
}

/** The parts of the collector's modules used here (imported by path at run time: see collectorAvailable). */
interface CollectorModules {
  buildApp(o: Record<string, unknown>): Promise<{
    listen(o: { port: number; host: string }): Promise<string>;
    server: { address(): unknown };
    close(): Promise<void>;
  }>;
  openSqliteStorage(o: { path: string }): { close?: () => void };
}

async function load(): Promise<CollectorModules> {
  const dir = path.join(root, 'collector');
  const app = (await import(path.join(dir, 'app.ts'))) as Pick<CollectorModules, 'buildApp'>;
  const sqlite = (await import(path.join(dir, 'storage', 'sqlite', 'index.ts'))) as Pick<
    CollectorModules,
    'openSqliteStorage'
  >;
  return { ...app, ...sqlite };
}

/**
 * `demo`: start with the simulated demo dataset through the collector's own start() (demo loader and the
 * disruption detector), and wait until the detector has produced events.
 */
export async function startCollector(opts: { demo?: boolean } = {}): Promise<CollectorEnv> {
  const { pino } = await import('pino');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'raabta-dashboard-'));
  const log = pino({ level: 'silent' });
  const dashboardDir = path.join(root, 'dashboard', 'dist');
  let url: string;
  let stop: () => Promise<void>;
  if (opts.demo) {
    const { start } = (await import(path.join(root, 'collector', 'server.ts'))) as StartModule;
    const db = path.join(dir, 'collector.db');
    const running = await start({
      adminToken: ADMIN_TOKEN,
      db,
      port: 0,
      demo: true,
      dashboardDir,
      log,
      prepareWorkers: 0,
      detectEveryMs: 2000,
    });
    url = running.url;
    stop = () => running.close();
    await waitForEvents(url);
  } else {
    const { buildApp, openSqliteStorage } = await load();
    const storage = openSqliteStorage({ path: path.join(dir, 'collector.db') });
    const app = await buildApp({ storage, dashboardDir, prepareWorkers: 0, log, adminToken: ADMIN_TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    stop = async () => {
      await app.close();
      storage.close?.();
    };
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  let probeId: string | null = null;
  return {
    url,
    async upload(measurements) {
      if (!probeId) {
        const reg = await fetch(`${url}/api/v1/probes/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            public_key: raw.toString('base64'),
            software_name: 'raabta-dashboard-test',
            software_version: '0.1.0',
          }),
        });
        probeId = ((await reg.json()) as { probe_id: string }).probe_id;
      }
      const items = measurements.map((m) => ({
        ...(m as object),
        raabta: { ...(m as { raabta: object }).raabta, probe_id: probeId },
      }));
      const body = Buffer.from(JSON.stringify({ probe_id: probeId, measurements: items }));
      const res = await fetch(`${url}/api/v1/measurements`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-raabta-probe-id': probeId,
          'x-raabta-signature': sign(null, body, privateKey).toString('base64'),
        },
        body,
      });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The detector runs in the background after the demo is loaded: wait (bounded) for its first events. */
async function waitForEvents(url: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await fetch(`${url}/api/v1/events?limit=1`);
    if (res.ok && ((await res.json()) as { results: unknown[] }).results.length > 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no events detected on the demo dataset within ${timeoutMs} ms`);
}

/**
 * The collector can serve the demo with its events: the demo generator (scripts/demo/, `generateDemo`) and
 * the disruption detector (collector/detect/) are both in this tree.
 */
export function demoAvailable(): boolean {
  const generator = ['index.ts', 'generate.ts', 'demo.ts'].some((f) =>
    existsSync(path.join(root, 'scripts', 'demo', f)),
  );
  const detectDir = path.join(root, 'collector', 'detect');
  const detector = existsSync(detectDir) && readdirSync(detectDir).some((f) => f.endsWith('.ts'));
  return generator && detector;
}
