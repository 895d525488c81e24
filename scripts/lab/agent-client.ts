/**
 * Client for the lab agent: starts scripts/lab/agent.ts inside a namespace (tracked by nsSpawn,
 * so it dies with the lab) and sends it requests. Use from tests:
 *   const probe = await LabAgent.start('rb-probe');
 *   await probe.tls({ host: 'x.com', ca: state.caCert });   // → { ok: false, code: 'ECONNRESET' }
 */
import type { ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AgentResponse } from './agent-ops/types.ts';
import { nsSpawn } from './exec.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

type Params = Record<string, unknown>;

export class LabAgent {
  private nextId = 1;
  private readonly pending = new Map<number, (r: AgentResponse) => void>();

  private constructor(
    readonly ns: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(ns: string): Promise<LabAgent> {
    const child = nsSpawn(ns, [process.execPath, '--import', 'tsx', resolve(HERE, 'agent.ts')], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const agent = new LabAgent(ns, child);
    const ready = new Promise<void>((res, rej) => {
      agent.pending.set(0, () => res());
      child.once('exit', (code) => rej(new Error(`lab agent in ${ns} exited (${code}) before it was ready`)));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as AgentResponse;
      const cb = agent.pending.get(msg.id);
      agent.pending.delete(msg.id);
      cb?.(msg);
    });
    await ready;
    return agent;
  }

  call(op: string, params: Params = {}): Promise<AgentResponse> {
    const id = this.nextId++;
    return new Promise((res, rej) => {
      if (this.child.exitCode !== null) return rej(new Error(`lab agent in ${this.ns} is not running`));
      this.pending.set(id, res);
      this.child.stdin!.write(`${JSON.stringify({ ...params, id, op })}\n`);
    });
  }

  dns(name: string, p: Params = {}) {
    return this.call('dns', { name, ...p });
  }
  lookup(name: string) {
    return this.call('lookup', { name });
  }
  tcp(host: string, port: number, p: Params = {}) {
    return this.call('tcp', { host, port, ...p });
  }
  tls(host: string, p: Params = {}) {
    return this.call('tls', { host, ...p });
  }
  http(url: string, p: Params = {}) {
    return this.call('http', { url, ...p });
  }
  udp(host: string, port: number, payloadHex: string, p: Params = {}) {
    return this.call('udp', { host, port, payloadHex, ...p });
  }
  tcpExchange(host: string, port: number, payloadHex: string, p: Params = {}) {
    return this.call('tcpExchange', { host, port, payloadHex, ...p });
  }

  /** Start an echo server (tcp or udp) inside this agent's namespace. */
  serve(proto: 'tcp' | 'udp', host: string, port: number) {
    return this.call('serve', { proto, host, port });
  }

  close(): void {
    this.child.stdin?.end();
    this.child.kill('SIGTERM');
  }
}
