/**
 * Both engines, migrated through every schema version (collector/storage/schema-versions.ts), end with the
 * same tables and the same columns in the same order — what migrate-db's column-for-column copy relies
 * on — apart from the tables one engine has for itself (named here, with the reason).
 */
import { join } from 'node:path';
import test from 'ava';
import { TABLES } from '../../collector/storage/postgres/copy.ts';
import { openPostgresStorage } from '../../collector/storage/postgres/index.ts';
import { createTestDatabase } from '../../collector/storage/postgres/test-db.ts';
import { SCHEMA_VERSIONS } from '../../collector/storage/schema-versions.ts';
import { openSqliteStorage } from '../../collector/storage/sqlite/index.ts';
import { sharedPostgres } from '../helpers/postgres.ts';
import { tempDir } from './helpers.ts';

/** PostgreSQL's own: the applied versions (SQLite: PRAGMA user_version), the uid uniqueness of partitions */
const POSTGRES_ONLY = ['measurement_uids', 'raabta_schema'];

type Layout = Record<string, string[]>;

async function postgresLayout(t: { teardown(fn: () => Promise<void>): void }): Promise<Layout> {
  const db = await createTestDatabase((await sharedPostgres()).url);
  const s = await openPostgresStorage({ url: db.url, maxConnections: 1 });
  t.teardown(async () => {
    await s.close();
    await db.drop();
  });
  const r = await s.pool.query(
    `SELECT c.relname AS table, a.attname AS column
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
  );
  const out: Layout = {};
  for (const x of r.rows) {
    out[x.table] ??= [];
    out[x.table].push(x.column);
  }
  return out;
}

function sqliteLayout(t: { teardown(fn: () => Promise<void>): void }): Layout {
  const dir = tempDir();
  const s = openSqliteStorage({ path: join(dir.dir, 'schema.db'), backgroundCheckpoints: false });
  t.teardown(async () => {
    await s.close();
    dir.remove();
  });
  const tables = s.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((name) => [
      name,
      (s.db.pragma(`table_info(${name})`) as { name: string }[]).map((c) => c.name),
    ]),
  );
}

test('both engines reach the same schema version, with the same tables and columns', async (t) => {
  const lite = sqliteLayout(t);
  const pg = await postgresLayout(t);
  for (const only of POSTGRES_ONLY) {
    t.truthy(pg[only], `${only} exists on PostgreSQL`);
    delete pg[only];
  }
  t.deepEqual(Object.keys(pg).sort(), Object.keys(lite).sort(), 'same tables');
  for (const name of Object.keys(lite))
    t.deepEqual(pg[name], lite[name], `${name}: same columns, same order`);
  // migrate-db copies every shared table, every column (named, so in any order)
  t.deepEqual(
    Object.fromEntries(TABLES.map((x) => [x.name, [...x.columns].sort()])),
    Object.fromEntries(TABLES.map((x) => [x.name, [...(lite[x.name] ?? [])].sort()])),
    'the copy tool names every column',
  );
  t.deepEqual(TABLES.map((x) => x.name).sort(), Object.keys(lite).sort(), 'the copy tool copies every table');
});

test('the schema versions are numbered 1, 2, … and every version says what it changes for each engine', (t) => {
  SCHEMA_VERSIONS.forEach((v, i) => {
    t.is(v.version, i + 1);
    t.true(v.change.length > 10);
    t.true(v.sqlite !== null || v.postgres !== null, `version ${v.version} changes at least one engine`);
  });
});
