/**
 * Where a caller is: country and ASN from local MaxMind-format databases (`--mmdb`, one or several files,
 * e.g. GeoLite2-Country + GeoLite2-ASN). Nothing is looked up online; with no database every caller is
 * `ZZ` / `AS0`. Names missing from the database come from collector/data/networks.json.
 */
import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'mmdb-lib';

export interface GeoInfo {
  cc: string;
  asn: string;
  network_name: string | null;
}

export interface GeoLookup {
  lookup(ip: string): GeoInfo;
}

type Record = {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
};

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else unchanged. */
export function plainAddress(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}

export function openGeo(paths: string[], names: (asn: string) => string | null = () => null): GeoLookup {
  const readers = paths.map((p) => new Reader<Response>(readFileSync(p)));
  return {
    lookup(ipIn: string): GeoInfo {
      const ip = plainAddress(ipIn);
      let cc: string | null = null;
      let asnNumber: number | null = null;
      let org: string | null = null;
      for (const r of readers) {
        let rec: Record | null = null;
        try {
          rec = r.get(ip) as Record | null;
        } catch {
          rec = null;
        }
        if (!rec) continue;
        cc ??= rec.country?.iso_code ?? rec.registered_country?.iso_code ?? null;
        asnNumber ??= rec.autonomous_system_number ?? null;
        org ??= rec.autonomous_system_organization ?? null;
      }
      const asn = asnNumber ? `AS${asnNumber}` : 'AS0';
      return {
        cc: cc && /^[A-Z]{2}$/.test(cc) ? cc : 'ZZ',
        asn,
        network_name: org ?? (asnNumber ? names(asn) : null),
      };
    },
  };
}
