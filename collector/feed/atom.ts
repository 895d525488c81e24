/** Atom 1.0 (RFC 4287) feed of events. Every string is XML-escaped; characters XML cannot carry are dropped. */
import type { EventRecord } from '../storage/types.ts';

/** Removes characters not allowed in XML 1.0, then escapes the five special ones. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface FeedOptions {
  /** absolute base URL of this collector, e.g. https://collector.example */
  base: string;
  /** the feed's own URL (path + query) */
  self: string;
  title: string;
  updatedMs: number;
  /** each event's group of related events, itself included (collector/related): named in its entry */
  groups?: ReadonlyMap<string, readonly EventRecord[]>;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function summaryOf(e: EventRecord): string {
  const where = `${e.cc}${e.asns.length ? ` (${e.asns.join(', ')})` : ''}`;
  const when = `${iso(e.start_ms)} – ${e.end_ms === null ? 'ongoing' : iso(e.end_ms)}`;
  const how = e.methods.length ? `; methods: ${e.methods.join(', ')}` : '';
  const sim = e.simulated ? ' [SIMULATED data]' : '';
  return `${e.target_group} disrupted in ${where}, ${when}${how}; ${e.probes} probes, peak share ${Math.round(
    e.peak_share * 100,
  )}%; severity ${e.severity}; ${e.status}.${sim}`;
}

function relatedOf(e: EventRecord, o: FeedOptions): readonly EventRecord[] {
  return (o.groups?.get(e.id) ?? []).filter((r) => r.id !== e.id);
}

function relatedText(related: readonly EventRecord[]): string {
  if (!related.length) return '';
  const each = related.map(
    (r) => `${r.target_group} (${iso(r.start_ms)} – ${r.end_ms === null ? 'ongoing' : iso(r.end_ms)})`,
  );
  return `\nPart of a wider disruption with: ${each.join('; ')}.`;
}

export function atomFeed(events: EventRecord[], o: FeedOptions): string {
  const x = xmlEscape;
  const entries = events.map((e) => {
    const updated = Math.max(e.start_ms, e.end_ms ?? 0, ...e.notes.map((n) => n.at_ms));
    const link = `${o.base}/#/event/${encodeURIComponent(e.id)}`;
    const notes = e.notes.map((n) => `\n${iso(n.at_ms)}: ${n.text}`).join('');
    const related = relatedOf(e, o);
    const relatedLinks = related.map(
      (r) =>
        `\n    <link rel="related" type="text/html" href="${x(`${o.base}/#/event/${encodeURIComponent(r.id)}`)}"/>`,
    );
    return `  <entry>
    <id>${x(`${o.base}/api/v1/events/${encodeURIComponent(e.id)}`)}</id>
    <title>${x(e.simulated ? `[simulated] ${e.title}` : e.title)}</title>
    <updated>${iso(updated)}</updated>
    <published>${iso(e.start_ms)}</published>
    <link rel="alternate" type="text/html" href="${x(link)}"/>${relatedLinks.join('')}
    <category term="${x(e.target_group)}"/>
    <summary type="text">${x(summaryOf(e) + relatedText(related) + notes)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${x(o.base + o.self)}</id>
  <title>${x(o.title)}</title>
  <updated>${iso(o.updatedMs)}</updated>
  <link rel="self" type="application/atom+xml" href="${x(o.base + o.self)}"/>
  <link rel="alternate" type="text/html" href="${x(`${o.base}/`)}"/>
  <author><name>Raabta collector</name></author>
  <generator>Raabta</generator>
${entries.join('\n')}
</feed>
`;
}
