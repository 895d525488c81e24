/**
 * Writes rollup deltas: one upsert per cell (a column per status, plus its count of distinct probes), one
 * per blocking method. Probe rows already known to exist (written by an earlier, committed transaction) are
 * skipped — most (bucket, service, network, probe) rows repeat all day; the cache learns a row only once its
 * transaction has committed (`committed()`) and forgets what a failed transaction wrote (`abandoned()`).
 */
import type Database from 'better-sqlite3';
import type { CellDelta, MethodDelta, RollupDelta } from '../rollup-keys.ts';

export interface RollupWriter {
  write(delta: RollupDelta): void;
  committed(): void;
  abandoned(): void;
}

const ADD_COUNTS =
  'ok = ok + excluded.ok, blocked = blocked + excluded.blocked, down = down + excluded.down, ' +
  'error = error + excluded.error, inconclusive = inconclusive + excluded.inconclusive';

export function createRollupWriter(db: Database.Database): RollupWriter {
  const upsertGroup = db.prepare(
    `INSERT INTO rollups (bucket, t, target_group, probe_asn, probe_cc, simulated, ok, blocked, down, error,
       inconclusive, probes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET ${ADD_COUNTS}, probes = probes + excluded.probes`,
  );
  const upsertInput = db.prepare(
    `INSERT INTO rollups_input (bucket, target_group, t, probe_asn, probe_cc, input, simulated, ok, blocked, down,
       error, inconclusive) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET ${ADD_COUNTS}`,
  );
  const upsertGroupMethod = db.prepare(
    `INSERT INTO rollup_methods (bucket, t, target_group, probe_asn, probe_cc, simulated, method, n)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`,
  );
  const upsertInputMethod = db.prepare(
    `INSERT INTO rollup_input_methods (bucket, target_group, t, probe_asn, probe_cc, input, simulated, method, n)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`,
  );
  const insertProbe = db.prepare(
    `INSERT OR IGNORE INTO rollup_probes (bucket, t, target_group, probe_asn, probe_cc, simulated, probe_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const deleteEmptyMethods = [
    db.prepare('DELETE FROM rollup_methods WHERE n = 0'),
    db.prepare('DELETE FROM rollup_input_methods WHERE n = 0'),
  ];
  const known = new Set<string>();
  let pending: string[] = [];

  const counts = (c: CellDelta) => [
    c.counts.ok,
    c.counts.blocked,
    c.counts.down,
    c.counts.error,
    c.counts.inconclusive,
  ];
  const methods = (rows: Iterable<MethodDelta>, withInput: boolean): boolean => {
    let negative = false;
    for (const m of rows) {
      if (m.n === 0) continue;
      if (m.n < 0) negative = true;
      const d = m.d;
      if (withInput)
        upsertInputMethod.run(
          m.bucket,
          d.target_group,
          m.t,
          d.probe_asn,
          d.probe_cc,
          d.input,
          d.simulated,
          m.method,
          m.n,
        );
      else
        upsertGroupMethod.run(
          m.bucket,
          m.t,
          d.target_group,
          d.probe_asn,
          d.probe_cc,
          d.simulated,
          m.method,
          m.n,
        );
    }
    return negative;
  };

  return {
    write(delta) {
      for (const [key, p] of delta.probes) {
        if (known.has(key)) continue;
        const c = delta.groupCells.get(p.cell)!;
        const d = c.d;
        const r = insertProbe.run(
          c.bucket,
          c.t,
          d.target_group,
          d.probe_asn,
          d.probe_cc,
          d.simulated,
          p.probe_id,
        );
        pending.push(key);
        if (r.changes === 1) c.probes++;
      }
      for (const c of delta.groupCells.values()) {
        const d = c.d;
        upsertGroup.run(
          c.bucket,
          c.t,
          d.target_group,
          d.probe_asn,
          d.probe_cc,
          d.simulated,
          ...counts(c),
          c.probes,
        );
      }
      for (const c of delta.inputCells.values()) {
        const d = c.d;
        upsertInput.run(
          c.bucket,
          d.target_group,
          c.t,
          d.probe_asn,
          d.probe_cc,
          d.input,
          d.simulated,
          ...counts(c),
        );
      }
      const negGroup = methods(delta.groupMethods.values(), false);
      const negInput = methods(delta.inputMethods.values(), true);
      if (negGroup || negInput) for (const s of deleteEmptyMethods) s.run();
    },
    committed() {
      if (known.size > 1_000_000) known.clear();
      for (const k of pending) known.add(k);
      pending = [];
    },
    abandoned() {
      pending = [];
    },
  };
}
