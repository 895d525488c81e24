/**
 * The ingest transaction. Batches that arrived together share one transaction (one commit, one WAL flush);
 * each runs in its own savepoint, so a failing batch is rolled back alone. Per batch: the batch row, then
 * all its new measurements and their current verdicts in one statement: each uid is claimed in
 * `measurement_uids` (`ON CONFLICT DO NOTHING`: a uid stored by anyone — this process or another collector,
 * committed or committing — is a duplicate; its primary key makes a concurrent insert of the same uid wait
 * for the other transaction and then skip), then the claimed ones go into `measurements` and `verdicts`.
 * The rollups and coverage of every batch that succeeded are written last, once, in key order (rollups.ts),
 * so two collectors' transactions lock shared rollup rows in the same order. A deadlock between two
 * collectors sending overlapping batches in different orders aborts one transaction: it is retried whole.
 * Before the transaction, the months of its measurements get their partitions (partitions.ts).
 */

import type pg from 'pg';
import { type CoverageRow, ingestDelta } from '../ingest-delta.ts';
import { KEY_SEQ_SPAN } from '../measurement-keys.ts';
import { currentVerdict } from '../rollup-keys.ts';
import type { IngestItemStatus, IngestOutcome, PreparedBatch, PreparedMeasurement } from '../types.ts';
import { MonthPartitions } from './partitions.ts';
import { isRetryable, type Tx, transaction } from './pool.ts';
import { type KnownProbeRows, writeRollups } from './rollups.ts';

const INSERT_MEASUREMENTS = `
  WITH src AS (
    SELECT * FROM unnest($3::text[], $4::bigint[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[],
      $10::text[], $11::text[], $12::text[], $13::smallint[]) WITH ORDINALITY
      AS s(uid, start_ms, raw_offset, raw_length, probe_asn, probe_cc, network_name, test_name, input,
        target_group, simulated, ord)
  ), keyed AS MATERIALIZED (
    SELECT (s.start_ms / 1000) * ${KEY_SEQ_SPAN} + nextval('measurement_seq') % ${KEY_SEQ_SPAN} AS id, s.*
    FROM src s ORDER BY s.ord
  ), u AS (
    INSERT INTO measurement_uids (uid, id) SELECT uid, id FROM keyed ORDER BY ord
    ON CONFLICT DO NOTHING
    RETURNING uid, id
  ), ins AS (
    INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length, probe_id, probe_asn, probe_cc,
      network_name, test_name, input, target_group, simulated)
    SELECT k.id, k.uid, k.start_ms, $1, k.raw_offset, k.raw_length, $2, k.probe_asn, k.probe_cc, k.network_name,
      k.test_name, k.input, k.target_group, k.simulated
    FROM u JOIN keyed k ON k.uid = u.uid
    ON CONFLICT (id) DO NOTHING
    RETURNING id, uid
  ), v AS (
    INSERT INTO verdicts (measurement_id, source, current, analysis_version, status, method, confidence, reason,
      evidence)
    SELECT ins.id, x.source, 1, x.analysis_version, x.status, x.method, x.confidence, x.reason, x.evidence
    FROM ins JOIN unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::float8[], $20::text[],
      $21::text[]) AS x(uid, source, analysis_version, status, method, confidence, reason, evidence)
      ON x.uid = ins.uid
  )
  SELECT u.uid, ins.id FROM u LEFT JOIN ins ON ins.uid = u.uid`;

/**
 * Inserts the measurements whose uid is new. Returns the uids stored (with their keys) and the uids claimed
 * but not stored: their key collided with another measurement of the same second (sequence numbers wrap
 * every 2^21); the caller frees those uids and tries them again with new keys.
 */
async function insertMeasurements(
  c: Tx,
  batchId: number,
  probeId: string,
  ms: PreparedMeasurement[],
): Promise<{ stored: Map<string, number>; collided: string[] }> {
  const cols: unknown[][] = Array.from({ length: 11 }, () => []);
  const vcols: unknown[][] = Array.from({ length: 8 }, () => []);
  for (const m of ms) {
    [
      m.uid,
      m.start_ms,
      m.offset,
      m.length,
      m.probe_asn,
      m.probe_cc,
      m.network_name,
      m.test_name,
      m.input,
      m.target_group,
      m.simulated ? 1 : 0,
    ].forEach((v, i) => {
      cols[i].push(v);
    });
    const v = currentVerdict(m);
    if (v) {
      [
        m.uid,
        v.source,
        v.analysis_version,
        v.status,
        v.method,
        v.confidence,
        v.reason,
        JSON.stringify(v.evidence),
      ].forEach((x, i) => {
        vcols[i].push(x);
      });
    }
  }
  const r = await c.query(INSERT_MEASUREMENTS, [batchId, probeId, ...cols, ...vcols]);
  const stored = new Map<string, number>();
  const collided: string[] = [];
  for (const x of r.rows as { uid: string; id: number | null }[]) {
    if (x.id === null) collided.push(x.uid);
    else stored.set(x.uid, x.id);
  }
  return { stored, collided };
}

function* startTimes(batches: PreparedBatch[]): Generator<number> {
  for (const b of batches) for (const m of b.measurements) yield m.start_ms;
}

interface BatchResult {
  statuses: IngestItemStatus[];
  accepted: PreparedMeasurement[];
}

async function ingestOne(c: Tx, batch: PreparedBatch): Promise<BatchResult> {
  const statuses: IngestItemStatus[] = [];
  const seen = new Set<string>();
  const fresh: PreparedMeasurement[] = [];
  for (const m of batch.measurements) {
    if (seen.has(m.uid)) statuses.push('duplicate');
    else {
      seen.add(m.uid);
      fresh.push(m);
      statuses.push('accepted');
    }
  }
  const b = await c.query(
    'INSERT INTO raw_batches (probe_id, received_ms, gzip, signature) VALUES ($1, $2, $3, $4) RETURNING id',
    [
      batch.probe_id,
      batch.received_ms,
      Buffer.from(batch.gzip),
      batch.signature ? Buffer.from(batch.signature) : null,
    ],
  );
  const batchId = b.rows[0].id as number;
  const stored = new Map<string, number>();
  let todo = fresh;
  for (let attempt = 0; todo.length; attempt++) {
    const r = await insertMeasurements(c, batchId, batch.probe_id, todo);
    for (const [uid, id] of r.stored) stored.set(uid, id);
    if (!r.collided.length) break; // the rest were duplicates: their uid is stored already
    if (attempt >= 10) throw new Error('could not allocate measurement keys');
    await c.query('DELETE FROM measurement_uids WHERE uid = ANY($1::text[])', [r.collided]);
    const again = new Set(r.collided);
    todo = todo.filter((m) => again.has(m.uid));
  }
  const accepted: PreparedMeasurement[] = [];
  let i = 0;
  const seenAgain = new Set<string>();
  for (const m of batch.measurements) {
    if (statuses[i] === 'accepted' && !seenAgain.has(m.uid)) {
      seenAgain.add(m.uid);
      if (stored.has(m.uid)) accepted.push(m);
      else statuses[i] = 'duplicate';
    }
    i++;
  }
  if (!accepted.length) await c.query('DELETE FROM raw_batches WHERE id = $1', [batchId]);
  return { statuses, accepted };
}

async function writeCoverage(c: Tx, rows: CoverageRow[]) {
  if (!rows.length) return;
  await c.query(
    `INSERT INTO coverage AS c (probe_asn, probe_cc, probe_id, network_name, measurements, last_seen_ms)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
     ON CONFLICT (probe_asn, probe_cc, probe_id) DO UPDATE SET measurements = c.measurements + excluded.measurements,
       network_name = coalesce(excluded.network_name, c.network_name),
       last_seen_ms = greatest(c.last_seen_ms, excluded.last_seen_ms)`,
    [
      rows.map((r) => r.asn),
      rows.map((r) => r.cc),
      rows.map((r) => r.probe),
      rows.map((r) => r.name),
      rows.map((r) => r.n),
      rows.map((r) => r.last),
    ],
  );
}

export function createIngest(pool: pg.Pool, known: KnownProbeRows) {
  const partitions = new MonthPartitions(pool);
  return async (batches: PreparedBatch[]): Promise<IngestOutcome[]> => {
    await partitions.ensure(startTimes(batches));
    let written: string[] = [];
    const out = await transaction(pool, async (c) => {
      const results: IngestOutcome[] = [];
      const good: { probe_id: string; accepted: PreparedMeasurement[] }[] = [];
      for (const [i, batch] of batches.entries()) {
        await c.query(`SAVEPOINT b${i}`);
        try {
          const r = await ingestOne(c, batch);
          await c.query(`RELEASE SAVEPOINT b${i}`);
          results.push({ statuses: r.statuses });
          good.push({ probe_id: batch.probe_id, accepted: r.accepted });
        } catch (err) {
          // a deadlock with another collector: every lock of this transaction goes, and it starts again
          if (isRetryable(err)) throw err;
          await c.query(`ROLLBACK TO SAVEPOINT b${i}`);
          results.push({ error: (err as Error).message });
        }
      }
      const { delta, coverage } = ingestDelta(good);
      written = await writeRollups(c, delta, known);
      await writeCoverage(c, coverage);
      return results;
    });
    known.addAll(written);
    return out;
  };
}
