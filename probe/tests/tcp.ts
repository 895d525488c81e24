/**
 * The tcp test: `host:port` → DNS → TCP connect to every address, optionally a TLS handshake
 * (`params.tls: true`, SNI `params.sni` or the host). Used for WhatsApp's chat endpoints.
 */
import { analyzeTcp } from '../analysis/tcp.ts';
import type { NetTest } from '../context.ts';
import { establish } from '../steps/establish.ts';
import { resolveHost } from '../steps/resolve.ts';
import { parseHostPort } from './inputs.ts';

export const tcpTest: NetTest = {
  name: 'tcp',
  version: '1.0.0',
  async measure(ctx, target) {
    const { host, port } = parseHostPort(target.input);
    const resolution = await resolveHost(ctx, host, { canary: true });
    if (resolution.failure) {
      ctx.trace.fail(resolution.failure, 'resolve');
      return;
    }
    const wantTls = target.params?.tls === true;
    const sni = typeof target.params?.sni === 'string' ? target.params.sni : host;
    const conn = await establish(ctx, {
      addresses: resolution.addresses,
      port,
      serverName: wantTls ? sni : null,
    });
    if (!conn.connection) ctx.trace.fail(conn.failure, conn.failedOperation);
    else conn.connection.socket.destroy();
  },
  analyze: (m) => analyzeTcp(m),
};
