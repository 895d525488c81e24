/**
 * A tiny network agent run INSIDE a lab namespace (`ip netns exec rb-probe node --import tsx agent.ts`).
 * It reads one JSON request per line on stdin and answers one JSON line on stdout, using only Node
 * primitives (node:dns Resolver, node:net, node:tls, node:http(s), node:dgram), so tests can observe
 * the raw symptoms of censorship (ECONNRESET, timeouts, wrong answers, blockpages) from the probe side.
 * Our own timeouts are reported as ETIMEDOUT; c-ares DNS timeouts as ETIMEOUT.
 */
import { createInterface } from 'node:readline';
import { dnsOp, lookupOp } from './agent-ops/dns.ts';
import { httpOp } from './agent-ops/http.ts';
import { serveOp } from './agent-ops/serve.ts';
import { tcpExchangeOp, tcpOp, tlsOp } from './agent-ops/sockets.ts';
import type { AgentRequest, AgentResponse } from './agent-ops/types.ts';
import { udpOp } from './agent-ops/udp.ts';

const OPS: Record<string, (req: AgentRequest) => Promise<Record<string, unknown>>> = {
  dns: dnsOp,
  lookup: lookupOp,
  tcp: tcpOp,
  tls: tlsOp,
  tcpExchange: tcpExchangeOp,
  http: httpOp,
  udp: udpOp,
  serve: serveOp,
};

async function handle(line: string): Promise<AgentResponse> {
  const req = JSON.parse(line) as AgentRequest;
  const t0 = performance.now();
  const op = OPS[req.op];
  if (!op) return { id: req.id, ok: false, code: 'EBADOP', message: `unknown op ${req.op}`, ms: 0 };
  try {
    const data = await op(req);
    return { id: req.id, ok: true, ms: Math.round(performance.now() - t0), ...data };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      id: req.id,
      ok: false,
      code: e.code ?? 'ERROR',
      message: e.message,
      ms: Math.round(performance.now() - t0),
    };
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  handle(line).then(
    (res) => process.stdout.write(`${JSON.stringify(res)}\n`),
    (err: unknown) =>
      process.stdout.write(
        `${JSON.stringify({ id: -1, ok: false, code: 'EAGENT', message: String(err) })}\n`,
      ),
  );
});
rl.on('close', () => process.exit(0));
process.stdout.write(`${JSON.stringify({ id: 0, ok: true, ready: true, pid: process.pid })}\n`);
