/**
 * Matching responses and DNS answers against the signatures in blockpages.json (pure; the data is read
 * once). False-positive signatures are checked first by the analysis: see probe/analysis/http-stage.ts.
 */
import { readFileSync } from 'node:fs';

export interface Signature {
  id: string;
  location: string;
  match: 'contains' | 'prefix' | 'full';
  pattern: string;
  source: string;
  cc?: string[];
  scope?: string;
  kind?: string;
}

export interface DnsSignature {
  id: string;
  ip: string;
  cc: string[];
  scope: string;
  source: string;
}

export interface FingerprintDb {
  version: string;
  false_positives: Signature[];
  blockpages: Signature[];
  dns: DnsSignature[];
}

export interface ResponseLike {
  body: string | null;
  headers_list: string[][];
}

export interface Match {
  signature: Signature;
  /** the probe is in a country where the signature is expected (or either side is unknown/ZZ) */
  expectedHere: boolean;
}

let cached: FingerprintDb | undefined;

export function fingerprintDb(): FingerprintDb {
  cached ??= JSON.parse(readFileSync(new URL('./blockpages.json', import.meta.url), 'utf8')) as FingerprintDb;
  return cached;
}

function matches(value: string, sig: Signature): boolean {
  if (sig.match === 'full') return value.trim() === sig.pattern;
  if (sig.match === 'prefix') return value.startsWith(sig.pattern);
  return value.includes(sig.pattern);
}

function valuesAt(res: ResponseLike, location: string): string[] {
  if (location === 'body') return res.body ? [res.body] : [];
  const name = location.startsWith('header:') ? location.slice(7).toLowerCase() : null;
  if (!name) return [];
  return res.headers_list.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v ?? '');
}

export function expectedIn(cc: string[] | undefined, probeCc: string): boolean {
  return !cc || cc.length === 0 || cc.includes('ZZ') || probeCc === 'ZZ' || cc.includes(probeCc);
}

function firstMatch(list: Signature[], res: ResponseLike, probeCc: string): Match | null {
  for (const signature of list) {
    if (valuesAt(res, signature.location).some((v) => matches(v, signature))) {
      return { signature, expectedHere: expectedIn(signature.cc, probeCc) };
    }
  }
  return null;
}

export function matchFalsePositive(res: ResponseLike, db = fingerprintDb()): Match | null {
  return firstMatch(db.false_positives, res, 'ZZ');
}

export function matchBlockpage(res: ResponseLike, probeCc: string, db = fingerprintDb()): Match | null {
  return firstMatch(db.blockpages, res, probeCc);
}

export function matchDnsAnswer(ip: string, db = fingerprintDb()): DnsSignature | null {
  return db.dns.find((d) => d.ip === ip) ?? null;
}
