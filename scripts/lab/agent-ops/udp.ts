/** UDP op: send one datagram on a connected socket and wait for one answer (or ICMP → ECONNREFUSED). */
import dgram from 'node:dgram';
import { type AgentRequest, num, str, timeoutError } from './types.ts';

export function udpOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const ms = num(req.timeoutMs, 1500);
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const done = (fn: () => void) => {
      clearTimeout(timer);
      sock.close();
      fn();
    };
    const timer = setTimeout(() => done(() => reject(timeoutError('udp answer', ms))), ms);
    sock.on('message', (msg) => done(() => resolve({ responseHex: msg.toString('hex'), bytes: msg.length })));
    sock.on('error', (err) => done(() => reject(err)));
    sock.connect(num(req.port, 0), str(req.host), () => {
      sock.send(Buffer.from(str(req.payloadHex), 'hex'));
    });
  });
}
