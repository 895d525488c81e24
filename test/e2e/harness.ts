/**
 * Real processes for the probe daemon and end-to-end tests: the collector CLI (`bin/cli.ts collector start`)
 * on a temp SQLite file, the probe CLI (`bin/cli.ts probe …`), a loopback HTTPS target with a throw-away CA
 * and a loopback DNS server, and readers for the probe's outbox and the collector's database.
 * Everything listens on 127.0.0.1 (or inside a lab namespace when `ns` is given): nothing leaves the machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { createTestCa, type TestCa } from '../helpers/test-ca.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'bin/cli.ts');
/** The probe's destination guard in loopback tests. */
export const LOOPBACK_ALLOW = '127.0.0.0/8';

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function nsPrefix(ns: string | undefined): string[] {
  return ns ? ['ip', 'netns', 'exec', ns] : [];
}

function nodeArgv(ns: string | undefined, args: string[]): [string, string[]] {
  const argv = [...nsPrefix(ns), process.execPath, '--import', 'tsx', CLI, ...args];
  return [argv[0], argv.slice(1)];
}

export async function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export interface CollectorProcess {
  child: ChildProcess;
  url: string;
  port: number;
  db: string;
  /** everything the process wrote to stdout and stderr (its log lines) */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `raabta collector start --db DB --port PORT --no-demo …` as a child process; resolves once it listens. */
export async function startCollector(
  db: string,
  o: { port?: number; host?: string; ns?: string; extra?: string[] } = {},
): Promise<CollectorProcess> {
  const args = [
    'collector',
    'start',
    '--db',
    db,
    '--port',
    String(o.port ?? 0),
    '--host',
    o.host ?? '127.0.0.1',
    '--no-demo',
    '--workers',
    '0',
    ...(o.extra ?? []),
  ];
  const [cmd, argv] = nodeArgv(o.ns, args);
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RAABTA_LOG_LEVEL: 'info' },
  });
  const logs: string[] = [];
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      logs.push(d.toString('utf8'));
      out += d.toString('utf8');
      const m = /collector listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`collector exited early (${code}): ${logs.join('')}`)));
  });
  return {
    child,
    url,
    port: Number(new URL(url).port),
    db,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited(child);
    },
  };
}

export interface ProbeResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ProbeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<ProbeResult>;
}

/** `raabta probe …` as a child process (inside a lab namespace with `ns`). */
export function spawnProbe(args: string[], o: { ns?: string; env?: NodeJS.ProcessEnv } = {}): ProbeProcess {
  const [cmd, argv] = nodeArgv(o.ns, ['probe', ...args]);
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // no config file from the machine running the tests: XDG dirs point nowhere real
    env: {
      ...process.env,
      XDG_CONFIG_HOME: '/nonexistent-raabta-test',
      RAABTA_ALLOW: undefined,
      RAABTA_DATA_DIR: undefined,
      ...o.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const done = exited(child).then((r) => ({ ...r, stdout, stderr }));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

export async function runProbe(
  args: string[],
  o: { ns?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProbeResult> {
  return spawnProbe(args, o).done;
}

export interface LoopbackTarget {
  ca: TestCa;
  dns: TestDnsServer;
  https: HttpsServer;
  port: number;
  /** https://site.test:PORT/ */
  url: string;
  /** requests served so far */
  hits: number;
  /** the page's HTML (the test may change it) */
  page: string;
  close(): Promise<void>;
}

export const PAGE_TITLE = 'Raabta loopback site';

/** An HTTPS site "site.test" on 127.0.0.1 (certificate from a throw-away CA) and a DNS server naming it. */
export async function startLoopbackTarget(): Promise<LoopbackTarget> {
  const ca = createTestCa('Raabta E2E Test CA');
  const leaf = ca.issue('site.test', ['site.test']);
  const dns = await startDnsServer({ 'site.test': ['127.0.0.1'] });
  const t = {
    ca,
    dns,
    hits: 0,
    page: `<!doctype html><html><head><title>${PAGE_TITLE}</title></head><body><p>hello</p></body></html>`,
  } as LoopbackTarget;
  const https = createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    t.hits++;
    if (req.url === '/' || req.url?.startsWith('/?'))
      res.writeHead(200, { 'content-type': 'text/html' }).end(t.page);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  t.https = https;
  t.port = (https.address() as AddressInfo).port;
  t.url = `https://site.test:${t.port}/`;
  t.close = async () => {
    https.closeAllConnections();
    await new Promise<void>((r) => https.close(() => r()));
    await dns.close();
    ca.cleanup();
  };
  return t;
}

/** The probe options that keep it on loopback: resolver, CA, allow-list, data dir, consent. */
export function loopbackProbeArgs(target: LoopbackTarget, dataDir: string, collectors: string[]): string[] {
  return [
    ...collectors.flatMap((c) => ['--collector', c]),
    '--resolver',
    target.dns.spec,
    '--system-resolver',
    target.dns.spec,
    '--ca',
    target.ca.caFile,
    '--allow',
    LOOPBACK_ALLOW,
    '--data-dir',
    dataDir,
    '--accept',
  ];
}

export interface OutboxRow {
  uid: string;
  state: string;
  attempts: number;
  ack_status: string | null;
  acked_by: string | null;
  last_error: string | null;
  body: string | null;
}

/** The probe's outbox, read with a separate read-only connection (the probe may still be running). */
export function readOutbox(dataDir: string): {
  rows: OutboxRow[];
  attempts: Record<string, unknown>[];
  runs: Record<string, unknown>[];
} {
  const db = new Database(join(dataDir, 'outbox.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return {
      rows: db
        .prepare(
          'SELECT uid, state, attempts, ack_status, acked_by, last_error, body FROM measurements ORDER BY seq',
        )
        .all() as OutboxRow[],
      attempts: db.prepare('SELECT * FROM upload_attempts ORDER BY id').all() as Record<string, unknown>[],
      runs: db.prepare('SELECT * FROM runs ORDER BY id').all() as Record<string, unknown>[],
    };
  } finally {
    db.close();
  }
}

/** uid → number of rows in the collector's `measurements` table. */
export function collectorCounts(db: string): Map<string, number> {
  const c = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = c.prepare('SELECT uid, count(*) AS n FROM measurements GROUP BY uid').all() as {
      uid: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.uid, r.n]));
  } finally {
    c.close();
  }
}

export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/**
 * A TCP relay in front of a collector that forwards requests at once but holds every response until the
 * test releases it — so a test can act (e.g. SIGKILL the probe) after the collector committed a batch and
 * before the probe sees the acknowledgement.
 */
export interface HoldingRelay {
  url: string;
  /** responses (chunks) held, per connection */
  held(): number;
  /** forward everything held so far */
  release(): void;
  /** stop holding: forward responses as they come */
  passThrough(): void;
  close(): Promise<void>;
}

export async function startHoldingRelay(
  targetPort: number,
  o: { hold?: boolean; rewriteRequest?: (chunk: Buffer) => Buffer } = {},
): Promise<HoldingRelay> {
  let holding = o.hold ?? true;
  const queue: { to: Socket; data: Buffer }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((client) => {
    sockets.add(client);
    const upstream = new Socket();
    sockets.add(upstream);
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (d: Buffer) => upstream.write(o.rewriteRequest ? o.rewriteRequest(d) : d));
    upstream.on('data', (d: Buffer) => {
      if (holding) queue.push({ to: client, data: d });
      else client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const flush = () => {
    for (const { to, data } of queue.splice(0)) if (!to.destroyed) to.write(data);
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => queue.length,
    release: flush,
    passThrough() {
      holding = false;
      flush();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Every default suite off, so a test's daemon runs only what it schedules itself. */
export const NO_DEFAULT_SUITES = { x: null, whatsapp: null, vpn: null, news: null, dns: null };
