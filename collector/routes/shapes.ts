/** Query parsing and the storage → API shape mapping shared by the read routes. */
import type { Static } from '@sinclair/typebox';
import type { Event, MeasurementSummary } from '../api-schemas.ts';
import { ApiError } from '../errors.ts';
import type { EventRecord, MeasurementSummaryRow } from '../storage/types.ts';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An ISO 8601 time from the query string, in ms; 400 bad_time naming the parameter otherwise. */
export function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new ApiError(
      400,
      'bad_time',
      `${name}: "${value}" is not an ISO 8601 time (e.g. 2024-11-10T08:00:00Z)`,
    );
  }
  return ms;
}

export function parseBool(value: boolean | '1' | '0' | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value === true || value === '1';
}

export function toSummary(r: MeasurementSummaryRow): Static<typeof MeasurementSummary> {
  return {
    measurement_uid: r.uid,
    measurement_start_time: iso(r.start_ms),
    probe_asn: r.probe_asn,
    probe_cc: r.probe_cc,
    probe_network_name: r.network_name,
    test_name: r.test_name,
    input: r.input,
    target_group: r.target_group,
    simulated: r.simulated,
    verdict: r.verdict
      ? {
          status: r.verdict.status,
          method: r.verdict.method,
          confidence: r.verdict.confidence,
          reason: r.verdict.reason,
        }
      : null,
  };
}

export function toEvent(e: EventRecord): Static<typeof Event> {
  return {
    id: e.id,
    title: e.title,
    target_group: e.target_group,
    scope: { cc: e.cc, asns: e.asns },
    methods: e.methods,
    start: iso(e.start_ms),
    end: e.end_ms === null ? null : iso(e.end_ms),
    severity: e.severity,
    peak_share: e.peak_share,
    probes: e.probes,
    status: e.status,
    notes: e.notes.map((n) => ({ at: iso(n.at_ms), text: n.text })),
    simulated: e.simulated,
  };
}
