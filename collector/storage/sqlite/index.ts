/** The embedded storage: one SQLite file (better-sqlite3), synchronous inside, async at the interface. */
import { existsSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type {
  DetectedEvent,
  EventQuery,
  MeasurementQuery,
  PreparedBatch,
  ProbeRecord,
  Storage,
  StorageStats,
  TimelineQuery,
  VerdictRecord,
} from '../types.ts';
import { startCheckpointer } from './checkpointer.ts';
import { createEvents } from './events.ts';
import { createIngest } from './ingest.ts';
import { openDatabase, type SqliteOptions } from './open.ts';
import { createReads } from './reads.ts';
import { createRescore } from './rescore.ts';
import { createTimeline } from './timeline.ts';
import { verifyRollups } from './verify.ts';

export type { SqliteOptions } from './open.ts';

export function openSqliteStorage(o: SqliteOptions): Storage & { readonly db: Database.Database } {
  const db = openDatabase(o);
  const checkpointer = o.backgroundCheckpoints !== false && !o.readonly ? startCheckpointer(o.path) : null;
  const ingest = createIngest(db);
  const reads = createReads(db);
  const timeline = createTimeline(db);
  const rescore = createRescore(db, reads.rawOf);
  const events = createEvents(db);
  const probeById = db.prepare('SELECT public_key FROM probes WHERE probe_id = ?').pluck();
  const probeByKey = db.prepare('SELECT probe_id FROM probes WHERE public_key = ?').pluck();
  const insertProbe = db.prepare(
    `INSERT INTO probes (probe_id, public_key, software_name, software_version, platform, created_ms)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck();
  const counts = {
    measurements: db.prepare('SELECT coalesce(sum(measurements), 0) FROM coverage').pluck(),
    batches: count('raw_batches'),
    probes: count('probes'),
    events: count('events'),
  };
  const ping = db.prepare('SELECT count(*) FROM sqlite_master');
  let closed = false;

  return {
    kind: 'sqlite',
    db,
    async close() {
      if (closed) return;
      closed = true;
      await checkpointer?.stop();
      db.close();
    },
    async registerProbe(p: ProbeRecord) {
      const key = Buffer.from(p.public_key);
      const existing = probeByKey.get(key) as string | undefined;
      if (existing) return { probe_id: existing, created: false };
      insertProbe.run(p.probe_id, key, p.software_name, p.software_version, p.platform, p.created_ms);
      return { probe_id: (probeByKey.get(key) as string) ?? p.probe_id, created: true };
    },
    async probeKey(probeId: string) {
      return (probeById.get(probeId) as Buffer | undefined) ?? null;
    },
    async ingest(batches: PreparedBatch[]) {
      return ingest(batches);
    },
    async listMeasurements(q: MeasurementQuery) {
      return reads.list(q);
    },
    async getMeasurement(uid: string) {
      return reads.get(uid);
    },
    async summariesByUid(uids: string[]) {
      return reads.summaries(uids);
    },
    async timeline(q: TimelineQuery) {
      return timeline(q);
    },
    async coverage() {
      return reads.coverage();
    },
    async scanRaw(opts) {
      return rescore.scan(opts);
    },
    async replaceCollectorVerdicts(items: { key: number; verdict: VerdictRecord }[]) {
      return rescore.replace(items);
    },
    async upsertEvents(list: DetectedEvent[]) {
      events.upsert(list);
    },
    async listEvents(q: EventQuery) {
      return events.list(q);
    },
    async getEvent(id: string) {
      return events.get(id);
    },
    async editEvent(id, edit) {
      return events.edit(id, edit);
    },
    async ping() {
      ping.get();
    },
    async stats(): Promise<StorageStats> {
      let bytes = 0;
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(o.path + suffix)) bytes += statSync(o.path + suffix).size;
      }
      return {
        measurements: counts.measurements.get() as number,
        batches: counts.batches.get() as number,
        probes: counts.probes.get() as number,
        events: counts.events.get() as number,
        bytes,
      };
    },
    async verifyRollups() {
      return verifyRollups(db);
    },
    async backup(destination: string) {
      await db.backup(destination);
    },
  };
}
