/** TCP connect, TLS handshake and raw TCP exchange ops. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { type AgentRequest, num, str, timeoutError } from './types.ts';

function withTimeout<T extends net.Socket>(
  sock: T,
  ms: number,
  what: string,
  reject: (e: Error) => void,
): NodeJS.Timeout {
  return setTimeout(() => {
    sock.destroy();
    reject(timeoutError(what, ms));
  }, ms);
}

export function tcpOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const ms = num(req.timeoutMs, 2000);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: str(req.host), port: num(req.port, 80) });
    const timer = withTimeout(sock, ms, 'tcp connect', reject);
    sock.once('connect', () => {
      clearTimeout(timer);
      const local = `${sock.localAddress}:${sock.localPort}`;
      sock.destroy();
      resolve({ connected: true, local });
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export function tlsOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const ms = num(req.timeoutMs, 3000);
  const host = str(req.host);
  return new Promise((resolve, reject) => {
    const sock = tls.connect({
      host,
      port: num(req.port, 443),
      servername:
        req.servername === undefined ? (net.isIP(host) ? undefined : host) : str(req.servername) || undefined,
      ca: typeof req.ca === 'string' ? readFileSync(req.ca) : undefined,
      rejectUnauthorized: req.rejectUnauthorized !== false,
      ALPNProtocols: Array.isArray(req.alpn) ? (req.alpn as string[]) : undefined,
    });
    const timer = withTimeout(sock, ms, 'tls handshake', reject);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = sock.getPeerCertificate();
      const out = {
        authorized: sock.authorized,
        protocol: sock.getProtocol(),
        alpn: sock.alpnProtocol,
        subjectCN: cert?.subject?.CN,
        san: cert?.subjectaltname,
        issuerCN: cert?.issuer?.CN,
      };
      if (typeof req.payloadHex !== 'string') {
        sock.destroy();
        resolve(out);
        return;
      }
      collect(sock, req, ms).then((r) => resolve({ ...out, ...r }), reject);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** After the handshake: send payloadHex, gather at least minBytes (or what came before the timeout). */
function collect(sock: tls.TLSSocket, req: AgentRequest, ms: number): Promise<Record<string, unknown>> {
  const minBytes = num(req.minBytes, 1);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ responseHex: Buffer.concat(chunks).toString('hex'), bytes: got });
    };
    const timer = setTimeout(() => {
      if (got > 0) return done();
      sock.destroy();
      reject(timeoutError('tls exchange', ms));
    }, ms);
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= minBytes) done();
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.write(Buffer.from(str(req.payloadHex), 'hex'));
  });
}

export function tcpExchangeOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const ms = num(req.timeoutMs, 3000);
  const minBytes = num(req.minBytes, 1);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: str(req.host), port: num(req.port, 443) });
    const chunks: Buffer[] = [];
    let got = 0;
    const finish = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ responseHex: Buffer.concat(chunks).toString('hex'), bytes: got });
    };
    const timer = setTimeout(() => {
      sock.destroy();
      if (got > 0) resolve({ responseHex: Buffer.concat(chunks).toString('hex'), bytes: got, partial: true });
      else reject(timeoutError('tcp exchange', ms));
    }, ms);
    sock.once('connect', () => sock.write(Buffer.from(str(req.payloadHex), 'hex')));
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= minBytes) finish();
    });
    sock.once('end', () => (got > 0 ? finish() : undefined));
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
