/** Child processes for benchmarks: a collector on loopback, /proc CPU time, JSON-lines output. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url).pathname;

/** `BENCH_CPU_PROF=DIR npm run bench …`: the collector and the probe harness write V8 CPU profiles to DIR. */
export function profArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** user + system CPU seconds of a process, all its threads (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface CollectorProc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `raabta collector start --db <db> --port 0 --no-demo …` in a child process; resolves with its URL. */
export async function startCollector(db: string, extra: string[] = []): Promise<CollectorProc> {
  const child = spawn(
    process.execPath,
    [
      ...profArgs(),
      '--import',
      'tsx',
      `${ROOT}collector/cli.ts`,
      'start',
      '--db',
      db,
      '--port',
      '0',
      '--no-demo',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAABTA_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`collector exited (${code}): ${stderr}`)));
      setTimeout(() => reject(new Error(`collector did not start within 60 s: ${stderr}`)), 60_000).unref();
    });
    return { url, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Runs `node --import tsx <script> …args` and collects its stdout lines as JSON objects; `onLine` sees each
 * as it arrives. Rejects on a non-zero exit (with the end of stderr).
 */
export async function runJsonChild(
  script: string,
  args: string[],
  onLine: (v: Record<string, unknown>) => void = () => {},
  opts: { timeoutMs?: number; wrap?: (argv: string[]) => ChildProcess; profile?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const argv = [process.execPath, ...(opts.profile ? profArgs() : []), '--import', 'tsx', script, ...args];
  const child =
    opts.wrap?.(argv) ??
    spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT, env: process.env });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    buf += d;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const l = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (l.startsWith('{')) {
        const v = JSON.parse(l) as Record<string, unknown>;
        lines.push(v);
        onLine(v);
      }
      i = buf.indexOf('\n');
    }
  });
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} exited ${code}: ${stderr}`);
  return lines;
}

export const BENCH_ROOT = ROOT;
