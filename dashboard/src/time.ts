import type { Bucket } from './types.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const PKT_OFFSET = 5 * HOUR; // Pakistan Standard Time, UTC+5, no daylight saving

export const BUCKET_MS: Record<Bucket, number> = { '10m': 10 * MIN, '1h': HOUR, '1d': DAY };

/** Bucket size from the visible range: years/months → days, a few days → hours, a day or less → 10 minutes. */
export function pickBucket(spanMs: number): Bucket {
  if (spanMs > 14 * DAY) return '1d';
  if (spanMs > 2 * DAY) return '1h';
  return '10m';
}

export function floorTo(t: number, ms: number): number {
  return Math.floor(t / ms) * ms;
}

/** Compact ISO for URLs: 2024-11-10T05:00Z. */
export function isoShort(t: number): string {
  return new Date(t).toISOString().replace(/:00\.000Z$/, 'Z');
}

export function parseTime(v: string | null): number | null {
  if (!v) return null;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isFinite(t) ? t : null;
}

/** Midnight of a calendar day in the chosen zone, as a UTC instant. */
export function dayStart(date: string, tz: Tz): number | null {
  const t = parseTime(date);
  return t === null ? null : t - offset(tz);
}

export type Tz = 'pkt' | 'utc';

export function offset(tz: Tz): number {
  return tz === 'utc' ? 0 : PKT_OFFSET;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Parts of an instant in the zone (read from a shifted UTC date, so no reliance on the browser's zone). */
export function parts(t: number, tz: Tz): { y: number; mo: number; d: number; h: number; mi: number } {
  const d = new Date(t + offset(tz));
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth(),
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
  };
}

let monthNames: string[] = [];
export function setMonthNames(names: string[]): void {
  monthNames = names;
}

export function fmtDate(t: number, tz: Tz): string {
  const p = parts(t, tz);
  return `${p.d} ${monthNames[p.mo] ?? p.mo + 1} ${p.y}`;
}

export function fmtClock(t: number, tz: Tz): string {
  const p = parts(t, tz);
  return `${pad(p.h)}:${pad(p.mi)}`;
}

export function zoneLabel(tz: Tz): string {
  return tz === 'utc' ? 'UTC' : 'PKT';
}

/** "10 November 2024, 13:05 PKT". */
export function fmtDateTime(t: number, tz: Tz): string {
  return `${fmtDate(t, tz)}, ${fmtClock(t, tz)} ${zoneLabel(tz)}`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
