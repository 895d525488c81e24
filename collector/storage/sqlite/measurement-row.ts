/**
 * A measurement row as SQLite stores it — the insert and its values in column order — shared by ingest and
 * by the benchmark's raw-insert baseline, so the baseline always writes exactly what ingest writes.
 */
import type { PreparedMeasurement } from '../records.ts';

export const INSERT_MEASUREMENT = `INSERT INTO measurements (id, uid, start_ms, batch_id, raw_offset, raw_length,
    probe_id, probe_asn, probe_cc, network_name, test_name, input, target_group, simulated)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function measurementRow(
  id: number,
  batchId: number,
  probeId: string,
  m: PreparedMeasurement,
): (string | number | null)[] {
  return [
    id,
    m.uid,
    m.start_ms,
    batchId,
    m.offset,
    m.length,
    probeId,
    m.probe_asn,
    m.probe_cc,
    m.network_name,
    m.test_name,
    m.input,
    m.target_group,
    m.simulated ? 1 : 0,
  ];
}
