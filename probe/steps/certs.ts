/** A readable summary of the peer's certificate chain, plus the DER certificates in base64 (OONI style). */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { CertSummary, TlsHandshake } from '../../schemas/src/steps.ts';

const MAX_CHAIN = 10;

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

export function summarize(der: Buffer): CertSummary {
  try {
    const x = new X509Certificate(der);
    return {
      subject: clip(oneLine(x.subject), 2048),
      issuer: clip(oneLine(x.issuer), 2048),
      not_before: new Date(x.validFrom).toISOString(),
      not_after: new Date(x.validTo).toISOString(),
      fingerprint_sha256: x.fingerprint256,
    };
  } catch {
    return { subject: '(unparsable)', issuer: '', not_before: '', not_after: '', fingerprint_sha256: '' };
  }
}

/** Leaf first, following issuerCertificate links (which loop on a self-signed root). */
export function peerChain(socket: TLSSocket): Buffer[] {
  let cert: DetailedPeerCertificate | undefined;
  try {
    cert = socket.getPeerCertificate(true) as DetailedPeerCertificate;
  } catch {
    return [];
  }
  const out: Buffer[] = [];
  const seen = new Set<string>();
  while (cert?.raw && out.length < MAX_CHAIN) {
    const key = cert.fingerprint256 ?? cert.raw.toString('base64');
    if (seen.has(key)) break;
    seen.add(key);
    out.push(cert.raw);
    if (!cert.issuerCertificate || cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  return out;
}

export function certificateFields(
  socket: TLSSocket,
): Pick<TlsHandshake, 'peer_certificates' | 'certificates'> {
  const chain = peerChain(socket).filter((der) => der.length * 4 <= 65536 * 3);
  return {
    peer_certificates: chain.map((der) => ({ format: 'base64' as const, data: der.toString('base64') })),
    certificates: chain.map(summarize),
  };
}
