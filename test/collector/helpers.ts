/**
 * Shared helpers for the collector tests: a real collector on port 0 over a real database — a SQLite file in
 * a temp dir, or with `RAABTA_TEST_STORAGE=postgres` a fresh database on one throw-away PostgreSQL server
 * per test file (test/helpers/postgres.ts), dropped when the collector closes.
 */
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
import { pgProgram } from '../../collector/storage/postgres/index.ts';
import { openStorage } from '../../collector/storage/postgres/open-storage.ts';
import { createPool } from '../../collector/storage/postgres/pool.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import type { Storage } from '../../collector/storage/types.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import { sharedPostgres } from '../helpers/postgres.ts';

export function tempDir(prefix = 'raabta-collector-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type TestEngine = 'sqlite' | 'postgres';

function engineFromEnv(): TestEngine {
  const v = process.env.RAABTA_TEST_STORAGE ?? 'sqlite';
  if (v !== 'sqlite' && v !== 'postgres')
    throw new Error(`RAABTA_TEST_STORAGE must be sqlite or postgres, not ${v}`);
  return v;
}

/** The engine the collector tests run on: `RAABTA_TEST_STORAGE` (sqlite, the default, or postgres). */
export const TEST_STORAGE: TestEngine = engineFromEnv();

type Row = Record<string, unknown>;

/** A fresh, empty database of the engine under test, and plain SQL on it through its own connection. */
export interface TestDb {
  engine: TestEngine;
  /** what `--db` takes: the SQLite file's path or the PostgreSQL URL */
  db: string;
  /** opens the collector's storage on it */
  open(): Promise<Storage>;
  /** SQL with `?` placeholders (turned into $1, $2 … on PostgreSQL); bytea/BLOB as Buffer, integers as numbers */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** column names of a table, sorted */
  columns(table: string): Promise<string[]>;
  /** every byte the database keeps, as text: the SQLite files as latin1, or a plain pg_dump */
  dump(): string;
  /** drops the database (PostgreSQL) / removes nothing of a SQLite file (its directory belongs to the caller) */
  drop(): Promise<void>;
}

/** Opens the storage and makes sure it is the engine under test (never a silent fallback to the other). */
async function openChecked(db: string, engine: TestEngine): Promise<Storage> {
  const storage = await openStorage(db);
  if (storage.kind !== engine) {
    await storage.close();
    throw new Error(`opened a ${storage.kind} storage for ${engine}`);
  }
  return storage;
}

/** A new database: on SQLite `dir/name`, on PostgreSQL a fresh database on this file's shared server. */
export async function testDb(
  dir: string,
  name = 'collector.db',
  engine: TestEngine = TEST_STORAGE,
): Promise<TestDb> {
  if (engine === 'sqlite') {
    const path = join(dir, name);
    const query = async <T extends Row>(sql: string, params: unknown[] = []) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    };
    return {
      engine,
      db: path,
      open: () => openChecked(path, engine),
      query,
      async columns(table) {
        return (await query<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`))
          .map((r) => r.name)
          .sort();
      },
      dump() {
        return readdirSync(dir)
          .filter((f) => f.startsWith(name))
          .map((f) => readFileSync(join(dir, f)).toString('latin1'))
          .join('\n');
      },
      async drop() {},
    };
  }
  const server = await sharedPostgres();
  const created = await createTestDatabase(server.url, 'raabta_test');
  let pool: ReturnType<typeof createPool> | undefined;
  const query = async <T extends Row>(sql: string, params: unknown[] = []) => {
    pool ??= createPool(created.url, { max: 2, applicationName: 'raabta-test' });
    let n = 0;
    return (
      await pool.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as T[];
  };
  return {
    engine,
    db: created.url,
    open: () => openChecked(created.url, engine),
    query,
    async columns(table) {
      return (
        await query<{ column_name: string }>(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?",
          [table],
        )
      )
        .map((r) => r.column_name)
        .sort();
    },
    dump() {
      const r = spawnSync(pgProgram('pg_dump'), ['--format=plain', '--dbname', created.url], {
        encoding: 'latin1',
        maxBuffer: 1 << 30,
      });
      if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
      return r.stdout;
    },
    async drop() {
      await pool?.end();
      pool = undefined;
      await created.drop();
    },
  };
}

export interface TestCollector {
  app: FastifyInstance;
  storage: Storage;
  url: string;
  /** the database (`--db` value: SQLite path or PostgreSQL URL) and SQL on it */
  database: TestDb;
  db: string;
  dir: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startCollector(o: Partial<AppOptions> = {}): Promise<TestCollector> {
  const tmp = tempDir();
  const database = await testDb(tmp.dir);
  const storage = await database.open();
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
    database,
    db: database.db,
    dir: tmp.dir,
    logs,
    async close() {
      await app.close();
      await storage.close();
      await database.drop();
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
export async function dbFingerprint(d: Pick<TestDb, 'engine' | 'query'>): Promise<string> {
  const tables =
    d.engine === 'sqlite'
      ? "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name";
  const hash = createHash('sha256');
  for (const { name } of await d.query<{ name: string }>(tables)) {
    hash.update(`\u0000${name}\u0000`);
    for (const row of await d.query(`SELECT * FROM ${name} ORDER BY 1, 2`)) {
      hash.update(
        JSON.stringify(Object.values(row), (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)),
      );
    }
  }
  return hash.digest('hex');
}

export async function countRows(d: TestDb, table = 'measurements'): Promise<number> {
  const [row] = await d.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row.n);
}

export type { Measurement };
