/**
 * Informed consent before the first measurement: what is tested, what is uploaded, the risks. Asked on a
 * terminal; `--accept` gives it for unattended installs. Without it the probe does not run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';

export const CONSENT_VERSION = 1;

export function consentText(o: {
  collectors: string[];
  enabledRisky: string[];
  skippedRisky: string[];
}): string {
  return `Raabta probe — please read before the first run.

WHAT IT DOES: this probe connects, from your internet connection, to websites and services (such as X,
WhatsApp, news sites, DNS resolvers and VPN/Tor servers) to see whether your network blocks, tampers with or
slows them. It runs on a schedule in the background if you start the daemon.

WHAT IS UPLOADED to ${o.collectors.length ? o.collectors.join(', ') : 'the collector you configure'}: the
results (DNS answers, connection outcomes, TLS certificates, web page responses), your network's country
and operator (ASN), and a random probe identifier. Your IP address is NOT uploaded: it is removed from every
result before it is stored. Results are published as open data.

RISKS: anyone watching your connection (your ISP, your employer, the state) can see that this machine
connects to these services, as with any visit. In some countries running a measurement tool or visiting
certain sites can have legal or social consequences. Sensitive categories (${o.skippedRisky.join(', ') || 'none'})
are NOT tested unless you enable them in the configuration${o.enabledRisky.length ? ` (enabled now: ${o.enabledRisky.join(', ')})` : ''}.
You can stop at any time (raabta probe status shows what is scheduled; stop the service to end it).
`;
}

export function hasConsent(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: number }).version >= CONSENT_VERSION;
  } catch {
    return false;
  }
}

export function recordConsent(file: string, how: 'terminal' | '--accept'): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(
    file,
    JSON.stringify({ version: CONSENT_VERSION, accepted_at: new Date().toISOString(), how }, null, 2),
    { mode: 0o600 },
  );
}

/** True when consent exists, is given by --accept, or the volunteer types "yes" on the terminal. */
export async function ensureConsent(
  file: string,
  accept: boolean,
  text: string,
  io: { input: NodeJS.ReadableStream & { isTTY?: boolean }; output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stderr,
  },
): Promise<{ ok: boolean; message?: string }> {
  if (hasConsent(file)) return { ok: true };
  if (accept) {
    recordConsent(file, '--accept');
    return { ok: true };
  }
  if (!io.input.isTTY) {
    return {
      ok: false,
      message: `${text}\nNo consent yet, and no terminal to ask on: read the text above and run again with --accept.`,
    };
  }
  io.output.write(`${text}\n`);
  const rl = createInterface({ input: io.input, output: io.output });
  try {
    const answer = (await rl.question('Type "yes" to agree and continue: ')).trim().toLowerCase();
    if (answer !== 'yes') return { ok: false, message: 'Not agreed: nothing was measured.' };
  } finally {
    rl.close();
  }
  recordConsent(file, 'terminal');
  return { ok: true };
}
