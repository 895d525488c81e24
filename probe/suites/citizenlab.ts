/**
 * Imports a Citizen Lab test list (CSV: url,category_code,category_description,date_added,source,notes;
 * RFC 4180 quoting) into a suite of web targets. Categories that can put a volunteer at risk in
 * Pakistan are skipped unless explicitly opted in, one by one.
 */
import type { Target } from '../target.ts';
import { parseWebInput } from '../tests/inputs.ts';
import type { Suite } from './load.ts';

/** Citizen Lab codes skipped by default, with why (data: edit here, not in code paths). */
export const RISKY_CATEGORIES: Record<string, string> = {
  PORN: 'pornography: illegal to access in Pakistan',
  PROV: 'provocative attire',
  DATE: 'online dating',
  XED: 'sex education',
  LGBT: 'LGBT content: criminalised',
  REL: 'religious criticism: blasphemy laws carry severe penalties',
  ALDR: 'alcohol and drugs',
  GMB: 'gambling',
  MILX: 'militant and extremist groups',
  HATE: 'hate speech',
};

export interface ImportOptions {
  suite: string;
  version: string;
  group?: string;
  /** risky category codes the operator opts into (e.g. ['GMB']); `true` for all */
  includeRisky?: string[] | true;
}

export interface ImportResult {
  suite: Suite;
  skipped: { url: string; reason: string }[];
}

/** RFC 4180: quoted fields with "" escapes, commas and newlines inside quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function importCitizenLab(csv: string, opts: ImportOptions): ImportResult {
  const rows = parseCsv(csv.replace(/^\ufeff/, ''));
  const header = rows.shift()?.map((h) => h.trim().toLowerCase()) ?? [];
  const col = (name: string) => header.indexOf(name);
  if (col('url') < 0 || col('category_code') < 0)
    throw new Error('not a Citizen Lab list: needs url and category_code columns');
  const opted = opts.includeRisky === true ? null : new Set(opts.includeRisky ?? []);
  const skipped: ImportResult['skipped'] = [];
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const url = (r[col('url')] ?? '').trim();
    const code = (r[col('category_code')] ?? '').trim().toUpperCase();
    if (!url) continue;
    if (RISKY_CATEGORIES[code] && opted && !opted.has(code)) {
      skipped.push({ url, reason: `risky category ${code} (${RISKY_CATEGORIES[code]}) not opted in` });
      continue;
    }
    try {
      parseWebInput(url);
    } catch (err) {
      skipped.push({ url, reason: (err as Error).message });
      continue;
    }
    if (seen.has(url)) {
      skipped.push({ url, reason: 'duplicate' });
      continue;
    }
    seen.add(url);
    targets.push({
      input: url,
      kind: 'web',
      suite: opts.suite,
      group: opts.group ?? opts.suite,
      category_code: /^[A-Z][A-Z0-9_]{1,15}$/.test(code) ? code : null,
    });
  }
  return { suite: { suite: opts.suite, version: opts.version, targets }, skipped };
}
