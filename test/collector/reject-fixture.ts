/**
 * A collector with small limits, two registered probes and one stored measurement, and `refused()`: the
 * request gets the expected 4xx naming the problem, the database is left exactly as it was (row counts and a
 * checksum of every table), and the server keeps serving.
 */
import type { ExecutionContext } from 'ava';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import {
  countRows,
  dbFingerprint,
  http,
  registerProbe,
  startCollector,
  type TestCollector,
  type TestProbe,
  upload,
} from './helpers.ts';

export interface RejectFixture {
  c: TestCollector;
  probe: TestProbe;
  other: TestProbe;
  fresh(): ReturnType<typeof sampleMeasurement>;
  refused(
    t: ExecutionContext,
    send: () => Promise<Awaited<ReturnType<typeof http>>>,
    want: { status: number; code: string; message?: RegExp },
  ): Promise<Awaited<ReturnType<typeof http>>>;
}

export async function rejectFixture(): Promise<RejectFixture> {
  const c = await startCollector({
    limits: { bodyBytes: 256 * 1024, decompressedBytes: 4 * 1024 * 1024 },
    rateLimits: { uploads: { capacity: 1000, perSecond: 1000 } },
  });
  const probe = await registerProbe(c.url);
  const other = await registerProbe(c.url);
  // something already stored, so "unchanged" is checked against a non-empty database
  const r = await upload(c.url, probe, [sampleMeasurement({ probe_id: probe.probeId })]);
  if (r.status !== 200) throw new Error(r.text);
  return {
    c,
    probe,
    other,
    fresh: () => sampleMeasurement({ probe_id: probe.probeId }),
    async refused(t, send, want) {
      const rows = await countRows(c.database);
      const before = await dbFingerprint(c.database);
      const res = await send();
      t.is(res.status, want.status, res.text);
      t.is(res.json?.error?.code, want.code, res.text);
      if (want.message) t.regex(res.json.error.message, want.message);
      t.is(await countRows(c.database), rows, 'no row added');
      t.is(await dbFingerprint(c.database), before, 'every table unchanged');
      t.is((await http(`${c.url}/healthz`)).status, 200, 'still serving');
      return res;
    },
  };
}
