/**
 * CSV encoding of the flat table (RFC 4180): comma-separated, CRLF line ends, a header row, fields quoted
 * with `"` (doubled inside) when they contain `"`, `,`, CR or LF. An empty unquoted field is null; `""` is
 * the empty string.
 *
 * Spreadsheet formula injection: a text cell that would start with `=`, `+`, `-`, `@`, TAB or CR — after any
 * number of leading `'` — gets one extra leading `'`, so spreadsheets show it as text instead of running it.
 * The rule is reversible: strip one leading `'` from any text cell matching /^'+[=+\-@\t\r]/ (`unguardCell`).
 * Numbers, booleans and timestamps are never prefixed.
 */
import { FLAT_COLUMNS, type FlatRow } from './flat-row.ts';

const FORMULA_START = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function guardCell(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** The inverse of guardCell, for readers that want the exact stored text back. */
export function unguardCell(s: string): string {
  return GUARDED.test(s) ? s.slice(1) : s;
}

function quote(s: string): string {
  if (s === '') return '""';
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `2024-11-10T08:15:00Z` (seconds precision, as measured). */
export function csvTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function cell(v: FlatRow[keyof FlatRow]): string {
  if (v === null) return '';
  if (v instanceof Date) return csvTime(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return quote(guardCell(v));
}

export function csvHeader(): string {
  return `${FLAT_COLUMNS.map((c) => c.name).join(',')}\r\n`;
}

export function csvLine(row: FlatRow): string {
  let line = '';
  for (let i = 0; i < FLAT_COLUMNS.length; i++) {
    if (i) line += ',';
    line += cell(row[FLAT_COLUMNS[i].name]);
  }
  return `${line}\r\n`;
}
