/**
 * A dialer that enforces one target's wall-clock limit: every operation gets at most the time left, and
 * after the deadline operations fail at once. The failure is an AbortError, recorded as `interrupted`,
 * which the analysis never reads as evidence of blocking.
 */
import type { Dialer } from '../net/dialer.ts';

function interrupted(): Error {
  const e = new Error('target time limit reached');
  e.name = 'AbortError';
  return e;
}

function bounded<T>(p: Promise<T>, deadline: number): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) {
    p.catch(() => {});
    return Promise.reject(interrupted());
  }
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(interrupted()), left);
  });
  p.catch(() => {});
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function deadlineDialer(dialer: Dialer, deadline: number): Dialer {
  const left = () => Math.max(1, deadline - Date.now());
  return {
    guard: dialer.guard,
    ca: dialer.ca,
    systemResolvers: () => dialer.systemResolvers(),
    tcp: (ip, port, opts = {}) => {
      if (Date.now() >= deadline) return Promise.reject(interrupted());
      return bounded(
        dialer.tcp(ip, port, { ...opts, timeoutMs: Math.min(opts.timeoutMs ?? left(), left()) }),
        deadline,
      );
    },
    tls: (socket, opts) => {
      if (Date.now() >= deadline) {
        socket.destroy();
        return Promise.reject(interrupted());
      }
      return bounded(
        dialer.tls(socket, { ...opts, timeoutMs: Math.min(opts.timeoutMs ?? left(), left()) }),
        deadline,
      );
    },
    udp: (ip, port) => bounded(dialer.udp(ip, port), deadline),
    lookupSystem: (hostname) => bounded(dialer.lookupSystem(hostname), deadline),
  };
}
