/**
 * Writes a transaction's rollup delta with one multi-row upsert per table (unnest arrays). Rows are sent in
 * one fixed order (table, then key), so concurrent writers — several collectors on one database — take
 * their row locks in the same order and never deadlock each other; `ON CONFLICT … DO UPDATE SET n = n +
 * excluded.n` adds under the row lock, so no increment is lost. Distinct probes: the (cell, probe) row is
 * inserted first; only a row this transaction really inserted adds one to the cell's `probes`.
 */
import type { CellDelta, MethodDelta, RollupDelta } from '../rollup-keys.ts';
import type { Tx } from './pool.ts';

const ADD = (t: string) =>
  `ok = ${t}.ok + excluded.ok, blocked = ${t}.blocked + excluded.blocked, down = ${t}.down + excluded.down, ` +
  `error = ${t}.error + excluded.error, inconclusive = ${t}.inconclusive + excluded.inconclusive`;

const byKey = <T>(m: Map<string, T>): T[] =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/** Per process: (cell, probe) rows known committed, so they are not sent again (they are never deleted). */
export class KnownProbeRows {
  private known = new Set<string>();
  has(k: string): boolean {
    return this.known.has(k);
  }
  addAll(keys: Iterable<string>): void {
    if (this.known.size > 1_000_000) this.known = new Set();
    for (const k of keys) this.known.add(k);
  }
}

/** Returns the probe-row keys this transaction wrote (to be remembered once it commits). */
export async function writeRollups(c: Tx, delta: RollupDelta, known?: KnownProbeRows): Promise<string[]> {
  const written: string[] = [];
  const probeRows = byKey(
    new Map([...delta.probes].filter(([k]) => !known?.has(k)).map(([k, p]) => [k, { k, ...p }])),
  );
  if (probeRows.length) {
    const cols: unknown[][] = [[], [], [], [], [], [], []];
    for (const p of probeRows) {
      const cell = delta.groupCells.get(p.cell)!;
      const d = cell.d;
      [cell.bucket, cell.t, d.target_group, d.probe_asn, d.probe_cc, d.simulated, p.probe_id].forEach(
        (v, i) => {
          cols[i].push(v);
        },
      );
      written.push(p.k);
    }
    const r = await c.query(
      `INSERT INTO rollup_probes (bucket, t, target_group, probe_asn, probe_cc, simulated, probe_id)
       SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[])
       ON CONFLICT DO NOTHING
       RETURNING bucket, t, target_group, probe_asn, probe_cc, simulated`,
      cols,
    );
    for (const row of r.rows) {
      const key = `${row.bucket}\u0000${row.t}\u0000${row.target_group}\u0000${row.probe_asn}\u0000${row.probe_cc}\u0000${row.simulated}`;
      const cell = delta.groupCells.get(key);
      if (!cell) throw new Error(`rollup probe row for an unknown cell ${JSON.stringify(row)}`);
      cell.probes++;
    }
  }
  await upsertCells(c, byKey(delta.groupCells), false);
  await upsertCells(c, byKey(delta.inputCells), true);
  await upsertMethods(c, byKey(delta.groupMethods), false);
  await upsertMethods(c, byKey(delta.inputMethods), true);
  return written;
}

async function upsertCells(c: Tx, cells: CellDelta[], perInput: boolean): Promise<void> {
  if (!cells.length) return;
  const cols: unknown[][] = Array.from({ length: 12 }, () => []);
  for (const x of cells) {
    const d = x.d;
    const k = x.counts;
    const row = perInput
      ? [x.bucket, d.target_group, x.t, d.probe_asn, d.probe_cc, d.input, d.simulated]
      : [x.bucket, x.t, d.target_group, d.probe_asn, d.probe_cc, d.simulated];
    row.push(k.ok, k.blocked, k.down, k.error, k.inconclusive);
    if (!perInput) row.push(x.probes);
    row.forEach((v, i) => {
      cols[i].push(v);
    });
  }
  if (perInput) {
    await c.query(
      `INSERT INTO rollups_input AS r (bucket, target_group, t, probe_asn, probe_cc, input, simulated, ok, blocked,
         down, error, inconclusive)
       SELECT * FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::smallint[],
         $8::int[], $9::int[], $10::int[], $11::int[], $12::int[])
       ON CONFLICT (bucket, target_group, t, probe_asn, probe_cc, input, simulated) DO UPDATE SET ${ADD('r')}`,
      cols,
    );
  } else {
    await c.query(
      `INSERT INTO rollups AS r (bucket, t, target_group, probe_asn, probe_cc, simulated, ok, blocked, down, error,
         inconclusive, probes)
       SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::smallint[],
         $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[])
       ON CONFLICT (bucket, t, target_group, probe_asn, probe_cc, simulated)
       DO UPDATE SET ${ADD('r')}, probes = r.probes + excluded.probes`,
      cols,
    );
  }
}

async function upsertMethods(c: Tx, rows: MethodDelta[], perInput: boolean): Promise<void> {
  const live = rows.filter((m) => m.n !== 0);
  if (!live.length) return;
  const cols: unknown[][] = Array.from({ length: perInput ? 9 : 8 }, () => []);
  for (const m of live) {
    const d = m.d;
    const row = perInput
      ? [m.bucket, d.target_group, m.t, d.probe_asn, d.probe_cc, d.input, d.simulated, m.method, m.n]
      : [m.bucket, m.t, d.target_group, d.probe_asn, d.probe_cc, d.simulated, m.method, m.n];
    row.forEach((v, i) => {
      cols[i].push(v);
    });
  }
  const table = perInput ? 'rollup_input_methods' : 'rollup_methods';
  const keyCols = perInput
    ? 'bucket, target_group, t, probe_asn, probe_cc, input, simulated, method'
    : 'bucket, t, target_group, probe_asn, probe_cc, simulated, method';
  const types = perInput
    ? '$1::int[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[], $9::int[]'
    : '$1::int[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::int[]';
  const negative = live.some((m) => m.n < 0);
  const r = await c.query(
    `INSERT INTO ${table} AS r (${keyCols}, n) SELECT * FROM unnest(${types})
     ON CONFLICT (${keyCols}) DO UPDATE SET n = r.n + excluded.n
     ${negative ? `RETURNING ${keyCols}, n` : ''}`,
    cols,
  );
  if (!negative) return;
  // a method count moved to zero by re-scoring: drop the row (the row lock is ours until commit)
  const zero = r.rows.filter((x) => x.n === 0);
  if (!zero.length) return;
  const keys = keyCols.split(', ');
  const zcols = keys.map((k) => zero.map((x) => x[k]));
  const ztypes = types.split(', ').slice(0, keys.length).join(', ');
  await c.query(
    `DELETE FROM ${table} WHERE (${keyCols}) IN (SELECT * FROM unnest(${ztypes})) AND n = 0`,
    zcols,
  );
}
