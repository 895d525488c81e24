/** Services (target groups) in display order, and the networks cache (ISP names by ASN). */
import { api } from './api.ts';
import type { Network } from './types.ts';

export const SERVICES = [
  'x',
  'whatsapp_text',
  'whatsapp_media',
  'news',
  'openvpn',
  'wireguard',
  'ikev2',
  'tor',
  'dns',
] as const;

/** Below this many distinct probes in a bucket, coverage is sparse and shown as such. */
export const SPARSE_PROBES = 3;

export function serviceOrder(groups: Iterable<string>): string[] {
  const known = SERVICES as readonly string[];
  const set = new Set(groups);
  const extra = [...set].filter((g) => !known.includes(g)).sort();
  return [...known.filter((g) => set.has(g)), ...extra];
}

let networks: Promise<Map<string, Network>> | null = null;

export function loadNetworks(): Promise<Map<string, Network>> {
  networks ??= Promise.all([api.networks().catch(() => []), api.coverage().catch(() => [])]).then(
    ([list, cov]) => {
      const map = new Map(list.map((n) => [n.asn, n]));
      // Networks the catalogue does not name yet still get the name the probes' check-in recorded.
      for (const c of cov) {
        if (!map.has(c.probe_asn) && c.network_name) {
          map.set(c.probe_asn, { asn: c.probe_asn, name: c.network_name, kind: '', cc: c.probe_cc });
        }
      }
      return map;
    },
  );
  return networks;
}

/** "PTCL (AS17557)"; unknown ASNs show the number alone. */
export function ispLabel(nets: Map<string, Network>, asn: string, withAsn = true): string {
  const n = nets.get(asn);
  if (!n) return asn;
  return withAsn ? `${n.name} (${asn})` : n.name;
}
