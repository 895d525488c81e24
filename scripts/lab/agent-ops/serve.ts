/** Echo servers (TCP and UDP) run by an agent, e.g. in rb-servers, to test DPI on arbitrary ports. */
import dgram from 'node:dgram';
import net from 'node:net';
import { type AgentRequest, num, str } from './types.ts';

const servers: (net.Server | dgram.Socket)[] = [];

export function serveOp(req: AgentRequest): Promise<Record<string, unknown>> {
  const host = str(req.host, '0.0.0.0');
  const port = num(req.port, 0);
  return new Promise((resolve, reject) => {
    if (req.proto === 'udp') {
      const sock = dgram.createSocket('udp4');
      sock.on('message', (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
      sock.once('error', reject);
      sock.bind(port, host, () => {
        servers.push(sock);
        resolve({ listening: `${host}:${sock.address().port}`, proto: 'udp' });
      });
    } else {
      const srv = net.createServer((c) => {
        c.on('error', () => {});
        c.pipe(c);
      });
      srv.once('error', reject);
      srv.listen(port, host, () => {
        servers.push(srv);
        const addr = srv.address() as net.AddressInfo;
        resolve({ listening: `${host}:${addr.port}`, proto: 'tcp' });
      });
    }
  });
}
