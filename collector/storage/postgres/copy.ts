/**
 * `raabta collector migrate-db --from A --to B`: copies a whole collector database between SQLite and
 * PostgreSQL (either way, or SQLite → SQLite / PostgreSQL → PostgreSQL), table by table, column for column,
 * keeping every key (measurement keys, batch ids, event ids), so cursors and event links stay valid. The
 * source is read in one snapshot (a SQLite read transaction; a PostgreSQL REPEATABLE READ transaction with a
 * cursor), so it may keep serving while the copy runs; what arrives after the snapshot is not copied. The
 * destination must be empty; it is migrated to the current schema first. Afterwards the destination's
 * rollups are recounted from its raw rows (`verify`) and the row counts compared.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { KEY_SEQ_SPAN } from '../measurement-keys.ts';
import { openSqliteStorage } from '../sqlite/index.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../sqlite/open.ts';
import type { Storage } from '../types.ts';
import { openPostgresStorage } from './index.ts';
import { MonthPartitions } from './partitions.ts';
import { isPostgresUrl } from './pool.ts';

const CELL = ['bucket', 't', 'target_group', 'probe_asn', 'probe_cc', 'simulated'];
const COUNTS = ['ok', 'blocked', 'down', 'error', 'inconclusive'];

/**
 * Every table of schema version 3 (SQLite / PostgreSQL), in an order that respects references; PostgreSQL's
 * `measurement_uids` is filled from the measurement rows.
 */
export const TABLES: { name: string; columns: string[]; json?: string[]; serial?: string }[] = [
  {
    name: 'probes',
    columns: ['probe_id', 'public_key', 'software_name', 'software_version', 'platform', 'created_ms'],
  },
  { name: 'raw_batches', columns: ['id', 'probe_id', 'received_ms', 'gzip', 'signature'], serial: 'id' },
  {
    name: 'measurements',
    columns: [
      'id',
      'uid',
      'start_ms',
      'batch_id',
      'raw_offset',
      'raw_length',
      'probe_id',
      'probe_asn',
      'probe_cc',
      'network_name',
      'test_name',
      'input',
      'target_group',
      'simulated',
    ],
  },
  {
    name: 'verdicts',
    columns: [
      'measurement_id',
      'source',
      'current',
      'analysis_version',
      'status',
      'method',
      'confidence',
      'reason',
      'evidence',
    ],
  },
  { name: 'rollups', columns: [...CELL, ...COUNTS, 'probes'] },
  { name: 'rollup_methods', columns: [...CELL, 'method', 'n'] },
  { name: 'rollups_input', columns: [...CELL, 'input', ...COUNTS] },
  { name: 'rollup_input_methods', columns: [...CELL, 'input', 'method', 'n'] },
  { name: 'rollup_probes', columns: [...CELL, 'probe_id'] },
  {
    name: 'coverage',
    columns: ['probe_asn', 'probe_cc', 'probe_id', 'network_name', 'measurements', 'last_seen_ms'],
  },
  {
    name: 'events',
    columns: [
      'id',
      'key',
      'title',
      'title_locked',
      'target_group',
      'cc',
      'asns',
      'methods',
      'start_ms',
      'end_ms',
      'severity',
      'peak_share',
      'probes',
      'status',
      'simulated',
      'evidence',
    ],
    json: ['asns', 'methods', 'evidence'],
  },
  { name: 'event_notes', columns: ['id', 'event_id', 'at_ms', 'text'], serial: 'id' },
];

type Row = unknown[];
type Table = (typeof TABLES)[number];

interface End {
  storage: Storage;
  read(t: Table): AsyncIterable<Row[]>;
  write(t: Table, rows: Row[]): Promise<void>;
  /** after all rows: sequences past the copied ids */
  finish(): Promise<void>;
  /** opens and closes the source snapshot */
  begin(): Promise<void>;
  end(): Promise<void>;
}

const CHUNK = 1000;

function sqliteEnd(path: string): End {
  const storage = openSqliteStorage({ path, backgroundCheckpoints: false });
  const db: Database.Database = storage.db;
  if (db.pragma('user_version', { simple: true }) !== SQLITE_MIGRATIONS.length)
    throw new Error(`${path}: not at SQLite schema version ${SQLITE_MIGRATIONS.length}`);
  return {
    storage,
    async begin() {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM probes').get(); // the snapshot starts at the first read
    },
    async end() {
      db.exec('COMMIT');
    },
    async *read(t) {
      const it = db
        .prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name}`)
        .raw()
        .iterate() as IterableIterator<Row>;
      let chunk: Row[] = [];
      for (const row of it) {
        if (t.json)
          for (const c of t.json) row[t.columns.indexOf(c)] = JSON.parse(row[t.columns.indexOf(c)] as string);
        chunk.push(row);
        if (chunk.length === CHUNK) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length) yield chunk;
    },
    async write(t, rows) {
      const ins = db.prepare(
        `INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`,
      );
      db.transaction(() => {
        for (const row of rows) {
          const r = [...row];
          if (t.json)
            for (const c of t.json) r[t.columns.indexOf(c)] = JSON.stringify(r[t.columns.indexOf(c)]);
          ins.run(...r);
        }
      })();
    },
    async finish() {},
  };
}

/** Measurement rows need their month's partitions and their uid claimed (schema version 3). */
async function placeMeasurements(pool: pg.Pool, months: MonthPartitions, t: Table, rows: Row[]) {
  const id = t.columns.indexOf('id');
  const uid = t.columns.indexOf('uid');
  await months.ensure(rows.map((r) => Math.floor((r[id] as number) / KEY_SEQ_SPAN) * 1000));
  await pool.query('INSERT INTO measurement_uids (uid, id) SELECT * FROM unnest($1::text[], $2::bigint[])', [
    rows.map((r) => r[uid]),
    rows.map((r) => r[id]),
  ]);
}

async function postgresEnd(url: string): Promise<End> {
  const storage = await openPostgresStorage({ url, maxConnections: 2, applicationName: 'raabta-migrate-db' });
  const pool: pg.Pool = storage.pool;
  const months = new MonthPartitions(pool);
  let reader: pg.PoolClient | null = null;
  return {
    storage,
    async begin() {
      reader = await pool.connect();
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },
    async end() {
      await reader?.query('COMMIT');
      reader?.release();
      reader = null;
    },
    async *read(t) {
      const c = reader!;
      await c.query(`DECLARE copy_cur NO SCROLL CURSOR FOR SELECT ${t.columns.join(', ')} FROM ${t.name}`);
      try {
        for (;;) {
          const r = await c.query({ text: `FETCH ${CHUNK} FROM copy_cur`, rowMode: 'array' });
          if (!r.rows.length) break;
          yield r.rows as Row[];
        }
      } finally {
        await c.query('CLOSE copy_cur');
      }
    },
    async write(t, rows) {
      if (t.name === 'measurements') await placeMeasurements(pool, months, t, rows);
      const n = t.columns.length;
      const per = Math.max(1, Math.floor(30_000 / n));
      for (let i = 0; i < rows.length; i += per) {
        const part = rows.slice(i, i + per);
        const values: unknown[] = [];
        const tuples = part.map((row) => {
          const r = [...row];
          if (t.json)
            for (const c of t.json) r[t.columns.indexOf(c)] = JSON.stringify(r[t.columns.indexOf(c)]);
          const at = values.length;
          values.push(...r);
          return `(${r.map((_, j) => `$${at + j + 1}`).join(', ')})`;
        });
        await pool.query(
          `INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES ${tuples.join(', ')}`,
          values,
        );
      }
    },
    async finish() {
      for (const t of TABLES) {
        if (!t.serial) continue;
        await pool.query(
          `SELECT setval(pg_get_serial_sequence('${t.name}', '${t.serial}'),
             greatest((SELECT max(${t.serial}) FROM ${t.name}), 1), (SELECT count(*) > 0 FROM ${t.name}))`,
        );
      }
    },
  };
}

export function openEnd(spec: string): Promise<End> {
  if (isPostgresUrl(spec)) return postgresEnd(spec);
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  return Promise.resolve(sqliteEnd(path));
}

export interface CopyReport {
  rows: Record<string, number>;
  problems: string[];
}

export async function copyDatabase(
  from: string,
  to: string,
  onProgress?: (table: string, rows: number) => void,
): Promise<CopyReport> {
  const src = await openEnd(from);
  let dst: End | null = null;
  try {
    dst = await openEnd(to);
    const d = await dst.storage.stats();
    if (d.measurements || d.batches || d.probes || d.events)
      throw new Error('the destination database is not empty: refusing to copy into it');
    const rows: Record<string, number> = {};
    await src.begin();
    try {
      for (const t of TABLES) {
        rows[t.name] = 0;
        for await (const chunk of src.read(t)) {
          await dst.write(t, chunk);
          rows[t.name] += chunk.length;
          onProgress?.(t.name, rows[t.name]);
        }
      }
    } finally {
      await src.end();
    }
    await dst.finish();
    const problems = await dst.storage.verifyRollups();
    const copied = (await dst.storage.stats()).measurements;
    if (copied !== rows.measurements)
      problems.push(`measurements: ${rows.measurements} rows copied, the destination counts ${copied}`);
    return { rows, problems };
  } finally {
    await src.storage.close();
    await dst?.storage.close();
  }
}
