/** Shared helpers for the collector tests: a real collector on port 0 with a real SQLite file in a temp dir. */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../collector/app.ts';
import type { AppOptions } from '../../collector/options.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import type { Storage } from '../../collector/storage/types.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';

export function tempDir(prefix = 'raabta-collector-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestCollector {
  app: FastifyInstance;
  storage: Storage & { db: Database.Database };
  url: string;
  dbPath: string;
  dir: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startCollector(o: Partial<AppOptions> = {}): Promise<TestCollector> {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'collector.db');
  const storage = openSqliteStorage({ path: dbPath });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp({
    storage,
    log: pino({ level: 'trace' }, sink),
    prepareWorkers: 0,
    dashboardDir: join(tmp.dir, 'no-dashboard'),
    networksFile: join(tmp.dir, 'networks.json'),
    ...o,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    app,
    storage,
    url: `http://127.0.0.1:${port}`,
    dbPath,
    dir: tmp.dir,
    logs,
    async close() {
      await app.close();
      await storage.close();
      tmp.remove();
    },
  };
}

export interface TestProbe {
  privateKey: KeyObject;
  publicKeyB64: string;
  probeId: string;
}

export function newKey(): { privateKey: KeyObject; publicKeyB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyB64: der.subarray(der.length - 32).toString('base64') };
}

/** One HTTP request with node:http (which can bind the client side to `localAddress`). */
export async function http(
  url: string,
  o: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    localAddress?: string;
  } = {},
) {
  const res = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const req = httpRequest(
        url,
        { method: o.method ?? 'GET', headers: o.headers, localAddress: o.localAddress },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () =>
            resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }),
          );
          r.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(o.body);
    },
  );
  const text = res.body.toString('utf8');
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON responses
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json, body: res.body };
}

export async function registerProbe(url: string): Promise<TestProbe> {
  const key = newKey();
  const r = await http(`${url}/api/v1/probes/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      public_key: key.publicKeyB64,
      software_name: 'raabta-probe',
      software_version: '0.1.0',
    }),
  });
  if (r.status !== 200) throw new Error(`register failed: ${r.status} ${r.text}`);
  return { ...key, probeId: r.json.probe_id };
}

export interface UploadOptions {
  gzip?: boolean;
  /** header probe id (default: the probe's) */
  headerProbeId?: string | null;
  /** the body's probe_id (default: the probe's) */
  bodyProbeId?: string;
  /** sign with another key */
  signWith?: KeyObject;
  signature?: string | null;
  /** send these bytes as the body instead of the JSON batch (still signed unless signature is given) */
  rawBody?: Buffer;
  headers?: Record<string, string>;
  localAddress?: string;
}

export function batchBody(probeId: string, measurements: unknown[], gzip = true): Buffer {
  const json = Buffer.from(JSON.stringify({ probe_id: probeId, measurements }));
  return gzip ? gzipSync(json) : json;
}

export async function upload(url: string, probe: TestProbe, measurements: unknown[], o: UploadOptions = {}) {
  const gzip = o.gzip ?? true;
  const body = o.rawBody ?? batchBody(o.bodyProbeId ?? probe.probeId, measurements, gzip);
  const signature =
    o.signature === undefined
      ? sign(null, body, o.signWith ?? probe.privateKey).toString('base64')
      : o.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (gzip) headers['content-encoding'] = 'gzip';
  const headerProbe = o.headerProbeId === undefined ? probe.probeId : o.headerProbeId;
  if (headerProbe !== null) headers['x-raabta-probe-id'] = headerProbe;
  if (signature !== null) headers['x-raabta-signature'] = signature;
  return http(`${url}/api/v1/measurements`, {
    method: 'POST',
    headers: { ...headers, ...o.headers },
    body,
    localAddress: o.localAddress,
  });
}

/** A checksum of every table's contents (read through a separate connection). */
export function dbFingerprint(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    for (const t of tables) {
      hash.update(`\u0000${t}\u0000`);
      for (const row of db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).raw().all()) {
        hash.update(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
      }
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

export function countRows(dbPath: string, table = 'measurements'): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

export type { Measurement };
