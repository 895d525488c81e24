/** The record of upload attempts, and their explanation in plain words for `raabta probe status`. */
import type { Db } from './db.ts';

export type AttemptOutcome = 'ok' | 'partial' | 'rejected' | 'http_error' | 'network_error';

export interface UploadAttempt {
  at: number;
  collector: string;
  via: string | null;
  outcome: AttemptOutcome;
  http_status: number | null;
  error_code: string | null;
  error: string | null;
  sent: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  bytes: number;
  duration_ms: number;
}

export function recordAttempt(db: Db, a: UploadAttempt): void {
  db.prepare(
    `INSERT INTO upload_attempts (at, collector, via, outcome, http_status, error_code, error, sent, accepted,
     duplicate, rejected, bytes, duration_ms) VALUES (@at, @collector, @via, @outcome, @http_status, @error_code,
     @error, @sent, @accepted, @duplicate, @rejected, @bytes, @duration_ms)`,
  ).run(a);
  // Keep the history bounded.
  db.prepare('DELETE FROM upload_attempts WHERE id <= (SELECT MAX(id) FROM upload_attempts) - 1000').run();
}

export function recentAttempts(db: Db, limit = 10): UploadAttempt[] {
  return db.prepare('SELECT * FROM upload_attempts ORDER BY id DESC LIMIT ?').all(limit) as UploadAttempt[];
}

export function lastFailedAttempt(db: Db): UploadAttempt | null {
  return (
    (db.prepare("SELECT * FROM upload_attempts WHERE outcome NOT IN ('ok') ORDER BY id DESC LIMIT 1").get() as
      | UploadAttempt
      | undefined) ?? null
  );
}

const NETWORK_WORDS: Record<string, string> = {
  connection_refused: 'the connection was refused (nothing listening, or a firewall rejected it)',
  connection_reset: 'the connection was reset (possibly blocked by the network)',
  generic_timeout_error: 'the collector did not answer in time (possibly blocked or offline)',
  eof_error: 'the connection was closed before the TLS handshake finished (possibly blocked)',
  host_unreachable: 'the collector host is unreachable',
  network_unreachable: 'the network is unreachable (is this machine online?)',
  dns_nxdomain_error: "the collector's name does not resolve",
  dns_temporary_failure: "the collector's name could not be resolved right now",
  destination_not_allowed: "the collector's address is outside the allowed ranges (--allow)",
  ssl_unknown_authority: "the collector's certificate is not trusted (use --ca for a private CA)",
  ssl_invalid_hostname: "the collector's certificate does not match its name (possible interception)",
  ssl_invalid_certificate: "the collector's certificate is invalid or expired",
  ssl_failed_handshake: 'the TLS handshake with the collector failed',
};

function networkWords(a: UploadAttempt): string {
  const code = a.error_code ?? '';
  if (code === 'proxy_refused') {
    return `the proxy did not open a connection to the collector (${a.error ?? 'no details'})`;
  }
  if (code.startsWith('proxy_')) {
    const words = NETWORK_WORDS[code.slice(6)];
    const inner = words ? words.replace(/the collector/g, 'the proxy') : (a.error ?? 'unknown error');
    return `the proxy could not be reached: ${inner} — is the proxy (e.g. the Tor client) running?`;
  }
  return NETWORK_WORDS[code] || a.error || 'unknown error';
}

/** One sentence a volunteer can act on. */
export function describeAttempt(a: UploadAttempt, now = Date.now()): string {
  const when = `${ago(now - a.at)} ago`;
  const where = `${a.collector}${a.via ? ` via ${a.via}` : ''}`;
  switch (a.outcome) {
    case 'ok':
      return `${when}: uploaded ${a.sent} measurement(s) to ${where} (${a.accepted} new, ${a.duplicate} already there)`;
    case 'partial':
    case 'rejected':
      return `${when}: ${where} rejected ${a.rejected} of ${a.sent} measurement(s) as invalid; they are kept in the outbox as failed${a.error ? ` (${a.error})` : ''}`;
    case 'http_error':
      return `${when}: ${where} answered HTTP ${a.http_status}${a.error_code ? ` ${a.error_code}` : ''}: ${a.error ?? 'no details'}; the measurements stay in the outbox`;
    default: {
      const words = networkWords(a);
      return `${when}: could not reach ${where}: ${words}; the measurements stay in the outbox and will be retried`;
    }
  }
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}
