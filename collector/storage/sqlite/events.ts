/** Disruption events (written by the detector job) and the notes admins add to them. */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DetectedEvent, EventQuery, EventRecord } from '../types.ts';

export function eventIdFor(key: string): string {
  return `ev_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

interface EventSqlRow {
  id: string;
  title: string;
  target_group: string;
  cc: string;
  asns: string;
  methods: string;
  start_ms: number;
  end_ms: number | null;
  severity: string;
  peak_share: number;
  probes: number;
  status: 'open' | 'closed';
  simulated: number;
  evidence: string;
}

export function createEvents(db: Database.Database) {
  const upsert = db.prepare(
    `INSERT INTO events (id, key, title, target_group, cc, asns, methods, start_ms, end_ms, severity, peak_share,
       probes, status, simulated, evidence)
     VALUES (@id, @key, @title, @target_group, @cc, @asns, @methods, @start_ms, @end_ms, @severity, @peak_share,
       @probes, @status, @simulated, @evidence)
     ON CONFLICT (key) DO UPDATE SET
       title = CASE WHEN title_locked THEN title ELSE excluded.title END,
       target_group = excluded.target_group, cc = excluded.cc, asns = excluded.asns, methods = excluded.methods,
       start_ms = excluded.start_ms, end_ms = excluded.end_ms, severity = excluded.severity,
       peak_share = excluded.peak_share, probes = excluded.probes, status = excluded.status,
       simulated = excluded.simulated, evidence = excluded.evidence`,
  );
  const byId = db.prepare('SELECT * FROM events WHERE id = ?');
  const notes = db.prepare('SELECT at_ms, text FROM event_notes WHERE event_id = ? ORDER BY id');
  const setTitle = db.prepare('UPDATE events SET title = ?, title_locked = 1 WHERE id = ?');
  const addNote = db.prepare('INSERT INTO event_notes (event_id, at_ms, text) VALUES (?, ?, ?)');

  const toRecord = (r: EventSqlRow): EventRecord => ({
    id: r.id,
    title: r.title,
    target_group: r.target_group,
    cc: r.cc,
    asns: JSON.parse(r.asns),
    methods: JSON.parse(r.methods),
    start_ms: r.start_ms,
    end_ms: r.end_ms,
    severity: r.severity,
    peak_share: r.peak_share,
    probes: r.probes,
    status: r.status,
    simulated: r.simulated === 1,
    evidence: JSON.parse(r.evidence),
    notes: notes.all(r.id) as { at_ms: number; text: string }[],
  });

  const get = (id: string): EventRecord | null => {
    const r = byId.get(id) as EventSqlRow | undefined;
    return r ? toRecord(r) : null;
  };

  return {
    upsert: db.transaction((events: DetectedEvent[]) => {
      for (const e of events) {
        upsert.run({
          ...e,
          id: eventIdFor(e.key),
          asns: JSON.stringify(e.asns),
          methods: JSON.stringify(e.methods),
          simulated: e.simulated ? 1 : 0,
          evidence: JSON.stringify(e.evidence),
        });
      }
    }),
    list(q: EventQuery): EventRecord[] {
      const where: string[] = [];
      const args: (string | number)[] = [];
      // an event overlaps [since, until) when it starts before until and has not ended before since
      if (q.until_ms !== undefined) {
        where.push('start_ms < ?');
        args.push(q.until_ms);
      }
      if (q.since_ms !== undefined) {
        where.push('(end_ms IS NULL OR end_ms >= ?)');
        args.push(q.since_ms);
      }
      if (q.target_group !== undefined) {
        where.push('target_group = ?');
        args.push(q.target_group);
      }
      if (q.probe_asn !== undefined) {
        where.push('EXISTS (SELECT 1 FROM json_each(asns) WHERE value = ?)');
        args.push(q.probe_asn);
      }
      if (q.status !== undefined) {
        where.push('status = ?');
        args.push(q.status);
      }
      const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY start_ms DESC, id LIMIT ?`;
      return (db.prepare(sql).all(...args, q.limit) as EventSqlRow[]).map(toRecord);
    },
    get,
    edit: db.transaction((id: string, edit: { title?: string; note?: string; at_ms: number }) => {
      if (!byId.get(id)) return null;
      if (edit.title !== undefined) setTitle.run(edit.title, id);
      if (edit.note !== undefined) addNote.run(id, edit.at_ms, edit.note);
      return get(id);
    }),
  };
}
