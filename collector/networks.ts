/**
 * ASN names (collector/data/networks.json, maintained by hand): for /api/v1/networks and for check-in when
 * the .mmdb has no organisation name. Re-read when the file changes; a missing file means an empty list.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';

export interface NetworkInfo {
  asn: string;
  name: string;
  kind: 'fixed' | 'mobile' | string;
  cc: string;
}

export interface NetworkCatalog {
  list(): NetworkInfo[];
  nameOf(asn: string): string | null;
}

export const DEFAULT_NETWORKS_FILE = new URL('./data/networks.json', import.meta.url).pathname;

function normalise(json: unknown): NetworkInfo[] {
  const rows: unknown[] = Array.isArray(json)
    ? json
    : json && typeof json === 'object'
      ? Array.isArray((json as { results?: unknown }).results)
        ? (json as { results: unknown[] }).results
        : Array.isArray((json as { networks?: unknown }).networks)
          ? (json as { networks: unknown[] }).networks
          : Object.entries(json as Record<string, unknown>).map(([asn, v]) =>
              v && typeof v === 'object' ? { asn, ...(v as object) } : { asn, name: v },
            )
      : [];
  const out: NetworkInfo[] = [];
  for (const r of rows) {
    if (!r || typeof r !== 'object') continue;
    const o = r as Record<string, unknown>;
    const asnRaw = o.asn ?? o.probe_asn;
    const asn = typeof asnRaw === 'number' ? `AS${asnRaw}` : typeof asnRaw === 'string' ? asnRaw : null;
    if (!asn || !/^AS\d+$/.test(asn) || typeof o.name !== 'string') continue;
    out.push({
      asn,
      name: o.name,
      kind: typeof o.kind === 'string' ? o.kind : 'fixed',
      cc: typeof o.cc === 'string' ? o.cc : 'ZZ',
    });
  }
  return out;
}

export function loadNetworks(file: string = DEFAULT_NETWORKS_FILE): NetworkCatalog {
  let mtime = -1;
  let rows: NetworkInfo[] = [];
  let byAsn = new Map<string, NetworkInfo>();
  const refresh = () => {
    const m = existsSync(file) ? statSync(file).mtimeMs : 0;
    if (m === mtime) return;
    mtime = m;
    try {
      rows = m ? normalise(JSON.parse(readFileSync(file, 'utf8'))) : [];
    } catch {
      rows = [];
    }
    byAsn = new Map(rows.map((r) => [r.asn, r]));
  };
  return {
    list() {
      refresh();
      return rows;
    },
    nameOf(asn) {
      refresh();
      return byAsn.get(asn)?.name ?? null;
    },
  };
}
