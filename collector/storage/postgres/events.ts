/**
 * Disruption events. Upserts are keyed by the detector's key (UNIQUE) and serialised across collectors with a
 * transaction advisory lock: two collectors running the detector at once write the same events one after
 * the other, never twice, and never deadlock on each other's rows.
 */

import type pg from 'pg';
import { eventIdFor } from '../sqlite/events.ts';
import type { DetectedEvent, EventQuery, EventRecord } from '../types.ts';
import { LOCK_EVENTS } from './locks.ts';
import { transaction } from './pool.ts';

interface EventSqlRow {
  id: string;
  title: string;
  target_group: string;
  cc: string;
  asns: string[];
  methods: string[];
  start_ms: number;
  end_ms: number | null;
  severity: string;
  peak_share: number;
  probes: number;
  status: 'open' | 'closed';
  simulated: number;
  evidence: string[];
}

export function createEvents(pool: pg.Pool) {
  const notesOf = async (c: pg.Pool | pg.PoolClient, ids: string[]) => {
    const by = new Map<string, { at_ms: number; text: string }[]>();
    if (!ids.length) return by;
    const r = await c.query(
      'SELECT event_id, at_ms, text FROM event_notes WHERE event_id = ANY($1::text[]) ORDER BY event_id, id',
      [ids],
    );
    for (const n of r.rows) {
      const list = by.get(n.event_id) ?? [];
      list.push({ at_ms: n.at_ms, text: n.text });
      by.set(n.event_id, list);
    }
    return by;
  };
  const toRecords = async (c: pg.Pool | pg.PoolClient, rows: EventSqlRow[]): Promise<EventRecord[]> => {
    const notes = await notesOf(
      c,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      target_group: r.target_group,
      cc: r.cc,
      asns: r.asns,
      methods: r.methods,
      start_ms: r.start_ms,
      end_ms: r.end_ms,
      severity: r.severity,
      peak_share: r.peak_share,
      probes: r.probes,
      status: r.status,
      simulated: r.simulated === 1,
      evidence: r.evidence,
      notes: notes.get(r.id) ?? [],
    }));
  };
  const get = async (c: pg.Pool | pg.PoolClient, id: string): Promise<EventRecord | null> => {
    const r = await c.query('SELECT * FROM events WHERE id = $1', [id]);
    return r.rows.length ? (await toRecords(c, r.rows as EventSqlRow[]))[0] : null;
  };

  return {
    async upsert(events: DetectedEvent[]): Promise<void> {
      if (!events.length) return;
      const sorted = [...events].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      await transaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_EVENTS.toString()]);
        for (const e of sorted) {
          await c.query(
            `INSERT INTO events AS e (id, key, title, target_group, cc, asns, methods, start_ms, end_ms, severity,
               peak_share, probes, status, simulated, evidence)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             ON CONFLICT (key) DO UPDATE SET
               title = CASE WHEN e.title_locked = 1 THEN e.title ELSE excluded.title END,
               target_group = excluded.target_group, cc = excluded.cc, asns = excluded.asns,
               methods = excluded.methods, start_ms = excluded.start_ms, end_ms = excluded.end_ms,
               severity = excluded.severity, peak_share = excluded.peak_share, probes = excluded.probes,
               status = excluded.status, simulated = excluded.simulated, evidence = excluded.evidence`,
            [
              eventIdFor(e.key),
              e.key,
              e.title,
              e.target_group,
              e.cc,
              JSON.stringify(e.asns),
              JSON.stringify(e.methods),
              e.start_ms,
              e.end_ms,
              e.severity,
              e.peak_share,
              e.probes,
              e.status,
              e.simulated ? 1 : 0,
              JSON.stringify(e.evidence),
            ],
          );
        }
      });
    },

    async list(q: EventQuery): Promise<EventRecord[]> {
      const where: string[] = [];
      const args: (string | number)[] = [];
      const add = (sql: (p: string) => string, v: string | number) => {
        args.push(v);
        where.push(sql(`$${args.length}`));
      };
      // an event overlaps [since, until) when it starts before until and has not ended before since
      if (q.until_ms !== undefined) add((p) => `start_ms < ${p}`, q.until_ms);
      if (q.since_ms !== undefined) add((p) => `(end_ms IS NULL OR end_ms >= ${p})`, q.since_ms);
      if (q.target_group !== undefined) add((p) => `target_group = ${p}`, q.target_group);
      if (q.probe_asn !== undefined) add((p) => `asns @> jsonb_build_array(${p}::text)`, q.probe_asn);
      if (q.status !== undefined) add((p) => `status = ${p}`, q.status);
      args.push(q.limit);
      const r = await pool.query(
        `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY start_ms DESC, id LIMIT $${args.length}`,
        args,
      );
      return toRecords(pool, r.rows as EventSqlRow[]);
    },

    get: (id: string) => get(pool, id),

    async edit(
      id: string,
      edit: { title?: string; note?: string; at_ms: number },
    ): Promise<EventRecord | null> {
      return transaction(pool, async (c) => {
        const found = await c.query('SELECT id FROM events WHERE id = $1 FOR UPDATE', [id]);
        if (!found.rows.length) return null;
        if (edit.title !== undefined)
          await c.query('UPDATE events SET title = $1, title_locked = 1 WHERE id = $2', [edit.title, id]);
        if (edit.note !== undefined)
          await c.query('INSERT INTO event_notes (event_id, at_ms, text) VALUES ($1, $2, $3)', [
            id,
            edit.at_ms,
            edit.note,
          ]);
        return get(c, id);
      });
    },
  };
}
