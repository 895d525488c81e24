import { readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';

export function machineInfo() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    free_gib: Math.round(freemem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Samples this process's RSS (and optionally a child's via /proc) until stopped; returns the peak in MiB. */
export function rssSampler(pid?: number, everyMs = 100) {
  let peak = 0;
  const read = (): number => {
    if (pid === undefined) return process.memoryUsage().rss;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, everyMs);
  timer.unref();
  return {
    stop(): number {
      clearInterval(timer);
      peak = Math.max(peak, read());
      return Math.round((peak / 2 ** 20) * 10) / 10;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
