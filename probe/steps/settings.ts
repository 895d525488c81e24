/**
 * Settings the steps read beyond RunSettings (optional extras with defaults), so a caller can pass
 * e.g. `{ ...settings, innocuousSni: 'example.com' }` without changing the RunSettings contract.
 */
import type { RunSettings } from '../context.ts';

export interface StepSettings extends RunSettings {
  /** SNI of the second handshake that checks whether the name, not the IP, is targeted */
  innocuousSni: string;
  /** resolved addresses tried per host (TCP connect to each) */
  maxAddresses: number;
  maxRedirects: number;
  userAgent: string;
  /** name resolved as a canary when the target's resolution fails (is the resolver there at all?) */
  canaryName: string;
}

export const DEFAULT_INNOCUOUS_SNI = 'example.org';
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

const resolved = new WeakMap<RunSettings, StepSettings>();

/**
 * The settings with defaults filled in and bounds applied. Steps call this many times per target, so the
 * result is kept per settings object (which is never modified during a run): building it afresh each time,
 * with an object spread, put ~8 KB per target straight into V8's old space (garbage only a full GC frees).
 */
export function stepSettings(s: RunSettings & Partial<StepSettings>): StepSettings {
  const known = resolved.get(s);
  if (known) return known;
  const out: StepSettings = {
    ...s,
    stepTimeoutMs: s.stepTimeoutMs > 0 ? s.stepTimeoutMs : 10_000,
    bodyCapBytes: Math.min(Math.max(s.bodyCapBytes > 0 ? s.bodyCapBytes : 65_536, 1024), 150_000),
    innocuousSni: s.innocuousSni ?? DEFAULT_INNOCUOUS_SNI,
    maxAddresses: Math.min(Math.max(s.maxAddresses ?? 4, 1), 8),
    maxRedirects: Math.min(Math.max(s.maxRedirects ?? 10, 0), 10),
    userAgent: s.userAgent ?? DEFAULT_USER_AGENT,
    canaryName: s.canaryName ?? s.innocuousSni ?? DEFAULT_INNOCUOUS_SNI,
  };
  resolved.set(s, out);
  resolved.set(out, out);
  return out;
}

/** Rejects with a TimeoutError after `ms` (the underlying operation may go on; its result is ignored). */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new Error(`${what} timed out after ${ms} ms`);
      e.name = 'TimeoutError';
      reject(e);
    }, ms);
  });
  p.catch(() => {});
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** `host:port` with IPv6 in brackets. */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
