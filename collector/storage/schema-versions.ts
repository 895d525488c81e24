/**
 * Every version of the collector's database schema, for both engines, in one list: a change to the layout
 * is one new entry here with its SQLite and its PostgreSQL statements side by side (or `null`, with the
 * reason, where an engine has nothing to do), so the two engines' version numbers mean the same layout.
 * SQLite records the version in `PRAGMA user_version`, PostgreSQL in `raabta_schema`. Never edit a released
 * version: append one. test/collector/schema-engines.test.ts checks that both engines end with the same
 * tables and columns.
 */
import { PG_INITIAL, PG_PARTITION_BY_MONTH } from './postgres/schema-sql.ts';
import { SQLITE_INITIAL, SQLITE_ROLLUP_CELLS } from './sqlite/schema-sql.ts';

export type Engine = 'sqlite' | 'postgres';

export interface SchemaVersion {
  version: number;
  change: string;
  sqlite: string | null;
  postgres: string | null;
}

export const SCHEMA_VERSIONS: SchemaVersion[] = [
  {
    version: 1,
    change: 'probes, raw batches, measurements, verdicts, rollups, coverage, events',
    sqlite: SQLITE_INITIAL,
    postgres: PG_INITIAL,
  },
  {
    version: 2,
    change: 'rollups: one row per cell with a column per status; methods and per-input rollups apart',
    sqlite: SQLITE_ROLLUP_CELLS,
    postgres: null, // PostgreSQL support began with this layout (its version 1 has it)
  },
  {
    version: 3,
    change: 'measurements and verdicts partitioned by month; uid uniqueness in measurement_uids',
    sqlite: null, // one file, read by key ranges already: nothing to partition
    postgres: PG_PARTITION_BY_MONTH,
  },
];

/** The statements of each version for one engine, in order ('' where the engine has nothing to do). */
export function migrationsFor(engine: Engine): string[] {
  return SCHEMA_VERSIONS.map((v, i) => {
    if (v.version !== i + 1) throw new Error(`schema versions out of order at ${v.version}`);
    return v[engine] ?? '';
  });
}
