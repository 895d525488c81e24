import type { Status, TimelineBucket } from '../types.ts';

/** Measurements that say something about the network: probe errors are the probe's own problem. */
export function usable(b: TimelineBucket): number {
  return b.ok + b.blocked + b.down + b.inconclusive;
}

/** Blocked share of a bucket, or null when nothing usable was measured ("no data"). */
export function blockedShare(b: TimelineBucket): number | null {
  const n = usable(b);
  return n > 0 ? b.blocked / n : null;
}

const OK = [199, 228, 206]; // pale green: measured and not blocked
const STOPS = [
  [254, 224, 139],
  [244, 109, 67],
  [165, 0, 38],
  [90, 0, 20],
];

function mix(a: number[], b: number[], f: number): number[] {
  return a.map((v, i) => Math.round(v + (b[i] - v) * f));
}

/** Colour for a blocked share in [0,1]: green when ~0, then yellow → red → dark red (colour-blind safe). */
export function shareColor(share: number): string {
  if (share < 0.02) return rgb(OK);
  const x = Math.min(1, share) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  return rgb(mix(STOPS[i], STOPS[i + 1], x - i));
}

function rgb(c: number[]): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Text colour readable on top of shareColor(share). */
export function inkOn(share: number | null): string {
  return share !== null && share > 0.45 ? '#ffffff' : '#1b1b1b';
}

export const STATUS_COLORS: Record<Status, string> = {
  ok: '#4e9a6b',
  blocked: '#b2182b',
  down: '#7b5ea7',
  error: '#9a9a9a',
  inconclusive: '#e0b040',
};

export const NO_DATA_BG = '#f3f3f3';
export const NO_DATA_LINE = '#c4c4c4';
export const EVENT_COLOR = '#1f4e9c';
const LATIN = '"DejaVu Sans", Arial, Helvetica, sans-serif';
const URDU =
  '"Noto Nastaliq Urdu", "Jameel Noori Nastaleeq", Nafees, "Nafees Web Naskh", "Noto Naskh Arabic"';
/**
 * Chart font. Urdu: "Raabta Urdu" (styles/fonts.css: the installed Urdu font for Arabic script only), then
 * Latin; exports swap it for the plain stack (exportFont), since a standalone SVG has no @font-face.
 */
export function chartFont(): string {
  return document.documentElement.lang === 'ur' ? `"Raabta Urdu", ${LATIN}, ${URDU}` : `${LATIN}, ${URDU}`;
}

/** Font stack for a standalone exported SVG in the current language. */
export function exportFont(): string {
  return document.documentElement.lang === 'ur' ? `${URDU}, ${LATIN}` : `${LATIN}, ${URDU}`;
}

export function sumBuckets(buckets: TimelineBucket[]): TimelineBucket {
  const out: TimelineBucket = {
    t: buckets[0]?.t ?? '',
    ok: 0,
    blocked: 0,
    down: 0,
    error: 0,
    inconclusive: 0,
    probes: 0,
    methods: {},
  };
  for (const b of buckets) {
    out.ok += b.ok;
    out.blocked += b.blocked;
    out.down += b.down;
    out.error += b.error;
    out.inconclusive += b.inconclusive;
    out.probes = Math.max(out.probes, b.probes); // distinct probes can't be summed; max is a lower bound
    for (const [m, n] of Object.entries(b.methods ?? {})) out.methods[m] = (out.methods[m] ?? 0) + n;
  }
  return out;
}
